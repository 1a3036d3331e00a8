package palaver.runtime;

import io.vertx.core.eventbus.ReplyException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import palaver.api.ErrorCode;

/**
 * A per-user token bucket for one kind of action (creating groups, inviting,
 * friend requests): {@code burst} at once, then {@code perMinute} refilled
 * continuously. It lives in the service that does the action, so it holds
 * whichever gateway the requests come through, REST or WebSocket; with
 * several instances of that service each keeps its own buckets (the bus
 * spreads a user's requests over them), so the cluster-wide limit is at most
 * the instances times this one. Used from one verticle's event loop only.
 */
public final class UserRateLimit {
  /** Buckets kept at most; the least recently used user's is dropped (they start full again). */
  static final int MAX_USERS = 100_000;

  private final String what;
  private final double perMs;
  private final double burst;
  private final LongSupplier clock;
  private final Map<String, double[]> buckets = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
      return size() > MAX_USERS;
    }
  };

  /** {@code what} names the action in the refusal ("groups created"). */
  public UserRateLimit(String what, int perMinute, int burst) {
    this(what, perMinute, burst, System::currentTimeMillis);
  }

  UserRateLimit(String what, int perMinute, int burst, LongSupplier clock) {
    this.what = what;
    this.perMs = perMinute / 60_000.0;
    this.burst = burst;
    this.clock = clock;
  }

  /** Takes one token of {@code uid}'s bucket, or throws 429 saying when the next one is there. */
  public void take(String uid) {
    long now = clock.getAsLong();
    // [tokens, last refill time]
    double[] b = buckets.computeIfAbsent(uid, k -> new double[] {burst, now});
    b[0] = Math.min(burst, b[0] + (now - b[1]) * perMs);
    b[1] = now;
    if (b[0] < 1) {
      long waitS = (long) Math.ceil((1 - b[0]) / perMs / 1000.0);
      throw refusal(what, Math.max(1, waitS));
    }
    b[0] -= 1;
  }

  /** The 429 of a refused action; its message ends with the retry hint the gateway turns into {@code Retry-After}. */
  public static ReplyException refusal(String what, long retryAfterS) {
    return ErrorCode.RATE_LIMITED.exception("too many " + what + ", retry in " + retryAfterS + " s");
  }

  /** The seconds of a refusal's retry hint ("..., retry in 12 s"), or -1 when the message has none. */
  public static long retryAfterSeconds(String message) {
    if (message == null) {
      return -1;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("retry in (\\d{1,9}) s$").matcher(message);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }
}
