package palaver.gateway;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sign-ups per client IP: a token bucket each, so one address can't create
 * accounts (and spend Argon2 time) faster than a person would. Kept in memory
 * per gateway instance and bounded in keys, like {@link LoginThrottle}.
 * Used only from the gateway's event loop.
 */
final class SignUpLimit {
  static final int MAX_KEYS = 100_000;
  /** What a sign-up answered 409 (the address has an account) costs, in sign-ups. */
  static final int TAKEN_COST = 5;
  private final int perMinute;

  private final Map<String, TokenBucket> buckets = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
      return size() > MAX_KEYS;
    }
  };

  /** {@code perMinute} sign-ups per address at once, then refilled evenly over the minute ({@code signUpsPerIpPerMinute}). */
  SignUpLimit(int perMinute) {
    this.perMinute = Math.max(1, perMinute);
  }

  /** Takes a sign-up for {@code ip}: 0 when it may go ahead, else milliseconds to wait. */
  long take(String ip) {
    long now = System.nanoTime();
    TokenBucket bucket = bucket(ip, now);
    return bucket.take(now) ? 0 : Math.max(1, bucket.nanosUntilToken(now) / 1_000_000);
  }

  /**
   * A sign-up of {@code ip} was answered "login taken": it costs {@link #TAKEN_COST} sign-ups in all,
   * so one address can't test many addresses for an account (docs/protocol.md, who can learn that an address has an account).
   */
  void taken(String ip) {
    long now = System.nanoTime();
    bucket(ip, now).spend(now, TAKEN_COST - 1);
  }

  private TokenBucket bucket(String ip, long now) {
    return buckets.computeIfAbsent(ip, k -> new TokenBucket(perMinute / 60.0, perMinute, now));
  }
}
