package palaver.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The raw limit Palaver is compared against: a plain Vert.x WebSocket
 * broadcast with Palaver's frame shapes and nothing else — no auth (the
 * {@code auth} token is the comma-separated list of sessions to join), no
 * event bus, no storage (seq is an in-memory counter). One verticle instance,
 * like the gateway, so both use one event loop for the sockets.
 */
final class BaselineServer extends VerticleBase {
  private final int port;
  private final Map<String, Set<ServerWebSocket>> members = new HashMap<>();
  private final Map<String, Long> seqs = new HashMap<>();

  BaselineServer(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setMaxWebSocketFrameSize(64 * 1024))
        .webSocketHandler(this::connect)
        .listen(port, "0.0.0.0");
  }

  private void connect(ServerWebSocket ws) {
    List<String> joined = new ArrayList<>();
    ws.textMessageHandler(text -> onText(ws, joined, new JsonObject(text)));
    ws.closeHandler(v -> joined.forEach(sid -> members.get(sid).remove(ws)));
  }

  private void onText(ServerWebSocket ws, List<String> joined, JsonObject frame) {
    switch (frame.getString("type", "")) {
      case "auth" -> {
        JsonArray sessions = new JsonArray();
        for (String sid : frame.getString("token", "").split(",")) {
          members.computeIfAbsent(sid, s -> new LinkedHashSet<>()).add(ws);
          joined.add(sid);
          sessions.add(new JsonObject().put("sid", sid).put("lastSeq", seqs.getOrDefault(sid, 0L)).put("readSeq", 0));
        }
        ws.writeTextMessage(new JsonObject().put("type", "ready").put("uid", "baseline").put("sessions", sessions).encode());
      }
      case "send" -> send(ws, frame);
      case "ping" -> ws.writeTextMessage(new JsonObject().put("type", "pong").put("rid", frame.getValue("rid")).encode());
      default -> ws.writeTextMessage(new JsonObject().put("type", "error").put("rid", frame.getValue("rid"))
          .put("code", "invalid").put("message", "unknown frame").encode());
    }
  }

  /** Ack to the sender, then one encoded {@code message} to every member, the sender included. */
  private void send(ServerWebSocket ws, JsonObject frame) {
    String sid = frame.getString("sid");
    long seq = seqs.merge(sid, 1L, Long::sum);
    long at = System.currentTimeMillis();
    String id = sid + ":" + seq;
    ws.writeTextMessage(new JsonObject().put("type", "ack").put("rid", frame.getValue("rid")).put("sid", sid)
        .put("cid", frame.getValue("cid")).put("id", id).put("seq", seq).put("at", at).encode());
    String message = new JsonObject().put("type", "message").put("sid", sid).put("id", id).put("seq", seq)
        .put("uid", "baseline").put("nickname", "baseline").put("avatar", null).put("msgType", frame.getValue("msgType"))
        .put("content", frame.getValue("content")).put("file", null).put("at", at).encode();
    for (ServerWebSocket member : members.getOrDefault(sid, Set.of())) {
      if (!member.writeQueueFull()) {
        member.writeTextMessage(message);
      }
    }
  }
}
