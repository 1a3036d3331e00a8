package palaver.gateway;

/**
 * A token bucket: {@code perSecond} tokens refill continuously up to
 * {@code burst}; each frame takes one. Used from one event loop only.
 */
final class TokenBucket {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long last;

  TokenBucket(double perSecond, double burst, long nowNanos) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.last = nowNanos;
  }

  boolean take(long nowNanos) {
    tokens = Math.min(burst, tokens + (nowNanos - last) * perNano);
    last = nowNanos;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** Takes {@code n} more tokens, as far as there are any (never below empty). */
  void spend(long nowNanos, double n) {
    tokens = Math.max(0, Math.min(burst, tokens + (nowNanos - last) * perNano) - n);
    last = nowNanos;
  }

  /** How long until {@link #take} would succeed: 0 when a token is there now. */
  long nanosUntilToken(long nowNanos) {
    double now = Math.min(burst, tokens + (nowNanos - last) * perNano);
    return now >= 1 ? 0 : (long) Math.ceil((1 - now) / perNano);
  }
}
