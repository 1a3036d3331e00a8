package palaver.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import palaver.api.Address;
import palaver.api.Field;
import palaver.api.Ids;

/**
 * Tells user-service which users this gateway has connected: at once when a
 * user's first connection opens or last one closes (several tabs count once),
 * and every {@link #HEARTBEAT_MS} the whole list. The heartbeat is what keeps
 * the users online: a gateway that dies stops sending it and user-service
 * drops its users after 20 s. Used only from the gateway's event loop.
 */
final class PresenceReporter {
  static final long HEARTBEAT_MS = 5_000;

  private final Vertx vertx;
  /** This gateway instance in the reports: unique per start, so a restarted gateway is a new node. */
  private final String node = Ids.random();
  private final Map<String, Integer> connections = new HashMap<>();
  private long timer = -1;

  PresenceReporter(Vertx vertx) {
    this.vertx = vertx;
  }

  void start() {
    timer = vertx.setPeriodic(HEARTBEAT_MS, id -> heartbeat());
  }

  void connected(String uid) {
    if (connections.merge(uid, 1, Integer::sum) == 1) {
      report(new JsonObject().put(Field.UID, uid).put(Field.ONLINE, true));
    }
  }

  void disconnected(String uid) {
    Integer left = connections.computeIfPresent(uid, (u, n) -> n <= 1 ? null : n - 1);
    if (left == null) {
      report(new JsonObject().put(Field.UID, uid).put(Field.ONLINE, false));
    }
  }

  /** A clean stop: this node's users need not wait for the expiry. */
  void stop() {
    vertx.cancelTimer(timer);
    connections.clear();
    report(new JsonObject().put("gone", true));
  }

  private void heartbeat() {
    report(new JsonObject().put(Field.UIDS, new JsonArray(connections.keySet().stream().toList())));
  }

  private void report(JsonObject body) {
    vertx.eventBus().publish(Address.USER_PRESENCE_REPORT, body.put(Field.NODE, node));
  }
}
