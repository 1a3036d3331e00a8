package palaver.system;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.system.Http.User;
import palaver.testing.Await;

/**
 * The test client over the event bus: requests to the services' addresses as
 * another verticle on the node would make them (no gateway, no rate limit).
 * {@link #send} is the transport's one way to send a text.
 */
public final class BusClient {
  private final Vertx vertx;

  public BusClient(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The reply to {@code body} at {@code address}; fails the test when the request fails. */
  public JsonObject request(String address, JsonObject body) {
    return Await.result(Bus.request(vertx, address, body));
  }

  /** The failure {@code body} at {@code address} is answered with; fails the test when it succeeds. */
  public Throwable failure(String address, JsonObject body) {
    return Await.failure(Bus.request(vertx, address, body));
  }

  /** {@code who} sends a text; returns the ack. */
  public JsonObject send(User who, String sid, String cid, String text) {
    return request(Address.MESSAGE_SEND, text(who, sid, cid, text));
  }

  /** Sends {@code n} texts {@code prefix0..} at once (so they are stored in batches); returns the acks. */
  public List<JsonObject> sendMany(User who, String sid, String prefix, int n) {
    return sendMany(who, sid, prefix, n, null);
  }

  /** As above, every text being {@code body} (or its cid when null). */
  public List<JsonObject> sendMany(User who, String sid, String prefix, int n, String body) {
    List<Future<JsonObject>> acks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      acks.add(Bus.request(vertx, Address.MESSAGE_SEND, text(who, sid, prefix + i, body == null ? prefix + i : body)));
    }
    Await.result(Future.all(acks));
    return acks.stream().map(Future::result).toList();
  }

  /** The body of a {@code palaver.message.send} of a text (for tests that add fields such as waitMs). */
  public static JsonObject text(User who, String sid, String cid, String text) {
    return new JsonObject().put("uid", who.uid()).put("sid", sid).put("cid", cid).put("msgType", "text")
        .put("content", text);
  }
}
