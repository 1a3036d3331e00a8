package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import palaver.testing.Await;

/** A raw WebSocket client on a Pusher path, read from the test thread: frames in order, and how it closed. */
final class PusherSocket implements AutoCloseable {
  private final WebSocketClient client;
  private final ClientWebSocket ws;
  private final ReceivedFrames received;

  private PusherSocket(WebSocketClient client, ClientWebSocket ws) {
    this.client = client;
    this.ws = ws;
    this.received = ReceivedFrames.ofMessages(ws);
  }

  /** Opens {@code uri} (e.g. {@code /app/key?protocol=7}), with {@code origin} as the Origin header when not null. */
  static PusherSocket open(Vertx vertx, int port, String uri, String origin) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
    if (origin != null) {
      options.addHeader("Origin", origin);
    } else {
      options.setAllowOriginHeader(false); // Vert.x would send one of its own: be a non-browser client
    }
    // Handlers are set before connecting: the server's first frame (connection_established) comes at once.
    PusherSocket socket = new PusherSocket(client, client.webSocket());
    Future<PusherSocket> connected = socket.ws.connect(options).map(ws -> socket).onFailure(t -> client.close());
    return Await.result(connected);
  }

  void send(JsonObject frame) {
    sendText(frame.encode());
  }

  void sendBinary(io.vertx.core.buffer.Buffer bytes) {
    Await.result(ws.writeBinaryMessage(bytes));
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

  /** The next frame the server sent. */
  JsonObject next() {
    return received.next();
  }

  /** The next frame within {@code millis}, or null. */
  JsonObject poll(long millis) {
    return received.poll(millis);
  }

  /** The close code the server closed with. */
  short closeCode() {
    return received.closeCode();
  }

  /** Stops reading: what the server sends piles up in the TCP buffers, then in its own queue. */
  void pause() {
    ws.pause();
  }

  void resume() {
    ws.resume();
  }

  boolean isClosed() {
    return ws.isClosed();
  }

  @Override
  public void close() {
    if (!ws.isClosed()) {
      ws.close();
    }
    client.close();
  }
}
