package palaver.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The production clocks keep the promises the docs make. */
class PushTimingsTest {
  @Test
  @DisplayName("Webhook retries wait 1 s, doubling, capped at 60 s")
  void backoffDoublesToTheCap() {
    List<Long> delays = new ArrayList<>();
    for (int failures = 1; failures <= 9; failures++) {
      delays.add(PushTimings.DEFAULT.retryDelayMs(failures));
    }
    assertEquals(List.of(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L, 60_000L, 60_000L, 60_000L), delays);
  }

  @Test
  @DisplayName("With the default clocks a failing webhook is still attempted 5 minutes after it was made")
  void retriedForAtLeastFiveMinutes() {
    PushTimings t = PushTimings.DEFAULT;
    long at = 0;
    long lastAttempt = 0;
    for (int failures = 1; ; failures++) {
      long next = at + t.retryDelayMs(failures);
      if (next > t.retryForMs()) { // the outbox's give-up rule
        break;
      }
      at = next;
      lastAttempt = at;
    }
    assertTrue(lastAttempt >= 5 * 60_000, "last attempt at " + lastAttempt + " ms");
  }

  @Test
  @DisplayName("A silent gateway's members are removed within 30 s, and a new instance warms up past one heartbeat")
  void boundsHold() {
    PushTimings t = PushTimings.DEFAULT;
    assertTrue(t.nodeSilenceMs() + t.sweepMs() <= 30_000);
    assertTrue(t.warmupMs() > 5_000 && t.warmupMs() > t.instanceSilenceMs());
    assertTrue(t.leaseMs() > t.requestTimeoutMs());
  }
}
