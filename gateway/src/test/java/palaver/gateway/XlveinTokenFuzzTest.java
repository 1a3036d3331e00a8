package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import palaver.runtime.App;
import palaver.runtime.Apps;
import palaver.runtime.Setting;

/**
 * Fuzzes xlvein's token check. Without the app's secret no input may name an
 * account; with a correctly signed header and claims, the account must be the
 * claims' {@code sub} or a refusal, never another exception.
 */
class XlveinTokenFuzzTest {
  private static final String SECRET = "xlvein-fuzz-secret-0123456789abcdef";
  private static final App APP = Apps.from(new JsonObject().put(Setting.APPS.key(), new JsonArray()
      .add(new JsonObject().put("id", "fz").put("key", "fzkey").put("secret", SECRET)))).byId("fz");
  private static final long NOW = 1_800_000_000L;

  @FuzzTest(maxDuration = "30s")
  @Timeout(60) // above the 30 s budget (JUnit times the whole fuzzing run); Jazzer reports an input slower than this as a hang
  @DisplayName("A forged token is refused; a signed one names its sub or is refused")
  void tokenIsRefusedUnlessSigned(FuzzedDataProvider data) {
    boolean signWithSecret = data.consumeBoolean();
    String header = data.consumeString(200);
    String claims = data.consumeRemainingAsString();
    String token = signWithSecret
        ? XlveinCredentials.jwt(json(header), json(claims), SECRET)
        : header + "." + claims;
    try {
      String account = XlveinToken.account(token, APP, NOW);
      if (!signWithSecret) {
        fail("an unsigned token named " + account + ": " + token);
      }
      assertEquals(json(claims).getString("sub"), account);
    } catch (XlveinToken.Refused expected) {
      // refused with a reason: the only other allowed outcome
    }
  }

  /** The text as a JSON object when it is one, else an object holding it (so the signed path is reached often). */
  private static JsonObject json(String text) {
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      return new JsonObject().put("alg", "HS256").put("sub", text).put("exp", NOW + text.length() - 8);
    }
  }
}
