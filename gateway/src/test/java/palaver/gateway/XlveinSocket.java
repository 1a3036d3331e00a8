package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import palaver.testing.Await;

/** A raw client of xlvein's {@code /ws/connect}, read from the test thread: text frames in order, pings counted. */
final class XlveinSocket implements AutoCloseable {
  private final WebSocketClient client;
  private final ClientWebSocket ws;
  private final ReceivedFrames received;
  final AtomicInteger pings = new AtomicInteger();

  private XlveinSocket(WebSocketClient client, ClientWebSocket ws) {
    this.client = client;
    this.ws = ws;
    this.received = ReceivedFrames.ofFrames(ws);
    ws.frameHandler(frame -> {
      if (frame.isPing()) {
        pings.incrementAndGet();
      } else if (frame.isText() && frame.isFinal()) {
        received.add(frame.textData());
      }
    });
  }

  /** Connects to {@code /ws/connect?query}; fails with the upgrade's refusal. */
  static Future<XlveinSocket> connect(Vertx vertx, int port, String query) {
    return connect(vertx, port, query, null);
  }

  /** As {@link #connect(Vertx, int, String)}, sending {@code origin} as the Origin header when not null. */
  static Future<XlveinSocket> connect(Vertx vertx, int port, String query, String origin) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/ws/connect?" + query);
    if (origin != null) {
      options.addHeader("Origin", origin);
    }
    // Handlers are set before connecting, so no frame the server sends at once is missed.
    XlveinSocket socket = new XlveinSocket(client, client.webSocket());
    return socket.ws.connect(options).map(ws -> socket).onFailure(t -> client.close());
  }

  static XlveinSocket open(Vertx vertx, int port, String appKey, String token) {
    return Await.result(connect(vertx, port, "app_id=" + appKey + "&token=" + token));
  }

  void send(JsonObject frame) {
    sendText(frame.encode());
  }

  void sendText(String text) {
    Await.result(ws.writeTextMessage(text));
  }

  /**
   * One text message of raw bytes, cut into fragments at the given offsets: bytes that need not be UTF-8, and a
   * character that may be split between two frames.
   */
  void sendTextFragments(byte[] bytes, int... cuts) {
    int from = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int to = i < cuts.length ? cuts[i] : bytes.length;
      byte[] part = java.util.Arrays.copyOfRange(bytes, from, to);
      boolean last = i == cuts.length;
      // Vert.x's textFrame takes a String, always UTF-8: the implementation class takes bytes.
      io.vertx.core.http.WebSocketFrame frame = new io.vertx.core.http.impl.ws.WebSocketFrameImpl(
          i == 0 ? io.vertx.core.http.WebSocketFrameType.TEXT : io.vertx.core.http.WebSocketFrameType.CONTINUATION, part, last);
      Await.result(ws.writeFrame(frame));
      from = to;
    }
  }

  /** For floods: {@link ReceivedFrames#whileOpen}. */
  boolean whileOpen(Runnable write) {
    return received.whileOpen(write);
  }

  /** A WebSocket ping control frame (not the protocol's own ping event). */
  void sendPing() {
    Await.result(ws.writePing(io.vertx.core.buffer.Buffer.buffer()));
  }

  void sendBinary(byte[] bytes) {
    Await.result(ws.writeBinaryMessage(Buffer.buffer(bytes)));
  }

  JsonObject next() {
    return received.next();
  }

  /** The next frame within {@code millis}, or null. */
  JsonObject poll(long millis) {
    return received.poll(millis);
  }

  boolean isClosed() {
    return ws.isClosed();
  }

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
