package palaver.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Pusher endpoint's metrics, per app (tag {@code app} = the app id, or
 * {@code unknown} for a key no app has, so clients can't add series):
 * {@code palaver_push_connections} (open sockets on this gateway),
 * {@code palaver_push_events_in_total} (frames received from sockets),
 * {@code palaver_push_deliveries_total} (events written to sockets) and
 * {@code palaver_push_refusals_total{reason}} (reasons are a fixed set).
 * Without a registry (some tests) only the connection counts are kept.
 */
final class PusherMetrics {
  static final String UNKNOWN_APP = "unknown";

  /** Why a socket or one of its requests was refused. */
  enum Refusal {
    UNKNOWN_APP, PROTOCOL, ORIGIN, CAPACITY, AUTH, SIGNIN, MALFORMED, TOO_LARGE, RATE, CLIENT_EVENT, PRESENCE_LIMIT,
    UNAVAILABLE, SLOW_CONSUMER;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final MeterRegistry registry = BackendRegistries.getDefaultNow();
  private final Map<String, AtomicInteger> connections = new HashMap<>();
  private final Map<String, Counter> eventsIn = new HashMap<>();
  private final Map<String, Counter> refusals = new HashMap<>();
  private final Map<String, Counter> deliveries = new HashMap<>();

  /** The sockets of {@code app} open on this gateway (what maxConnections limits). */
  int connections(String app) {
    AtomicInteger n = connections.get(app);
    return n == null ? 0 : n.get();
  }

  void connected(String app) {
    connections.computeIfAbsent(app, this::gauge).incrementAndGet();
  }

  void disconnected(String app) {
    AtomicInteger n = connections.get(app);
    if (n != null) {
      n.decrementAndGet();
    }
  }

  void eventIn(String app) {
    if (registry != null) {
      eventsIn.computeIfAbsent(app, a -> Counter.builder("palaver.push.events.in").tag("app", a)
          .description("frames received from Pusher sockets").register(registry)).increment();
    }
  }

  /** An event written to a socket of {@code app} (channel events, the user's events and stored pushes). */
  void delivered(String app) {
    if (registry != null) {
      deliveries.computeIfAbsent(app, a -> Counter.builder("palaver.push.deliveries").tag("app", a)
          .description("events written to Pusher sockets").register(registry)).increment();
    }
  }

  void refused(String app, Refusal reason) {
    if (registry != null) {
      refusals.computeIfAbsent(app + "\u0000" + reason.label(), k -> Counter.builder("palaver.push.refusals")
          .tag("app", app).tag("reason", reason.label()).description("Pusher sockets or requests refused")
          .register(registry)).increment();
    }
  }

  private AtomicInteger gauge(String app) {
    AtomicInteger n = new AtomicInteger();
    if (registry != null) {
      Gauge.builder("palaver.push.connections", n, AtomicInteger::get).tag("app", app)
          .description("open Pusher sockets on this gateway").register(registry);
    }
    return n;
  }
}
