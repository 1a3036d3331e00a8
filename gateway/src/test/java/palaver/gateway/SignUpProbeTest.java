package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
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
 * Issue 19: sign-up is where a taken address shows (409). A taken answer costs
 * {@link SignUpLimit#TAKEN_COST} sign-ups, so one client can test only a few addresses a minute.
 */
class SignUpProbeTest {
  private static final int PER_MINUTE = 10;
  private final FakeNeighbour users = new FakeNeighbour("user-service")
      .answer(Address.USER_REGISTER, body -> body.getString(Field.LOGIN).startsWith("taken")
          ? Future.failedFuture(ErrorCode.CONFLICT.exception("login already registered"))
          : Future.succeededFuture(new JsonObject().put(Field.UID, "u").put(Field.TOKEN, "t")));
  private final ServiceUnderTest sut = ServiceUnderTest.start(
      new JsonObject().put(Setting.SIGN_UPS_PER_IP_PER_MINUTE.key(), PER_MINUTE), List.of(users), GatewayVerticle::new);
  private final WebClient http = WebClient.create(sut.vertx());

  @AfterEach
  void stop() {
    http.close();
    sut.close();
  }

  private int signUp(String login) {
    return Await.result(http.post(sut.httpPort(), "127.0.0.1", "/api/v1/users")
        .sendJsonObject(new JsonObject().put(Field.LOGIN, login).put(Field.PASSWORD, "plover kettle 41")
            .put(Field.NICKNAME, "N"))).statusCode();
  }

  @Test
  @DisplayName("Two sign-ups answered 'taken' spend a bucket of ten: the next sign-up from that client is 429")
  void takenAddressesCostMore() {
    assertEquals(409, signUp("taken-1@example.org"));
    assertEquals(409, signUp("taken-2@example.org"));
    assertEquals(429, signUp("taken-3@example.org"));
  }

  @Test
  @DisplayName("Sign-ups that succeed cost one each, as before")
  void successesCostOne() {
    for (int i = 0; i < PER_MINUTE; i++) {
      assertEquals(201, signUp("new-" + i + "@example.org"));
    }
    assertEquals(429, signUp("new-x@example.org"));
  }
}
