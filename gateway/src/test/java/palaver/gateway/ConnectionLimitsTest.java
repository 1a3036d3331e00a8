package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.Setting;

class ConnectionLimitsTest {
  @Test
  @DisplayName("An empty configuration gives every setting's default")
  void defaults() {
    ConnectionLimits limits = ConnectionLimits.from(new JsonObject());
    assertEquals(((Number) Setting.WS_FRAMES_PER_SECOND.defaultValue()).doubleValue(), limits.framesPerSecond());
    assertEquals(((Number) Setting.WS_IDLE_TIMEOUT_MS.defaultValue()).longValue(), limits.idleTimeoutMs());
    assertEquals(((Number) Setting.WS_OUTBOUND_QUEUE_BYTES.defaultValue()).intValue(), limits.outboundQueueBytes());
  }

  @Test
  @DisplayName("A configured rate may be a fraction")
  void fractionalRate() {
    ConnectionLimits limits = ConnectionLimits.from(new JsonObject().put(Setting.WS_USER_FRAMES_PER_SECOND.key(), 0.5));
    assertEquals(0.5, limits.userFramesPerSecond());
  }

  @Test
  @DisplayName("A user's connections share one bucket; another user has a bucket of their own")
  void oneBucketPerUser() {
    ConnectionLimits limits = ConnectionLimits.from(new JsonObject()
        .put(Setting.WS_USER_FRAMES_PER_SECOND.key(), 0.001).put(Setting.WS_USER_FRAME_BURST.key(), 2));
    ConnectionLimits.UserBuckets buckets = new ConnectionLimits.UserBuckets(limits);
    assertTrue(buckets.take("alice"));
    assertTrue(buckets.take("alice"));
    assertFalse(buckets.take("alice"));
    assertTrue(buckets.take("bob"));
  }
}
