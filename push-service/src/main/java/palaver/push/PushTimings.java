package palaver.push;

/**
 * The clocks of push-service, in one place so that tests can run them fast.
 *
 * @param nodeSilenceMs a gateway node not heard from for this long loses its sockets (gateways heartbeat every 5 s)
 * @param sweepMs how often silent nodes are looked for
 * @param beatMs how often an instance announces itself to the other push-service instances
 * @param instanceSilenceMs an instance not heard from for this long no longer counts for the leader choice
 * @param warmupMs how long a new instance only listens (builds its table from the gateways' heartbeats and
 *     hears the other instances) before it may act as the leader
 * @param senderTickMs how often the webhook sender looks for due jobs
 * @param leaseMs how long a claimed webhook job is reserved for the instance sending it
 * @param firstRetryMs the wait after a webhook's first failed attempt; doubles after each failure
 * @param maxRetryMs the longest wait between two attempts
 * @param retryForMs how long a webhook is retried before it is given up
 * @param requestTimeoutMs how long one webhook POST may take
 */
record PushTimings(long nodeSilenceMs, long sweepMs, long beatMs, long instanceSilenceMs, long warmupMs,
    long senderTickMs, long leaseMs, long firstRetryMs, long maxRetryMs, long retryForMs, long requestTimeoutMs) {

  /**
   * Production values: a gateway is gone after 20 s of silence (4 missed heartbeats), checked every 2 s,
   * so its members are removed within 22 s. An instance beats every second and is gone after 3 s; a new
   * instance listens for 7 s (longer than one gateway heartbeat and than the instance silence) first.
   * Webhooks: 1 s doubling to at most 60 s, for 6 minutes (so at least 5 minutes as Pusher promises).
   */
  static final PushTimings DEFAULT = new PushTimings(20_000, 2_000, 1_000, 3_000, 7_000,
      500, 30_000, 1_000, 60_000, 6 * 60_000, 10_000);

  /** The wait before the attempt after {@code failures} failed ones: first, doubling, capped. */
  long retryDelayMs(int failures) {
    long delay = firstRetryMs;
    for (int i = 1; i < failures && delay < maxRetryMs; i++) {
      delay *= 2;
    }
    return Math.min(delay, maxRetryMs);
  }
}
