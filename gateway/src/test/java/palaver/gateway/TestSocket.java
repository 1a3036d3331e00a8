package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import palaver.api.Field;
import palaver.testing.Await;

/** A client WebSocket to the gateway under test, read from the test thread: frames in order, and how it closed. */
final class TestSocket implements AutoCloseable {
  private final WebSocketClient client;
  private final ClientWebSocket ws;
  private final ReceivedFrames received;

  private TestSocket(WebSocketClient client, ClientWebSocket ws) {
    this.client = client;
    this.ws = ws;
    this.received = ReceivedFrames.ofMessages(ws);
  }

  /** Opens {@code /ws}, sending {@code origin} as the Origin header when not null. */
  static Future<TestSocket> connect(Vertx vertx, int port, String origin) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws");
    if (origin != null) {
      options.addHeader("Origin", origin);
    }
    // Handlers are set before connecting, so no frame the server sends at once is missed.
    TestSocket socket = new TestSocket(client, client.webSocket());
    return socket.ws.connect(options).map(ws -> socket).onFailure(t -> client.close());
  }

  static TestSocket open(Vertx vertx, int port) {
    return Await.result(connect(vertx, port, null));
  }

  void send(JsonObject frame) {
    Await.result(ws.writeTextMessage(frame.encode()));
  }

  /** Sends {@code text} as one message in fragments of {@code pieceSize} characters (ASCII text). */
  void sendFragmented(String text, int pieceSize) {
    for (int at = 0; at < text.length(); at += pieceSize) {
      String piece = text.substring(at, Math.min(text.length(), at + pieceSize));
      boolean last = at + pieceSize >= text.length();
      WebSocketFrame frame = at == 0 ? WebSocketFrame.textFrame(piece, last)
          : WebSocketFrame.continuationFrame(Buffer.buffer(piece), last);
      if (ws.isClosed()) {
        return;
      }
      ws.writeFrame(frame);
    }
  }

  /** A WebSocket ping control frame (Vert.x answers it with a pong, which is not a text frame). */
  void sendPing() {
    ws.writePing(io.vertx.core.buffer.Buffer.buffer());
  }

  /** The next frame the server sent. */
  JsonObject next() {
    return received.next();
  }

  /** The next frame the server sends within {@code millis}, or null when none comes. */
  JsonObject poll(long millis) {
    return received.poll(millis);
  }

  /** Sends an auth frame with {@code token}; the frame that answers it. */
  JsonObject auth(String token) {
    send(new JsonObject().put(Field.TYPE, "auth").put(Field.TOKEN, token));
    return next();
  }

  /** The close code the server closed with. */
  short closeCode() {
    return received.closeCode();
  }

  @Override
  public void close() {
    if (!ws.isClosed()) {
      ws.close();
    }
    client.close();
  }
}
