package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import palaver.testing.Await;

/**
 * The test client over the WebSocket: every received frame is kept, and tests
 * wait for the frame they expect. {@link #request} sets a {@code rid} and
 * waits for the answer that echoes it; {@link #send(String, String, String)}
 * is the transport's one way to send a text. The static predicates name the
 * frames tests wait for.
 */
public final class WsClient implements AutoCloseable {
  private static final AtomicInteger RIDS = new AtomicInteger();

  private final WebSocketClient client;
  private final ClientWebSocket socket;
  private final List<JsonObject> frames = new ArrayList<>();
  private volatile Short closeStatus;
  private volatile String closeReason;
  private volatile JsonObject ready;

  private WsClient(WebSocketClient client, ClientWebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(text -> {
      synchronized (frames) {
        frames.add(new JsonObject(text));
        frames.notifyAll();
      }
    });
    socket.closeHandler(v -> {
      closeReason = socket.closeReason();
      closeStatus = socket.closeStatusCode() == null ? -1 : socket.closeStatusCode();
      synchronized (frames) {
        frames.notifyAll();
      }
    });
  }

  /** Opens {@code /ws} without authenticating. */
  public static WsClient open(Vertx vertx, int port, String path, String origin) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 22));
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path);
    if (origin != null) {
      options.addHeader("Origin", origin);
    }
    // Handlers are set before connecting: a frame the server sends at once (the ready of ?token= auth)
    // must not arrive before there is a handler for it.
    WsClient ws = new WsClient(client, client.webSocket());
    return Await.result(ws.socket.connect(options).map(socket -> ws));
  }

  /**
   * Opens {@code /ws} on {@code host:port} and authenticates, giving up after about {@code millis} (a connect
   * that gets no answer, an auth that gets no {@code ready}): for clients that move on to another node when one
   * is dead, frozen or cut off. Throws when it gave up.
   */
  public static WsClient connectWithin(Vertx vertx, String host, int port, String token, int millis) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 22).setConnectTimeout(millis));
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/ws")
        .setTimeout(millis);
    WsClient ws = new WsClient(client, client.webSocket());
    try {
      Await.result(ws.socket.connect(options));
    } catch (RuntimeException | AssertionError e) {
      client.close();
      throw new IllegalStateException("no connection to " + host + ":" + port + ": " + e.getMessage(), e);
    }
    JsonObject ready = ws.requestWithin(new JsonObject().put("type", "auth").put("token", token), millis);
    if (ready == null || !"ready".equals(ready.getString("type"))) {
      ws.close();
      throw new IllegalStateException("no ready from " + host + ":" + port + ": " + ready);
    }
    return ws;
  }

  /** Opens {@code /ws}, authenticates with {@code token} and waits for {@code ready}. */
  public static WsClient connect(Vertx vertx, int port, String token) {
    WsClient ws = open(vertx, port, "/ws", null);
    JsonObject ready = ws.request(new JsonObject().put("type", "auth").put("token", token));
    if (!"ready".equals(ready.getString("type"))) {
      throw new AssertionError("auth failed: " + ready);
    }
    ws.ready = ready;
    return ws;
  }

  /** The {@code ready} frame this socket's auth was answered with (null when it did not authenticate by connect). */
  public JsonObject ready() {
    return ready;
  }

  public void send(JsonObject frame) {
    Await.result(socket.writeTextMessage(frame.encode()));
  }

  public void sendText(String text) {
    Await.result(socket.writeTextMessage(text));
  }

  /** Sends with a fresh rid and returns the frame answering it. */
  public JsonObject request(JsonObject frame) {
    String rid = "r" + RIDS.incrementAndGet();
    send(frame.copy().put("rid", rid));
    return next(f -> rid.equals(f.getValue("rid")) && !"message".equals(f.getString("type")));
  }

  /** Sends a text message and returns its answer (an ack, or an error). */
  public JsonObject send(String sid, String cid, String text) {
    return request(text(sid, cid, text));
  }

  /** The answer to a {@code history} request of session {@code sid}, {@code paging} (before, after, limit) added. */
  public JsonObject history(String sid, JsonObject paging) {
    return request(paging.copy().put("type", "history").put("sid", sid));
  }

  /** The answer to a {@code sync} from {@code positions} (sid to the last seq held); the messages arrive before it. */
  public JsonObject sync(JsonObject positions) {
    return request(new JsonObject().put("type", "sync").put("positions", positions));
  }

  /** A {@code sync} of one session from {@code lastSeq}. */
  public JsonObject sync(String sid, long lastSeq) {
    return sync(new JsonObject().put(sid, lastSeq));
  }

  /**
   * Sends with a fresh rid; returns the answer, or null when none came within {@code millis} or the socket
   * closed first (a client then knows at once that it must reconnect and resend).
   */
  public JsonObject requestWithin(JsonObject frame, long millis) {
    String rid = "w" + RIDS.incrementAndGet();
    send(frame.copy().put("rid", rid));
    return nextOrNull(f -> rid.equals(f.getValue("rid")) && !"message".equals(f.getString("type")), millis);
  }

  private JsonObject nextOrNull(Predicate<JsonObject> match, long millis) {
    long deadline = System.currentTimeMillis() + millis;
    synchronized (frames) {
      while (true) {
        for (int i = 0; i < frames.size(); i++) {
          if (match.test(frames.get(i))) {
            return frames.remove(i);
          }
        }
        long left = deadline - System.currentTimeMillis();
        if (left <= 0 || closeStatus != null) {
          return null;
        }
        try {
          frames.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
    }
  }

  /**
   * Waits until everything the server wrote to this socket before now has
   * arrived: the answer to a ping is written after it, on the same socket.
   */
  public void drain() {
    assertEquals("pong", request(new JsonObject().put("type", "ping")).getString("type"));
  }

  /** A {@code send} frame of a text, without a rid (for tests that set their own or none). */
  public static JsonObject text(String sid, String cid, String text) {
    return new JsonObject().put("type", "send").put("sid", sid).put("cid", cid).put("msgType", "text")
        .put("content", text);
  }

  /** Frames that are text messages of session {@code sid} (not system notices). */
  public static Predicate<JsonObject> textIn(String sid) {
    return f -> "message".equals(f.getString("type")) && sid.equals(f.getString("sid"))
        && !"system".equals(f.getString("msgType"));
  }

  /** Message frames of session {@code sid} whose content is {@code content}. */
  public static Predicate<JsonObject> messageWith(String sid, String content) {
    return f -> "message".equals(f.getString("type")) && sid.equals(f.getString("sid"))
        && content.equals(f.getString("content"));
  }

  /** The session event {@code action} of session {@code sid}. */
  public static Predicate<JsonObject> sessionEvent(String sid, String action) {
    return f -> "event".equals(f.getString("type")) && "session".equals(f.getString("event"))
        && sid.equals(f.getString("sid")) && action.equals(f.getString("action"));
  }

  /** Removes and returns the first frame matching {@code match}, waiting up to the test timeout. */
  public JsonObject next(Predicate<JsonObject> match) {
    return next(match, Await.TIMEOUT_SECONDS * 1000);
  }

  public JsonObject next(Predicate<JsonObject> match, long millis) {
    long deadline = System.currentTimeMillis() + millis;
    synchronized (frames) {
      while (true) {
        for (int i = 0; i < frames.size(); i++) {
          if (match.test(frames.get(i))) {
            return frames.remove(i);
          }
        }
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          throw new AssertionError("no matching frame within " + millis + " ms; received " + frames);
        }
        try {
          frames.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  /** The next {@code message} frame of session {@code sid}. */
  public JsonObject nextMessage(String sid) {
    return next(f -> "message".equals(f.getString("type")) && sid.equals(f.getString("sid")));
  }

  /** Frames received so far that match, without removing them. */
  public List<JsonObject> received(Predicate<JsonObject> match) {
    synchronized (frames) {
      return frames.stream().filter(match).toList();
    }
  }

  /** Waits for the server to close the socket; returns the close code. */
  public short awaitClose() {
    Await.until("socket close", Await.TIMEOUT_SECONDS * 1000, () -> closeStatus != null);
    return closeStatus;
  }

  public boolean isClosed() {
    return closeStatus != null;
  }

  public String closeReason() {
    return closeReason;
  }

  /** Gives the socket up without waiting for a closing handshake a dead or cut-off peer will never answer. */
  public void abandon() {
    socket.close();
    client.close();
  }

  @Override
  public void close() {
    try {
      if (closeStatus == null) {
        Await.result(socket.close());
      }
    } catch (RuntimeException ignored) {
      // already gone
    } finally {
      client.close();
    }
  }
}
