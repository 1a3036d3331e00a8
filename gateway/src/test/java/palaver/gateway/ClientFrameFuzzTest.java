package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;

/**
 * Fuzzes the path every {@code /ws} text frame takes before it reaches the bus:
 * parsing, then each operation's whitelist ({@link ClientRequest#body}). The
 * bus body must hold the caller's uid and nothing but the listed, typed fields.
 */
class ClientFrameFuzzTest {

  @FuzzTest(maxDuration = "30s")
  @Timeout(60) // above the 30 s budget (JUnit times the whole fuzzing run); Jazzer reports an input slower than this as a hang
  @DisplayName("A frame becomes a whitelisted bus body under the caller's uid, or an invalid error")
  void frameBecomesWhitelistedBodyOrInvalid(byte[] input) {
    JsonObject frame;
    try {
      frame = Check.parse(new String(input, StandardCharsets.UTF_8));
    } catch (ReplyException e) {
      assertEquals(ErrorCode.INVALID, ErrorCode.of(e));
      return;
    }
    for (ClientRequest request : ClientRequest.values()) {
      JsonObject body;
      try {
        body = request.body("u-fuzz", frame);
      } catch (ReplyException e) {
        assertEquals(ErrorCode.INVALID, ErrorCode.of(e), e.getMessage());
        continue;
      }
      assertEquals("u-fuzz", body.getString(Field.UID), "a client chose the uid: " + body);
      for (String name : body.fieldNames()) {
        Object value = body.getValue(name);
        assertTrue(value == null || value instanceof String || value instanceof Number || value instanceof JsonObject
            || value instanceof Boolean, "unexpected value type for " + name + ": " + value);
      }
    }
  }
}
