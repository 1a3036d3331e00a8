package palaver.gateway;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import palaver.runtime.Setting;

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
    int outboundQueueBytes, long pingIntervalMs, long idleTimeoutMs,
    int maxSocketsPerUser, long recheckIntervalMs) {

  /** Rejected frames are counted over windows of this length. */
  static final long REJECT_WINDOW_MS = 10_000;

  static ConnectionLimits from(JsonObject config) {
    return new ConnectionLimits(
        number(config, Setting.WS_FRAMES_PER_SECOND).doubleValue(),
        number(config, Setting.WS_FRAME_BURST).doubleValue(),
        number(config, Setting.WS_USER_FRAMES_PER_SECOND).doubleValue(),
        number(config, Setting.WS_USER_FRAME_BURST).doubleValue(),
        number(config, Setting.WS_MAX_REJECTED_FRAMES).intValue(),
        number(config, Setting.WS_TYPING_INTERVAL_MS).longValue(),
        number(config, Setting.WS_OUTBOUND_QUEUE_BYTES).intValue(),
        number(config, Setting.WS_PING_INTERVAL_MS).longValue(),
        number(config, Setting.WS_IDLE_TIMEOUT_MS).longValue(),
        number(config, Setting.WS_MAX_SOCKETS_PER_USER).intValue(),
        number(config, Setting.WS_RECHECK_INTERVAL_MS).longValue());
  }

  /** The configured value, or the setting's default (a config file may hold decimals, e.g. 0.5 frames/s). */
  private static Number number(JsonObject config, Setting setting) {
    Object v = config.getValue(setting.key());
    return v instanceof Number n ? n : (Number) setting.defaultValue();
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
