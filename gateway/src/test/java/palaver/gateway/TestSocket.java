package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import palaver.api.Field;
import palaver.testing.Await;

/** A client WebSocket to the gateway under test, read from the test thread: frames in order, and how it closed. */
final class TestSocket implements AutoCloseable {
  private final WebSocketClient client;
  private final WebSocket ws;
  private final BlockingQueue<JsonObject> frames;
  private final CompletableFuture<Short> closeCode;

  private TestSocket(WebSocketClient client, WebSocket ws, BlockingQueue<JsonObject> frames,
      CompletableFuture<Short> closeCode) {
    this.client = client;
    this.ws = ws;
    this.frames = frames;
    this.closeCode = closeCode;
  }

  /** Opens {@code /ws}, sending {@code origin} as the Origin header when not null. */
  static Future<TestSocket> connect(Vertx vertx, int port, String origin) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws");
    if (origin != null) {
      options.addHeader("Origin", origin);
    }
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    CompletableFuture<Short> closeCode = new CompletableFuture<>();
    // The handlers are set as the connection completes, on its event loop, so no frame is missed.
    return client.connect(options).map(ws -> {
      ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
      ws.closeHandler(v -> closeCode.complete(ws.closeStatusCode()));
      return new TestSocket(client, ws, frames, closeCode);
    }).onFailure(t -> client.close());
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

  /** The next frame the server sent. */
  JsonObject next() {
    try {
      JsonObject frame = frames.poll(Await.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (frame == null) {
        throw new AssertionError("no frame came from the gateway");
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Sends an auth frame with {@code token}; the frame that answers it. */
  JsonObject auth(String token) {
    send(new JsonObject().put(Field.TYPE, "auth").put(Field.TOKEN, token));
    return next();
  }

  /** The close code the server closed with. */
  short closeCode() {
    try {
      return closeCode.get(Await.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the gateway did not close the socket", e);
    }
  }

  @Override
  public void close() {
    if (!ws.isClosed()) {
      ws.close();
    }
    client.close();
  }
}
