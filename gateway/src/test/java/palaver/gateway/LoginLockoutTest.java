package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.runtime.Setting;
import palaver.testing.Await;
import palaver.testing.FakeNeighbour;
import palaver.testing.ServiceUnderTest;

/**
 * Issue 19: anyone could lock anyone out. Five wrong passwords for a login, from anywhere, refused
 * the right one for 15 minutes. Clients are told apart by X-Forwarded-For from a trusted proxy.
 */
class LoginLockoutTest {
  private static final String RIGHT = "the right one";
  private final FakeNeighbour users = new FakeNeighbour("user-service")
      .answer(Address.USER_LOGIN, body -> RIGHT.equals(body.getString(Field.PASSWORD))
          ? Future.succeededFuture(new JsonObject().put(Field.UID, "u1").put(Field.TOKEN, "t"))
          : Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("wrong login or password")));
  private final ServiceUnderTest sut = ServiceUnderTest.start(
      new JsonObject().put(Setting.TRUSTED_PROXIES.key(), "127.0.0.1"), List.of(users), GatewayVerticle::new);
  private final WebClient http = WebClient.create(sut.vertx());

  @AfterEach
  void stop() {
    http.close();
    sut.close();
  }

  private HttpResponse<Buffer> login(String client, String password) {
    return Await.result(http.post(sut.httpPort(), "127.0.0.1", "/api/v1/auth/login")
        .putHeader("X-Forwarded-For", client)
        .sendJsonObject(new JsonObject().put(Field.LOGIN, "alice@example.org").put(Field.PASSWORD, password)));
  }

  @Test
  @DisplayName("An attacker's wrong passwords for a login don't refuse the owner's right password from another client")
  void ownerIsNotLockedOut() {
    for (int i = 0; i < LoginThrottle.FAILURES_PER_LOGIN; i++) {
      assertEquals(401, login("203.0.113.66", "guess-" + i).statusCode());
    }
    assertEquals(429, login("203.0.113.66", "guess-x").statusCode(), "the guessing client is slowed down");
    assertEquals(200, login("198.51.100.7", RIGHT).statusCode(), "the owner logs in");
  }

  @Test
  @DisplayName("The guessing client waits a growing delay of seconds, not a 15-minute lockout")
  void guesserWaitsSeconds() {
    for (int i = 0; i < LoginThrottle.FAILURES_PER_LOGIN; i++) {
      assertEquals(401, login("203.0.113.66", "guess-" + i).statusCode());
    }
    HttpResponse<Buffer> throttled = login("203.0.113.66", RIGHT);
    assertEquals(429, throttled.statusCode());
    assertEquals("1", throttled.getHeader("Retry-After"));
    Await.until("the 1 s delay is over", 5_000, () -> login("203.0.113.66", RIGHT).statusCode() == 200);
    assertTrue(users.requests(Address.USER_LOGIN).size() <= LoginThrottle.FAILURES_PER_LOGIN + 2,
        "throttled attempts never reached user-service");
  }
}
