package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import palaver.testing.Await;

/** A raw client of xlvein's {@code /ws/connect}, read from the test thread: text frames in order, pings counted. */
final class XlveinSocket implements AutoCloseable {
  private final WebSocketClient client;
  private final WebSocket ws;
  private final ReceivedFrames received;
  final AtomicInteger pings = new AtomicInteger();

  private XlveinSocket(WebSocketClient client, WebSocket ws) {
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
    return client.connect(options).map(ws -> new XlveinSocket(client, ws)).onFailure(t -> client.close());
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
