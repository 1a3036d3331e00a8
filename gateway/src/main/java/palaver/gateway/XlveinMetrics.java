package palaver.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * xlvein's counters, labelled by app: {@code palaver_push_xlvein_connections_total},
 * {@code _messages_in_total} (client frames stored), {@code _pushes_in_total}
 * (HTTP pushes stored, replays included), {@code _deliveries_total} (frames
 * handed to sockets) and {@code _refusals_total} by {@code reason}. Names of
 * their own (not the Pusher side's) so the two never register one name with
 * different labels. Nothing is counted when metrics are off.
 */
final class XlveinMetrics {
  private XlveinMetrics() {
  }

  static void connected(String app) {
    count("palaver.push.xlvein.connections", "xlvein sockets accepted", app, null);
  }

  static void messageIn(String app) {
    count("palaver.push.xlvein.messages.in", "client messages stored", app, null);
  }

  static void pushIn(String app) {
    count("palaver.push.xlvein.pushes.in", "HTTP pushes stored (a replayed sign included)", app, null);
  }

  static void delivered(String app) {
    count("palaver.push.xlvein.deliveries", "pushes and messages handed to sockets", app, null);
  }

  static void refused(String app, String reason) {
    count("palaver.push.xlvein.refusals", "upgrades, frames and HTTP pushes refused", app, reason);
  }

  private static void count(String name, String description, String app, String reason) {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      return;
    }
    Counter.Builder builder = Counter.builder(name).description(description).tag("app", app == null ? "unknown" : app);
    if (reason != null) {
      builder.tag("reason", reason);
    }
    builder.register(registry).increment();
  }
}
