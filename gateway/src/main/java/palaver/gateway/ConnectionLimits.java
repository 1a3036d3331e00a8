package palaver.gateway;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's protection of itself and of other clients: frame rates per
 * connection and per user (on this gateway), how long an abusive or silent
 * socket is kept, and how much may wait unsent for one socket. Each value
 * can be set in the configuration under the key named here.
 */
record ConnectionLimits(
    double framesPerSecond, double frameBurst,
    double userFramesPerSecond, double userFrameBurst,
    int maxRejectedPerWindow, long typingIntervalMs,
    int outboundQueueBytes, long pingIntervalMs, long idleTimeoutMs) {

  /** Rejected frames are counted over windows of this length. */
  static final long REJECT_WINDOW_MS = 10_000;

  static ConnectionLimits from(JsonObject config) {
    return new ConnectionLimits(
        config.getDouble("wsFramesPerSecond", 50.0),
        config.getDouble("wsFrameBurst", 100.0),
        config.getDouble("wsUserFramesPerSecond", 100.0),
        config.getDouble("wsUserFrameBurst", 200.0),
        config.getInteger("wsMaxRejectedFrames", 100),
        config.getLong("wsTypingIntervalMs", 1_000L),
        config.getInteger("wsOutboundQueueBytes", 1024 * 1024),
        config.getLong("wsPingIntervalMs", 20_000L),
        config.getLong("wsIdleTimeoutMs", 60_000L));
  }

  TokenBucket connectionBucket() {
    return new TokenBucket(framesPerSecond, frameBurst, System.nanoTime());
  }

  /** One bucket per user shared by the user's connections on this gateway (bounded, least recently used dropped). */
  static final class UserBuckets {
    private static final int MAX_USERS = 100_000;
    private final ConnectionLimits limits;
    private final Map<String, TokenBucket> buckets = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
        return size() > MAX_USERS;
      }
    };

    UserBuckets(ConnectionLimits limits) {
      this.limits = limits;
    }

    boolean take(String uid) {
      long now = System.nanoTime();
      return buckets.computeIfAbsent(uid,
          u -> new TokenBucket(limits.userFramesPerSecond, limits.userFrameBurst, now)).take(now);
    }
  }
}
