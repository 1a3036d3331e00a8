package palaver.runtime;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.eventbus.ReplyException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("UserRateLimit: a per-user token bucket")
class UserRateLimitTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final UserRateLimit limit = new UserRateLimit("things", 6, 2, now::get);

  @Test
  @DisplayName("The burst passes, the next one is 429 with a retry hint of the seconds to the next token")
  void burstThenRefused() {
    limit.take("eve");
    limit.take("eve");
    ReplyException refused = assertThrows(ReplyException.class, () -> limit.take("eve"));
    assertEquals(429, refused.failureCode());
    assertEquals(10, UserRateLimit.retryAfterSeconds(refused.getMessage()));
  }

  @Test
  @DisplayName("A token comes back after a minute divided by the rate")
  void refills() {
    limit.take("eve");
    limit.take("eve");
    now.addAndGet(10_000);
    assertDoesNotThrow(() -> limit.take("eve"));
  }

  @Test
  @DisplayName("Each user has their own bucket")
  void perUser() {
    limit.take("eve");
    limit.take("eve");
    assertDoesNotThrow(() -> limit.take("ann"));
  }

  @Test
  @DisplayName("A message without a retry hint gives -1")
  void noHint() {
    assertEquals(-1, UserRateLimit.retryAfterSeconds("too many frames, slow down"));
  }
}
