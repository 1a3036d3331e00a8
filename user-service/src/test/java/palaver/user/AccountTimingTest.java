package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static palaver.user.Users.PASSWORD;
import static palaver.user.Users.registration;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.testing.ServiceUnderTest;
import palaver.user.Users.Account;

/**
 * Issue 19: the time of an answer must not tell whether an address has an account. An Argon2id hash
 * takes tens of milliseconds and a store lookup about one, so an answer that skipped the hash would
 * take a small fraction of one that did; the bound (a third) leaves room for a loaded machine.
 */
class AccountTimingTest {
  private static final int ROUNDS = 7;
  private static ServiceUnderTest sut;

  @BeforeAll
  static void start() {
    sut = Users.start(Users.sessionService());
  }

  @AfterAll
  static void stop() {
    sut.close();
  }

  private static long medianMs(Supplier<Integer> failingRequest, int expectedCode) {
    long[] ms = new long[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      long start = System.nanoTime();
      assertEquals(expectedCode, failingRequest.get());
      ms[i] = (System.nanoTime() - start) / 1_000_000;
    }
    Arrays.sort(ms);
    return ms[ROUNDS / 2];
  }

  private static JsonObject credentials(String login, String password) {
    return new JsonObject().put(Field.LOGIN, login).put(Field.PASSWORD, password);
  }

  @Test
  @DisplayName("Logging in as an unknown address takes about as long as a wrong password for a known one")
  void unknownLoginCostsAHash() {
    Account alice = Users.register(sut, "Alice");
    long wrong = medianMs(() -> sut.failureCode(Address.USER_LOGIN, credentials(alice.login(), "not it at all")),
        ErrorCode.UNAUTHENTICATED.status());
    long unknown = medianMs(() -> sut.failureCode(Address.USER_LOGIN,
        credentials(Users.unique("nobody").toLowerCase() + "@example.org", "not it at all")), ErrorCode.UNAUTHENTICATED.status());
    System.out.printf("login: wrong password %d ms, unknown address %d ms (medians of %d)%n", wrong, unknown, ROUNDS);
    assertTrue(unknown * 3 >= wrong, "unknown " + unknown + " ms, wrong password " + wrong + " ms");
  }

  @Test
  @DisplayName("Signing up with a taken address takes about as long as a sign-up that creates an account")
  void takenSignUpCostsAHash() {
    Account alice = Users.register(sut, "Alice");
    long taken = medianMs(() -> sut.failureCode(Address.USER_REGISTER, registration(alice.login(), PASSWORD, "Again")),
        ErrorCode.CONFLICT.status());
    long[] ms = new long[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      long start = System.nanoTime();
      Users.register(sut, "New");
      ms[i] = (System.nanoTime() - start) / 1_000_000;
    }
    Arrays.sort(ms);
    long created = ms[ROUNDS / 2];
    System.out.printf("sign-up: taken %d ms, created %d ms (medians of %d)%n", taken, created, ROUNDS);
    assertTrue(taken * 3 >= created, "taken " + taken + " ms, created " + created + " ms");
  }
}
