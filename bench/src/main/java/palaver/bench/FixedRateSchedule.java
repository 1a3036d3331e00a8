package palaver.bench;

/**
 * An open, fixed-rate send schedule: send {@code i} is due at
 * {@code start + i / rate}, whether or not earlier sends were answered. Latency
 * is measured from these intended times, so a stalled server shows up as
 * latency instead of silently slowing the generator (no coordinated omission).
 */
final class FixedRateSchedule {
  private final long startNanos;
  private final double perSecond;
  private final long total;

  FixedRateSchedule(long startNanos, double perSecond, long total) {
    if (perSecond <= 0 || total < 0) {
      throw new IllegalArgumentException("rate must be positive and total not negative");
    }
    this.startNanos = startNanos;
    this.perSecond = perSecond;
    this.total = total;
  }

  static FixedRateSchedule forDuration(long startNanos, double perSecond, double seconds) {
    return new FixedRateSchedule(startNanos, perSecond, (long) Math.floor(perSecond * seconds));
  }

  /** When send {@code i} (0-based) should leave. */
  long intendedNanos(long i) {
    return startNanos + (long) (i * 1e9 / perSecond);
  }

  /** How many sends are due by {@code nowNanos} (their intended time has come), at most {@code total}. */
  long dueBy(long nowNanos) {
    if (nowNanos < startNanos) {
      return 0;
    }
    long due = (long) Math.floor((nowNanos - startNanos) * perSecond / 1e9) + 1;
    // Rounding of the division may put the boundary send one late or early: settle it on intendedNanos.
    while (due > 0 && intendedNanos(due - 1) > nowNanos) {
      due--;
    }
    while (due < total && intendedNanos(due) <= nowNanos) {
      due++;
    }
    return Math.min(due, total);
  }

  long total() {
    return total;
  }

  long endNanos() {
    return total == 0 ? startNanos : intendedNanos(total - 1);
  }
}
