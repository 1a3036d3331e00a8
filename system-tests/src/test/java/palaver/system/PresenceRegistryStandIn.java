package palaver.system;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.testing.Await;

/**
 * For the Pusher SDK tests while push-service does not answer PUSH_MEMBERS
 * yet: a stand-in that knows a presence channel's members from the gateway's
 * own join reports (what push-service does cluster-wide). Started only when
 * nothing serves the address, so the real registry is used once it does.
 */
final class PresenceRegistryStandIn implements AutoCloseable {
  private final MessageConsumer<JsonObject> reports;
  private final MessageConsumer<JsonObject> members;

  private PresenceRegistryStandIn(MessageConsumer<JsonObject> reports, MessageConsumer<JsonObject> members) {
    this.reports = reports;
    this.members = members;
  }

  /** The stand-in, or null when push-service already answers PUSH_MEMBERS. */
  static PresenceRegistryStandIn startIfMissing(Vertx vertx) {
    try {
      Await.result(Bus.request(vertx, Address.PUSH_MEMBERS,
          new JsonObject().put("app", "probe").put("channel", "presence-probe"), 2_000));
      return null;
    } catch (ReplyException e) {
      if (e.failureType() != ReplyFailure.NO_HANDLERS) {
        return null;
      }
    }
    Map<String, JsonObject> byChannel = new ConcurrentHashMap<>();
    MessageConsumer<JsonObject> reports = vertx.eventBus().consumer(Address.PUSH_CHANNELS_REPORT, m -> {
      JsonObject r = m.body();
      if (Boolean.TRUE.equals(r.getValue("joined")) && r.getValue("user_id") != null) {
        byChannel.computeIfAbsent(r.getString("app") + "/" + r.getString("channel"), k -> new JsonObject())
            .put(r.getString("user_id"), r.getValue("user_info"));
      }
    });
    MessageConsumer<JsonObject> members = vertx.eventBus().consumer(Address.PUSH_MEMBERS, m -> m.reply(
        new JsonObject().put("members", byChannel.getOrDefault(m.body().getString("app") + "/"
            + m.body().getString("channel"), new JsonObject()).copy())));
    Await.result(reports.completion());
    Await.result(members.completion());
    return new PresenceRegistryStandIn(reports, members);
  }

  @Override
  public void close() {
    Await.result(reports.unregister());
    Await.result(members.unregister());
  }
}
