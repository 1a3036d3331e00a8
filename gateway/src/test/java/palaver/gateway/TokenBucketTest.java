package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;

  private static void takeAll(TokenBucket bucket, int n, long now) {
    for (int i = 0; i < n; i++) {
      assertTrue(bucket.take(now), "take " + (i + 1) + " of " + n);
    }
  }

  @Test
  @DisplayName("A full bucket gives its burst at once, then refuses")
  void burstThenRefuse() {
    TokenBucket bucket = new TokenBucket(1, 3, 0);
    takeAll(bucket, 3, 0);
    assertFalse(bucket.take(0));
  }

  @Test
  @DisplayName("An empty bucket gives one token again after 1/rate seconds")
  void refillsAtTheRate() {
    TokenBucket bucket = new TokenBucket(2, 1, 0);
    takeAll(bucket, 1, 0);
    assertFalse(bucket.take(SECOND / 4));
    assertTrue(bucket.take(SECOND / 2));
  }

  @Test
  @DisplayName("A long pause refills the bucket only up to its burst")
  void refillStopsAtBurst() {
    TokenBucket bucket = new TokenBucket(10, 2, 0);
    takeAll(bucket, 2, 0);
    takeAll(bucket, 2, 100 * SECOND);
    assertFalse(bucket.take(100 * SECOND));
  }
}
