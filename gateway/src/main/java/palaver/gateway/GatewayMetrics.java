package palaver.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import palaver.api.CloseCode;

/**
 * The chat gateway's service metrics (docs/operations.md, "Metrics"): deliveries, send → ack
 * latency, fan-out subscriptions, closes by code, logins by outcome, rate-limited frames.
 * Tag values are bounded (known close codes, a fixed set of outcomes), so a client can't mint series.
 * Without a registry (some tests) every call is a no-op.
 */
final class GatewayMetrics {
  static final String DELIVERIES = "palaver.deliveries";
  static final String SEND_ACK = "palaver.send.ack";
  static final String FANOUT_SUBSCRIPTIONS = "palaver.fanout.subscriptions";
  static final String CONNECTIONS_CLOSED = "palaver.connections.closed";
  static final String LOGINS = "palaver.logins";
  static final String RATE_LIMITED = "palaver.frames.rate_limited";

  /** Login outcomes, the {@code outcome} tag of {@link #LOGINS}. */
  enum Login { SUCCESS, BAD_CREDENTIALS, THROTTLED, ERROR }

  /** Every gateway instance of the JVM adds to the same count, as they share the registry. */
  private static final AtomicLong SUBSCRIPTIONS = new AtomicLong();

  private static final GatewayMetrics NONE = new GatewayMetrics(null);
  private static volatile GatewayMetrics current = NONE;

  private final MeterRegistry registry;
  private final Counter deliveries;
  private final Timer sendAck;

  private GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    if (registry == null) {
      deliveries = null;
      sendAck = null;
      return;
    }
    deliveries = Counter.builder(DELIVERIES).description("fan-out frames written to chat sockets").register(registry);
    sendAck = Timer.builder(SEND_ACK).description("a send frame received to its ack written")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    Gauge.builder(FANOUT_SUBSCRIPTIONS, SUBSCRIPTIONS, AtomicLong::get)
        .description("fan-out addresses this JVM's gateways hold a bus consumer for").register(registry);
    for (CloseCode code : CloseCode.values()) {
      closeCounter(String.valueOf(code.code()));
    }
    for (Login outcome : Login.values()) {
      login(outcome, 0);
    }
    Counter.builder(RATE_LIMITED).description("frames refused by a rate limit").register(registry);
  }

  /** The metrics of the default registry, made once per registry (tests start several nodes in one JVM). */
  static GatewayMetrics get() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    GatewayMetrics metrics = current;
    if (metrics.registry != registry) {
      synchronized (GatewayMetrics.class) {
        metrics = current;
        if (metrics.registry != registry) {
          metrics = new GatewayMetrics(registry);
          current = metrics;
        }
      }
    }
    return metrics;
  }

  void delivered() {
    if (deliveries != null) {
      deliveries.increment();
    }
  }

  void acked(long startNanos) {
    if (sendAck != null) {
      sendAck.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  void subscribed() {
    SUBSCRIPTIONS.incrementAndGet();
  }

  void unsubscribed() {
    SUBSCRIPTIONS.decrementAndGet();
  }

  /** {@code code} as sent or received; one not in {@link CloseCode} (1000, a client's own) counts by itself when standard, else as "other". */
  void closed(int code) {
    if (registry != null) {
      closeCounter(label(code)).increment();
    }
  }

  static String label(int code) {
    return code == 1000 || code == 1006 || CloseCode.of(code) != null ? String.valueOf(code) : "other";
  }

  private Counter closeCounter(String code) {
    return Counter.builder(CONNECTIONS_CLOSED).tag("code", code)
        .description("chat sockets closed, by close code (1006: no close frame)").register(registry);
  }

  void login(Login outcome) {
    login(outcome, 1);
  }

  private void login(Login outcome, int n) {
    if (registry != null) {
      Counter.builder(LOGINS).tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
          .description("POST /auth/login answers by outcome").register(registry).increment(n);
    }
  }

  void rateLimited() {
    if (registry != null) {
      Counter.builder(RATE_LIMITED).description("frames refused by a rate limit").register(registry).increment();
    }
  }
}
