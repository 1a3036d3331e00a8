package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.CloseCode;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.api.PushNames;
import palaver.runtime.App;

/**
 * One xlvein socket of an app's account. On start it attaches the account's
 * inbox ({@link PushInbox}: stored pushes first, then live ones, each sent as
 * an {@link XlveinFrames#delivery} frame). A client frame {@code {to, data}}
 * is stored in {@code to}'s inbox (sender: this account, cid: a fresh
 * msg_id) and acked; a bad one gets an error frame and the socket stays open.
 */
final class XlveinConnection {
  private static final Logger LOG = LoggerFactory.getLogger(XlveinConnection.class);
  /** Error codes of error frames (the HTTP push's where they mean the same). */
  static final int BAD_MESSAGE = 1003;
  static final int BAD_TO = 1004;
  static final int RATE_LIMITED = 1429;
  static final int NOT_STORED = 1500;

  /** A valid client frame. */
  record Outgoing(String to, JsonObject data) {
  }

  /** A refused client frame: the error frame's code and message. */
  static final class Refused extends RuntimeException {
    final int code;

    Refused(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private final GatewayVerticle gateway;
  private final XlveinEndpoint endpoint;
  private final App app;
  private final String account;
  private final ServerWebSocket ws;
  private final TokenBucket sends;
  private PushInbox.Attachment inbox;
  private long lastHeard = System.currentTimeMillis();
  private boolean closed;

  XlveinConnection(GatewayVerticle gateway, XlveinEndpoint endpoint, App app, String account, ServerWebSocket ws) {
    this.gateway = gateway;
    this.endpoint = endpoint;
    this.app = app;
    this.account = account;
    this.ws = ws;
    int rate = app.maxClientEventsPerSecond();
    this.sends = new TokenBucket(rate, rate, System.nanoTime());
  }

  App app() {
    return app;
  }

  void start() {
    MessageAssembler assembler = new MessageAssembler(GatewayVerticle.MAX_MESSAGE, new Assembled());
    ws.frameHandler(frame -> {
      if (!closed) {
        assembler.onFrame(frame);
      }
    });
    ws.pongHandler(b -> lastHeard = System.currentTimeMillis());
    ws.exceptionHandler(t -> LOG.debug("xlvein socket error: {}", t.toString()));
    ws.closeHandler(v -> onClosed());
    ws.setWriteQueueMaxSize(gateway.limits().outboundQueueBytes());
    gateway.inbox().attachConfirmed(app.id(), account, this::deliver).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("inbox of an xlvein account not attached: {}", ar.cause().toString());
        close(CloseCode.TRY_AGAIN, "stored pushes unavailable, reconnect");
      } else if (closed) {
        ar.result().detach();
      } else {
        inbox = ar.result();
      }
    });
  }

  /** Pings, or closes the socket when nothing (frame or pong) was heard within the idle timeout. */
  void heartbeat(long now, long idleTimeoutMs) {
    if (now - lastHeard > idleTimeoutMs) {
      close(CloseCode.IDLE, "idle");
    } else if (!closed) {
      ws.writePing(Buffer.buffer());
    }
  }

  void close(CloseCode code, String reason) {
    if (!closed) {
      ws.close(code.code(), reason);
    }
    onClosed();
  }

  private void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    if (inbox != null) {
      inbox.detach();
    }
    endpoint.closed(this);
  }

  /** Answers when written; a client too slow to read is closed (4008), its unwritten pushes kept for next time. */
  private Future<Void> deliver(JsonObject push) {
    XlveinMetrics.delivered(app.id());
    return send(XlveinFrames.delivery(account, push));
  }

  private Future<Void> send(JsonObject frame) {
    if (closed) {
      return Future.failedFuture("socket closed");
    }
    Future<Void> written = ws.writeTextMessage(frame.encode());
    if (ws.writeQueueFull()) {
      close(CloseCode.SLOW_CONSUMER, "too slow, reconnect");
    }
    return written;
  }

  // ---- client frames ----

  /**
   * Messages as {@link MessageAssembler} puts them together: invalid UTF-8 closes with 1007 before anything
   * reads it, as on the chat socket. WebSocket pings draw on the send rate; a ping flood closes with 4429.
   */
  private final class Assembled implements MessageAssembler.Receiver {
    @Override
    public void onText(String text) {
      XlveinConnection.this.onText(text);
    }

    @Override
    public void onBinary() {
      XlveinConnection.this.onBinary();
    }

    @Override
    public void onPing() {
      lastHeard = System.currentTimeMillis();
      if (!sends.take(System.nanoTime())) {
        XlveinMetrics.refused(app.id(), "rate");
        close(CloseCode.RATE_LIMITED, "too many pings");
      }
    }

    @Override
    public void onTooLarge() {
      XlveinMetrics.refused(app.id(), "bad_frame");
      close(CloseCode.TOO_LARGE, "message too large");
    }

    @Override
    public void onInvalidText() {
      XlveinMetrics.refused(app.id(), "bad_frame");
      close(CloseCode.INVALID_TEXT, "text frame is not UTF-8");
    }
  }

  private void onBinary() {
    lastHeard = System.currentTimeMillis();
    XlveinMetrics.refused(app.id(), "bad_frame");
    send(XlveinFrames.error(BAD_MESSAGE, "frames are JSON text"));
  }

  private void onText(String text) {
    lastHeard = System.currentTimeMillis();
    Outgoing out;
    try {
      out = valid(text, app.maxEventBytes());
    } catch (Refused r) {
      XlveinMetrics.refused(app.id(), "bad_frame");
      send(XlveinFrames.error(r.code, r.getMessage()));
      return;
    }
    if (!sends.take(System.nanoTime())) {
      XlveinMetrics.refused(app.id(), "rate");
      send(XlveinFrames.error(RATE_LIMITED, "more than " + app.maxClientEventsPerSecond() + " messages per second"));
      return;
    }
    store(out);
  }

  /** A client frame as {@code {to, data}}: to a non-empty string, data an object of at most maxEventBytes. */
  static Outgoing valid(String text, int maxEventBytes) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException e) {
      throw new Refused(BAD_MESSAGE, "a frame must be a JSON object");
    }
    if (!(frame.getValue("to") instanceof String to) || to.isEmpty() || to.length() > XlveinToken.MAX_ACCOUNT) {
      throw new Refused(BAD_TO, "to must name an account (1 to " + XlveinToken.MAX_ACCOUNT + " characters)");
    }
    if (!(frame.getValue(Field.DATA) instanceof JsonObject data)) {
      throw new Refused(BAD_MESSAGE, "data must be a JSON object");
    }
    if (data.encode().getBytes(StandardCharsets.UTF_8).length > maxEventBytes) {
      throw new Refused(BAD_MESSAGE, "data must encode to at most " + maxEventBytes + " bytes");
    }
    return new Outgoing(to, data);
  }

  /** Stored in the receiver's inbox, then acked; the receiver's sockets get it from there. */
  private void store(Outgoing out) {
    String msgId = Ids.random();
    long now = System.currentTimeMillis();
    JsonObject content = new JsonObject().put(Field.EVENT, XlveinFrames.MESSAGE).put(Field.DATA, out.data())
        .put("from", account);
    JsonObject append = new JsonObject().put(Field.SID, PushNames.inbox(app.id(), out.to())).put(Field.UID, account)
        .put(Field.CID, msgId).put(Field.CONTENT, content).put(Field.EXPIRES_AT, now + app.retentionSeconds() * 1000);
    Bus.request(gateway.vertx(), Address.MESSAGE_PUSH_APPEND, append).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("xlvein message not stored: {}", ar.cause().toString());
        send(XlveinFrames.error(NOT_STORED, "not stored, send again"));
      } else {
        XlveinMetrics.messageIn(app.id());
        send(XlveinFrames.ack(msgId, out.to(), ar.result().getLong(Field.AT, now),
            XlveinFrames.conversationId(account, out.to())));
      }
    });
  }
}
