package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.testing.Await;

class LoginThrottleTest {
  /** Only for the throttle's purge timer, which these tests never wait for. */
  private static Vertx vertx;
  private LoginThrottle throttle;
  private long now = 1_000_000;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    Await.result(vertx.close());
  }

  @BeforeEach
  void freshThrottle() {
    throttle = new LoginThrottle(vertx, () -> now);
  }

  private void fail(String ip, String login, int times) {
    for (int i = 0; i < times; i++) {
      throttle.reserve(ip, login);
    }
  }

  @Test
  @DisplayName("A login with fewer failures than its limit may try again at once")
  void belowTheLimitGoesAhead() {
    fail("10.0.0.1", "alice", LoginThrottle.FAILURES_PER_LOGIN - 1);
    assertEquals(0, throttle.retryAfterMs("10.0.0.1", "alice"));
  }

  @Test
  @DisplayName("A client at a login's limit of failures waits a second after its latest failure, not the whole window")
  void atTheLoginLimitWaitsBriefly() {
    fail("10.0.0.1", "alice", LoginThrottle.FAILURES_PER_LOGIN);
    assertEquals(LoginThrottle.BASE_DELAY_MS, throttle.retryAfterMs("10.0.0.1", "alice"));
    now += LoginThrottle.BASE_DELAY_MS;
    assertEquals(0, throttle.retryAfterMs("10.0.0.1", "alice"));
  }

  @Test
  @DisplayName("Another client is not held back by one client's failures for a login, so the owner is never locked out")
  void otherClientOfTheLoginGoesAhead() {
    fail("10.0.0.1", "alice", 50);
    assertEquals(0, throttle.retryAfterMs("10.0.0.2", "alice"));
  }

  @Test
  @DisplayName("Each further failure doubles the wait, up to the cap")
  void delayGrowsAndIsCapped() {
    fail("10.0.0.1", "alice", LoginThrottle.FAILURES_PER_LOGIN + 3);
    assertEquals(8 * LoginThrottle.BASE_DELAY_MS, throttle.retryAfterMs("10.0.0.1", "alice"));
    fail("10.0.0.1", "alice", 30);
    assertEquals(LoginThrottle.MAX_DELAY_MS, throttle.retryAfterMs("10.0.0.1", "alice"));
  }

  @Test
  @DisplayName("A pair's failures are forgotten after its window")
  void failuresExpire() {
    fail("10.0.0.1", "alice", 40);
    now += LoginThrottle.PAIR_WINDOW_MS + 1;
    assertEquals(0, throttle.retryAfterMs("10.0.0.1", "alice"));
  }

  @Test
  @DisplayName("Another login from the same address is not held back by one login's failures")
  void otherLoginGoesAhead() {
    fail("10.0.0.1", "alice", LoginThrottle.FAILURES_PER_LOGIN);
    assertEquals(0, throttle.retryAfterMs("10.0.0.1", "bob"));
  }

  @Test
  @DisplayName("An address at its limit of failures waits whatever login it tries")
  void atTheAddressLimitWaits() {
    for (int i = 0; i < LoginThrottle.FAILURES_PER_IP; i++) {
      throttle.reserve("10.0.0.1", "user" + i);
    }
    assertTrue(throttle.retryAfterMs("10.0.0.1", "fresh") > 0);
    assertEquals(0, throttle.retryAfterMs("10.0.0.2", "fresh"));
  }

  @Test
  @DisplayName("A successful login clears that login's failures")
  void successClearsTheLogin() {
    fail("10.0.0.1", "alice", LoginThrottle.FAILURES_PER_LOGIN - 1);
    throttle.succeeded(throttle.reserve("10.0.0.1", "alice"));
    fail("10.0.0.1", "alice", LoginThrottle.FAILURES_PER_LOGIN - 1);
    assertEquals(0, throttle.retryAfterMs("10.0.0.1", "alice"));
  }

  @Test
  @DisplayName("An attempt counts as a failure from the moment it is reserved, before its answer came")
  void reservedAttemptsCountAtOnce() {
    for (int i = 0; i < LoginThrottle.FAILURES_PER_LOGIN; i++) {
      throttle.reserve("10.0.0.1", "alice");
    }
    assertTrue(throttle.retryAfterMs("10.0.0.1", "alice") > 0);
  }

  @Test
  @DisplayName("Reserved attempts from one address stop further logins from it at the address's limit")
  void reservedAttemptsCountForTheAddress() {
    for (int i = 0; i < LoginThrottle.FAILURES_PER_IP; i++) {
      throttle.reserve("10.0.0.1", "user" + i);
    }
    assertTrue(throttle.retryAfterMs("10.0.0.1", "fresh") > 0);
  }

  @Test
  @DisplayName("A reserved attempt that succeeds gives the address its attempt back and clears the login")
  void succeededAttemptIsGivenBack() {
    LoginThrottle.Attempt last = null;
    for (int i = 0; i < LoginThrottle.FAILURES_PER_IP; i++) {
      last = throttle.reserve("10.0.0.1", "user" + i);
    }
    throttle.succeeded(last);
    assertEquals(0, throttle.retryAfterMs("10.0.0.1", "fresh"));
    assertEquals(0, throttle.retryAfterMs("10.0.0.1", last.login()));
  }

  @Test
  @DisplayName("A reserved attempt released (no wrong password) is not counted")
  void releasedAttemptIsNotCounted() {
    for (int i = 0; i < LoginThrottle.FAILURES_PER_LOGIN; i++) {
      throttle.release(throttle.reserve("10.0.0.1", "alice"));
    }
    assertEquals(0, throttle.retryAfterMs("10.0.0.1", "alice"));
  }
}
