package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.testing.Await;

class TokensTest {
  private static final String SECRET = "a-test-secret-of-at-least-32-bytes!!";
  private static Vertx vertx;
  private static Tokens tokens;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    tokens = new Tokens(vertx, SECRET);
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("An issued token verifies and carries the user as subject and the token version")
  void issuedTokenVerifies() {
    JsonObject claims = Await.result(tokens.verify(tokens.issue("alice", 7).getString(Field.TOKEN)));
    assertEquals("alice", claims.getString(Tokens.SUBJECT_CLAIM));
    assertEquals(7L, claims.getLong(Tokens.VERSION_CLAIM));
  }

  @Test
  @DisplayName("An issued token expires twelve hours after it was issued")
  void expiresInTwelveHours() {
    long before = System.currentTimeMillis();
    long expiresAt = tokens.issue("alice", 0).getLong(Field.EXPIRES_AT);
    long after = System.currentTimeMillis();
    assertTrue(expiresAt >= before + 12 * 3600_000L && expiresAt <= after + 12 * 3600_000L);
  }

  @Test
  @DisplayName("A token signed with another key is refused as unauthenticated")
  void otherKeyRefused() {
    Tokens other = new Tokens(vertx, "another-secret-of-at-least-32-bytes!");
    assertUnauthenticated(other.issue("alice", 0).getString(Field.TOKEN));
  }

  @Test
  @DisplayName("A token whose claims were altered after signing is refused")
  void tamperedRefused() {
    String[] parts = tokens.issue("alice", 0).getString(Field.TOKEN).split("\\.");
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    String forged = base64(claims.put(Tokens.SUBJECT_CLAIM, "mallory").encode());
    assertUnauthenticated(parts[0] + "." + forged + "." + parts[2]);
  }

  @Test
  @DisplayName("An unsigned token (alg none) is refused")
  void algNoneRefused() {
    String header = base64(new JsonObject().put("alg", "none").put("typ", "JWT").encode());
    String claims = base64(new JsonObject().put(Tokens.SUBJECT_CLAIM, "alice").put(Tokens.VERSION_CLAIM, 0)
        .put("iss", Tokens.ISSUER).encode());
    assertUnauthenticated(header + "." + claims + ".");
  }

  @Test
  @DisplayName("An expired token is refused")
  void expiredRefused() {
    long oneHourAgo = System.currentTimeMillis() / 1000 - 3600;
    assertUnauthenticated(signed(new JsonObject().put(Tokens.SUBJECT_CLAIM, "alice").put(Tokens.VERSION_CLAIM, 0)
        .put("exp", oneHourAgo), Tokens.ISSUER));
  }

  @Test
  @DisplayName("A token of another issuer is refused even when signed with the same key")
  void otherIssuerRefused() {
    assertUnauthenticated(signed(new JsonObject().put(Tokens.SUBJECT_CLAIM, "alice").put(Tokens.VERSION_CLAIM, 0),
        "someone-else"));
  }

  @Test
  @DisplayName("A correctly signed token without a token version is refused")
  void missingVersionRefused() {
    assertUnauthenticated(signed(new JsonObject().put(Tokens.SUBJECT_CLAIM, "alice"), Tokens.ISSUER));
  }

  @Test
  @DisplayName("A correctly signed token without an expiry (exp) is refused")
  void missingExpiryRefused() {
    assertUnauthenticated(signed(new JsonObject().put(Tokens.SUBJECT_CLAIM, "alice").put(Tokens.VERSION_CLAIM, 0),
        Tokens.ISSUER));
  }

  @Test
  @DisplayName("Refreshing a token whose login is more than 30 days old is refused as unauthenticated")
  void refreshPastTheLoginLifetimeRefused() {
    long nowSeconds = System.currentTimeMillis() / 1000;
    JsonObject claims = claimsOf(signed(new JsonObject().put(Tokens.SUBJECT_CLAIM, "alice").put(Tokens.VERSION_CLAIM, 0)
        .put(Tokens.LOGIN_AT_CLAIM, nowSeconds - Tokens.MAX_LOGIN_SECONDS - 1).put("exp", nowSeconds + 3600), Tokens.ISSUER));
    Throwable t = Await.failure(tokens.refresh(claims, "alice", 0));
    assertEquals(ErrorCode.UNAUTHENTICATED.status(), ((ReplyException) t).failureCode());
  }

  @Test
  @DisplayName("A refreshed token keeps the original login time and expires no later than 30 days after it")
  void refreshKeepsTheLoginTime() {
    long nowSeconds = System.currentTimeMillis() / 1000;
    long loginAt = nowSeconds - Tokens.MAX_LOGIN_SECONDS + 60;
    JsonObject claims = claimsOf(signed(new JsonObject().put(Tokens.SUBJECT_CLAIM, "alice").put(Tokens.VERSION_CLAIM, 0)
        .put(Tokens.LOGIN_AT_CLAIM, loginAt).put("exp", nowSeconds + 3600), Tokens.ISSUER));
    JsonObject refreshed = Await.result(tokens.refresh(claims, "alice", 0));
    JsonObject newClaims = claimsOf(refreshed.getString(Field.TOKEN));
    assertEquals(loginAt, newClaims.getLong(Tokens.LOGIN_AT_CLAIM));
    assertTrue(newClaims.getLong("exp") <= loginAt + Tokens.MAX_LOGIN_SECONDS, "exp " + newClaims);
  }

  @Test
  @DisplayName("Text that is not a token at all is refused as unauthenticated")
  void garbageRefused() {
    assertUnauthenticated("not-a-token");
  }

  /** Claims signed with the right key but not by Tokens.issue. */
  private static String signed(JsonObject claims, String issuer) {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setIssuer(issuer));
  }

  private static JsonObject claimsOf(String token) {
    return Await.result(tokens.verify(token));
  }

  private static String base64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertUnauthenticated(String token) {
    Throwable t = Await.failure(tokens.verify(token));
    assertEquals(ErrorCode.UNAUTHENTICATED.status(), ((ReplyException) t).failureCode());
  }
}
