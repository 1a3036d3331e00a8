package palaver.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import palaver.api.Address;

/**
 * What this gateway tells push-service about its Pusher sockets' channels on
 * {@link Address#PUSH_CHANNELS_REPORT}: each join and leave as it happens, the
 * full snapshot as a heartbeat (a node not heard from for 20 s loses its
 * sockets), and a clean stop. Presence joins carry the member.
 */
final class ChannelReport {
  static final long HEARTBEAT_MS = 5_000;

  /** A presence channel member: {@code user_id} (always a string) and the app's {@code user_info}. */
  record Member(String userId, Object userInfo) {
  }

  private final Vertx vertx;
  private final String node;

  ChannelReport(Vertx vertx, String node) {
    this.vertx = vertx;
    this.node = node;
  }

  void joined(String app, String channel, String socketId, Member member) {
    JsonObject join = new JsonObject().put("node", node).put("app", app).put("channel", channel)
        .put("socket_id", socketId).put("joined", true);
    if (member != null) {
      join.put("user_id", member.userId()).put("user_info", member.userInfo());
    }
    publish(join);
  }

  void left(String app, String channel, String socketId) {
    publish(new JsonObject().put("node", node).put("app", app).put("channel", channel)
        .put("socket_id", socketId).put("joined", false));
  }

  /** {@code sockets}: {@code [{app, channel, socket_id, user_id?, user_info?}]}, every subscription of this node. */
  void heartbeat(JsonArray sockets) {
    publish(new JsonObject().put("node", node).put("sockets", sockets));
  }

  void gone() {
    publish(new JsonObject().put("node", node).put("gone", true));
  }

  static JsonObject entry(String app, String channel, String socketId, Member member) {
    JsonObject e = new JsonObject().put("app", app).put("channel", channel).put("socket_id", socketId);
    if (member != null) {
      e.put("user_id", member.userId()).put("user_info", member.userInfo());
    }
    return e;
  }

  private void publish(JsonObject report) {
    vertx.eventBus().publish(Address.PUSH_CHANNELS_REPORT, report);
  }
}
