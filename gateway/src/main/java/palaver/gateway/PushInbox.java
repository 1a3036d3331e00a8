package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import palaver.api.Address;
import palaver.api.PushNames;

/**
 * An app user's stored pushes (xlvein's {@code send_to}, Pusher's
 * {@code sendToUser}) reaching that user's sockets: live ones from the inbox's
 * fan-out address. Every push is handed to {@code deliver} as
 * {@code {seq, msgId, content, at}}, once per attachment, in seq order.
 */
final class PushInbox {
  /** A socket's hold on an inbox; detach when the socket closes. */
  interface Attachment {
    void detach();
  }

  private final GatewayVerticle gateway;

  PushInbox(GatewayVerticle gateway) {
    this.gateway = gateway;
  }

  /** Subscribes the inbox of {@code user} of {@code app}; completes once subscribed. */
  Future<Attachment> attach(String app, String user, Consumer<JsonObject> deliver) {
    String address = Address.fanoutInbox(PushNames.inbox(app, user));
    FanoutHub.Listener listener = (addr, body, encoded) -> deliver.accept(body);
    return gateway.hub().join(address, listener).map(v -> () -> gateway.hub().leave(address, listener));
  }
}
