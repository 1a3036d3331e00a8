package palaver.gateway;

import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import palaver.testing.Await;

/**
 * What a test's client WebSocket received, read from the test thread: its
 * text frames as JSON, in order, and the code it was closed with. Shared by
 * the sockets of each protocol ({@link TestSocket}, {@link PusherSocket},
 * {@link XlveinSocket}).
 */
final class ReceivedFrames {
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Short> closeCode = new CompletableFuture<>();
  private final WebSocket ws;

  private ReceivedFrames(WebSocket ws) {
    this.ws = ws;
    ws.closeHandler(v -> closeCode.complete(ws.closeStatusCode()));
  }

  /** Collects every text message of {@code ws}; call as the connection completes, so none is missed. */
  static ReceivedFrames ofMessages(WebSocket ws) {
    ReceivedFrames received = new ReceivedFrames(ws);
    ws.textMessageHandler(received::add);
    return received;
  }

  /** Only the close is watched; the caller hands text frames to {@link #add} itself (from a frame handler). */
  static ReceivedFrames ofFrames(WebSocket ws) {
    return new ReceivedFrames(ws);
  }

  void add(String text) {
    frames.add(new JsonObject(text));
  }

  /** The next frame the server sent. */
  JsonObject next() {
    JsonObject frame = poll(Await.TIMEOUT_SECONDS * 1000);
    if (frame == null) {
      throw new AssertionError("no frame came from the gateway"
          + (ws.isClosed() ? " (socket closed with " + ws.closeStatusCode() + ")" : ""));
    }
    return frame;
  }

  /** The next frame within {@code millis}, or null. */
  JsonObject poll(long millis) {
    try {
      return frames.poll(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * For floods: runs {@code write} unless the server closed the socket meanwhile, which can happen between the
   * caller's check and the write. False once closed; any other write failure still fails the test.
   */
  boolean whileOpen(Runnable write) {
    if (ws.isClosed()) {
      return false;
    }
    try {
      write.run();
      return true;
    } catch (RuntimeException e) {
      if (ws.isClosed()) {
        return false;
      }
      throw e;
    }
  }

  /** The close code the server closed with. */
  short closeCode() {
    try {
      return closeCode.get(Await.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the gateway did not close the socket", e);
    }
  }
}
