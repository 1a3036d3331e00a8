package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static palaver.user.Users.PASSWORD;
import static palaver.user.Users.registration;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;

/** Many sign-ups at once: the bounded hashing queue refuses what it can't take, and never half-refuses. */
class RegistrationFloodTest {
  private static final int PARALLEL = 80;
  private static ServiceUnderTest sut;

  @BeforeAll
  static void start() {
    sut = Users.start(Users.sessionService());
  }

  @AfterAll
  static void stop() {
    sut.close();
  }

  /** The outcome of one sign-up: the login asked for and the reply or failure. */
  private record Attempt(String login, Future<JsonObject> reply) {
  }

  private static List<Attempt> parallelSignUps(String prefix) {
    List<Attempt> attempts = new ArrayList<>();
    for (int i = 0; i < PARALLEL; i++) {
      String login = prefix + i + "@example.org";
      // The gateway's timeout for sign-ups, so a refusal can't hide as a timeout here either.
      attempts.add(new Attempt(login, Bus.request(sut.vertx(), Address.USER_REGISTER,
          registration(login, PASSWORD, "Flood"), 10_000)));
    }
    Await.result(Future.join(attempts.stream().map(Attempt::reply).toList()).otherwiseEmpty());
    return attempts;
  }

  private static boolean stored(String login) {
    return Await.result(sut.mongo().count(UserStore.USERS, new JsonObject().put(Field.LOGIN, login))) == 1;
  }

  @Test
  @DisplayName("Parallel sign-ups are each answered an account or rate_limited, and an account exists exactly for each success")
  void floodIsAnsweredCreatedOrRateLimited() {
    List<Attempt> attempts = parallelSignUps(Users.unique("flood").toLowerCase());
    int refused = 0;
    for (Attempt a : attempts) {
      if (a.reply().succeeded()) {
        assertTrue(stored(a.login()), a.login() + " was answered an account that does not exist");
        assertTrue(a.reply().result().getString(Field.UID) != null);
      } else {
        assertEquals(ErrorCode.RATE_LIMITED, ErrorCode.of(a.reply().cause()), a.login() + ": " + a.reply().cause());
        assertTrue(!stored(a.login()), a.login() + " was refused but its account exists");
        refused++;
      }
    }
    assertTrue(refused > 0, "no sign-up of " + PARALLEL + " was refused: hashing is unbounded");
  }
}
