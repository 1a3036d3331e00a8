package palaver.gateway;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.CloseCode;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Frames;
import palaver.runtime.SecurityLog;

/**
 * One client WebSocket: the auth handshake, client frames turned into bus
 * requests, and fan-out deliveries written back. Lives on the gateway's event
 * loop; every session of the user travels over this one socket.
 */
final class ClientConnection implements FanoutHub.Listener {
  static final long AUTH_TIMEOUT_MS = 10_000;

  private final GatewayVerticle gateway;
  private final ServerWebSocket ws;
  private final Set<String> sessions = new HashSet<>();
  private String uid;
  /** The user's fan-out address once joined (before auth completes, so a failed auth can leave it). */
  private String userAddress;
  private boolean authenticating;
  private boolean closed;
  private final MessageAssembler assembler = new MessageAssembler(GatewayVerticle.MAX_MESSAGE, new Assembled());
  private long authTimer;
  private final ConnectionLimits limits;
  private final TokenBucket frames;
  /** When anything (a frame, a pong) last came from the client, for the idle timeout. */
  private long lastHeard = System.currentTimeMillis();
  private long rejectWindowStart = System.currentTimeMillis();
  private int rejectedInWindow;
  private final Map<String, Long> lastTyping = new HashMap<>();
  /** Of the sessions known so far: the other member's uid for a private session, "" for any other kind (calls). */
  private final Map<String, String> peers = new HashMap<>();
  /** Call frames are relayed in the order they came, even when one waits for a look-up. */
  private Future<Void> callOrder = Future.succeededFuture();
  /** The token version this socket authenticated at; a re-check closes it once the user's has moved on. */
  private long tokenVersion;
  private boolean rechecking;
  private final GatewayMetrics metrics = GatewayMetrics.get();

  ClientConnection(GatewayVerticle gateway, ServerWebSocket ws) {
    this.gateway = gateway;
    this.ws = ws;
    this.limits = gateway.limits();
    this.frames = limits.connectionBucket();
  }

  /** {@code queryToken}: for clients that can't send an auth frame ({@code /ws?token=}). */
  void start(String queryToken) {
    ws.setWriteQueueMaxSize(limits.outboundQueueBytes());
    ws.pongHandler(b -> lastHeard = System.currentTimeMillis());
    ws.frameHandler(this::onFrame);
    ws.exceptionHandler(this::onException);
    ws.closeHandler(v -> onClosed());
    authTimer = gateway.vertx().setTimer(AUTH_TIMEOUT_MS, id -> {
      if (uid == null) {
        close(CloseCode.UNAUTHENTICATED, "authentication timeout");
      }
    });
    if (queryToken != null) {
      authenticate(null, queryToken);
    }
  }

  /**
   * An oversized or broken frame closes with the code the decoder chose (1009 too big, 1002 protocol error);
   * a message whose fragments add up to more than the limit closes with 1009 as well.
   */
  private void onException(Throwable t) {
    if (t instanceof CorruptedWebSocketFrameException corrupted) {
      closeWith((short) corrupted.closeStatus().code(), corrupted.closeStatus().reasonText());
    } else if (isMessageTooLarge(t)) {
      close(CloseCode.TOO_LARGE, "message too large");
    } else {
      close(CloseCode.GOING_AWAY, "error");
    }
  }

  /** Vert.x's frame aggregator says so only in a plain IllegalStateException's message. */
  private static boolean isMessageTooLarge(Throwable t) {
    return t instanceof IllegalStateException && t.getMessage() != null
        && t.getMessage().contains("max message size");
  }

  String uid() {
    return uid;
  }

  private void onText(String text) {
    JsonObject frame = null;
    Object rid = null;
    ReplyException malformed = null;
    try {
      JsonObject parsed = parse(text);
      rid = ridOf(parsed);
      frame = Check.object(parsed);
    } catch (ReplyException e) {
      malformed = e;
    }
    if (!admit(rid)) {
      return;
    }
    try {
      if (malformed != null) {
        throw malformed;
      }
      String type = Check.string(frame, Field.TYPE, 1, 32);
      dispatch(type, frame, rid);
    } catch (ReplyException e) {
      error(rid, ErrorCode.of(e), e.getMessage());
    }
  }

  /** The frame's rid, also for a frame refused later (so the error can echo it); invalid when not a short string or number. */
  private static Object ridOf(JsonObject frame) {
    Object rid = frame.getValue(Field.RID);
    if (rid != null && !(rid instanceof String s && s.length() <= 64) && !(rid instanceof Number)) {
      throw ErrorCode.INVALID.exception("rid must be a string or a number");
    }
    return rid;
  }

  /** JSON text to an object, not yet checked for {@code $}-keys (see {@link Check#object}). */
  private static JsonObject parse(String text) {
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      throw ErrorCode.INVALID.exception("malformed JSON");
    }
  }

  private void onBinary() {
    if (admit(null)) {
      error(null, ErrorCode.INVALID, "binary frames are not supported");
    }
  }

  /**
   * Every frame comes here ({@link MessageAssembler}), so a text message is checked to be UTF-8 before
   * anything acts on it and its size is bounded as it grows.
   */
  private void onFrame(WebSocketFrame frame) {
    if (!closed) {
      assembler.onFrame(frame);
    }
  }

  /** What the assembler hands on. Vert.x answers a ping itself; the ping still costs a token of this socket's bucket. */
  private final class Assembled implements MessageAssembler.Receiver {
    @Override
    public void onText(String text) {
      ClientConnection.this.onText(text);
    }

    @Override
    public void onBinary() {
      ClientConnection.this.onBinary();
    }

    @Override
    public void onPing() {
      if (!admitPing()) {
        close(CloseCode.RATE_LIMITED, "too many pings");
      }
    }

    @Override
    public void onTooLarge() {
      close(CloseCode.TOO_LARGE, "message too large");
    }

    @Override
    public void onInvalidText() {
      close(CloseCode.INVALID_TEXT, "text frame is not UTF-8");
    }
  }

  /** A ping over the socket's rate counts as a refused frame (it gets no error frame); false once too many were. */
  private boolean admitPing() {
    long now = System.currentTimeMillis();
    lastHeard = now;
    if (frames.take(System.nanoTime())) {
      return true;
    }
    return !countRejected(now);
  }

  /** Counts a refused frame in the current window; true once the socket went over the window's allowance. */
  private boolean countRejected(long now) {
    if (now - rejectWindowStart > ConnectionLimits.REJECT_WINDOW_MS) {
      rejectWindowStart = now;
      rejectedInWindow = 0;
    }
    metrics.rateLimited();
    return ++rejectedInWindow > limits.maxRejectedPerWindow();
  }

  /**
   * Rate limits per connection and per user. A refused frame is answered with
   * {@code rate_limited}; a client that keeps flooding is closed (4429).
   */
  private boolean admit(Object rid) {
    long now = System.currentTimeMillis();
    lastHeard = now;
    long nanos = System.nanoTime();
    if (frames.take(nanos) && (uid == null || gateway.userBuckets().take(uid))) {
      return true;
    }
    if (countRejected(now)) {
      close(CloseCode.RATE_LIMITED, "too many frames");
    } else {
      error(rid, ErrorCode.RATE_LIMITED, "too many frames, slow down");
    }
    return false;
  }

  /** Server ping, or close when nothing came from the client for the idle timeout (a dead peer never says so). */
  void heartbeat(long now) {
    if (closed) {
      return;
    }
    if (now - lastHeard > limits.idleTimeoutMs()) {
      close(CloseCode.IDLE, "idle timeout");
    } else if (!ws.writeQueueFull()) {
      ws.writePing(Buffer.buffer());
    }
  }

  private void dispatch(String type, JsonObject frame, Object rid) {
    if (type.equals("auth")) {
      if (uid != null || authenticating) {
        throw ErrorCode.INVALID.exception("already authenticated");
      }
      authenticate(rid, Check.string(frame, Field.TOKEN, 1, 4096));
      return;
    }
    if (uid == null) {
      throw ErrorCode.UNAUTHENTICATED.exception("send an auth frame first");
    }
    ClientRequest request = ClientRequest.ofFrame(type);
    if (request == ClientRequest.SYNC) {
      sync(request.body(uid, frame), rid);
    } else if (request != null) {
      answer(rid, request, request.body(uid, frame));
    } else if (type.equals("typing")) {
      typing(frame);
    } else if (type.equals(Frames.CALL)) {
      call(frame, rid);
    } else if (type.equals("ping")) {
      write(Frames.of(Frames.PONG, rid));
    } else {
      throw ErrorCode.INVALID.exception("unknown frame type " + type);
    }
  }

  /** Verify, subscribe to the user's and every session's fan-out, then {@code ready}. */
  private void authenticate(Object rid, String token) {
    authenticating = true;
    Bus.request(gateway.vertx(), Address.USER_AUTHENTICATE, new JsonObject().put(Field.TOKEN, token))
        .compose(principal -> {
          String user = principal.getString(Field.UID);
          tokenVersion = principal.getLong(Field.TOKEN_VERSION, 0L);
          userAddress = Address.fanoutUser(user);
          return gateway.hub().join(userAddress, this)
              .compose(v -> Bus.request(gateway.vertx(), Address.SESSION_LIST, new JsonObject().put(Field.UID, user)))
              .compose(list -> subscribeAll(list.getJsonArray(Field.SESSIONS)).map(list))
              .map(list -> {
                uid = user;
                notePeers(list.getJsonArray(Field.SESSIONS));
                return list;
              });
        })
        .onComplete(ar -> {
          authenticating = false;
          if (closed) {
            leaveAll();
            return;
          }
          if (ar.failed()) {
            refuse(rid, ar.cause());
            return;
          }
          gateway.vertx().cancelTimer(authTimer);
          if (!gateway.authenticated(this)) {
            close(CloseCode.TOO_MANY_SOCKETS, "too many sockets for this user");
            return;
          }
          JsonArray positions = new JsonArray();
          ar.result().getJsonArray(Field.SESSIONS).forEach(o -> {
            JsonObject s = (JsonObject) o;
            positions.add(new JsonObject().put(Field.SID, s.getString(Field.SID))
                .put(Field.LAST_SEQ, s.getLong(Field.LAST_SEQ, 0L)).put(Field.READ_SEQ, s.getLong(Field.READ_SEQ, 0L)));
          });
          write(Frames.ready(rid, uid, positions).put(Field.ICE_SERVERS, gateway.iceServers()));
        });
  }

  /**
   * Only a token the user-service rejected means "log in again" (4401). A
   * timeout or an outage must not make clients throw away a good token: they
   * get the error and 1013 (try again later), and reconnect with backoff.
   */
  private void refuse(Object rid, Throwable cause) {
    ErrorCode code = ErrorCode.of(cause);
    if (code == ErrorCode.UNAUTHENTICATED || code == ErrorCode.INVALID || code == ErrorCode.NOT_FOUND) {
      error(rid, ErrorCode.UNAUTHENTICATED, "invalid or expired token");
      close(CloseCode.UNAUTHENTICATED, "unauthenticated");
    } else {
      error(rid, code, ErrorCode.publicMessage(cause));
      close(CloseCode.TRY_AGAIN, "try again later");
    }
  }

  /**
   * Asks again whether this socket's token is unrevoked and which sessions the user is in: after a split
   * brain the logout, password change or removal may have been announced where this gateway could not hear it.
   * A revoked token closes with 4401; sessions the user left are unsubscribed, new ones subscribed. A check
   * that fails for any other reason (a timeout in a cluster still healing) changes nothing; the next one retries.
   */
  void recheck() {
    if (uid == null || closed || rechecking) {
      return;
    }
    rechecking = true;
    String user = uid;
    Bus.request(gateway.vertx(), Address.USER_TOKEN_CHECK,
            new JsonObject().put(Field.UID, user).put(Field.TOKEN_VERSION, tokenVersion))
        .compose(ok -> Bus.request(gateway.vertx(), Address.SESSION_LIST, new JsonObject().put(Field.UID, user)))
        .onComplete(ar -> {
          rechecking = false;
          if (closed) {
            return;
          }
          if (ar.succeeded()) {
            resubscribe(ar.result().getJsonArray(Field.SESSIONS));
          } else if (ErrorCode.of(ar.cause()) == ErrorCode.UNAUTHENTICATED) {
            close(CloseCode.UNAUTHENTICATED, "token revoked");
          }
        });
  }

  /** Makes the subscriptions exactly the listed sessions. */
  private void resubscribe(JsonArray list) {
    notePeers(list);
    Set<String> current = new HashSet<>();
    list.forEach(o -> current.add(((JsonObject) o).getString(Field.SID)));
    for (String sid : new HashSet<>(sessions)) {
      if (!current.contains(sid)) {
        unsubscribe(sid);
      }
    }
    current.forEach(this::subscribe);
  }

  private Future<Void> subscribeAll(JsonArray list) {
    Future<?>[] joins = new Future<?>[list.size()];
    for (int i = 0; i < list.size(); i++) {
      joins[i] = subscribe(list.getJsonObject(i).getString(Field.SID));
    }
    return Future.all(java.util.Arrays.asList(joins)).mapEmpty();
  }

  private Future<Void> subscribe(String sid) {
    if (!sessions.add(sid)) {
      return Future.succeededFuture();
    }
    return gateway.hub().join(Address.fanoutSession(sid), this);
  }

  private void unsubscribe(String sid) {
    peers.remove(sid);
    if (sessions.remove(sid)) {
      gateway.hub().leave(Address.fanoutSession(sid), this);
    }
  }

  /** Remembers each listed session's peer (private) or that it has none (any other kind), for calls. */
  private void notePeers(JsonArray list) {
    list.forEach(o -> {
      JsonObject s = (JsonObject) o;
      if (s.getString(Field.TYPE) != null) {
        peers.put(s.getString(Field.SID), peerOf(s));
      }
    });
  }

  private static String peerOf(JsonObject session) {
    JsonObject peer = session.getJsonObject(Field.PEER);
    return "private".equals(session.getString(Field.TYPE)) && peer != null ? peer.getString(Field.UID, "") : "";
  }

  /** Missed messages as {@code message} frames in seq order, then {@code synced}. */
  private void sync(JsonObject request, Object rid) {
    ClientRequest.SYNC.request(gateway.vertx(), request).onComplete(ar -> {
      if (ar.failed()) {
        error(rid, ErrorCode.of(ar.cause()), ErrorCode.publicMessage(ar.cause()));
        return;
      }
      JsonObject bySession = ar.result().getJsonObject(Field.SESSIONS);
      for (String sid : bySession.fieldNames()) {
        bySession.getJsonArray(sid).forEach(m -> write((JsonObject) m));
      }
      write(Frames.synced(rid, ar.result().getJsonArray(Field.MORE), ar.result().getJsonArray(Field.FORBIDDEN),
          ar.result().getJsonObject(Field.FIRST_SEQS)));
    });
  }

  /** Not stored: published straight to the session's members, at most once per interval and session. */
  private void typing(JsonObject frame) {
    String sid = Check.string(frame, Field.SID, 1, 64);
    if (!sessions.contains(sid)) {
      throw ErrorCode.FORBIDDEN.exception("not a member of this session");
    }
    long now = System.currentTimeMillis();
    Long last = lastTyping.get(sid);
    if (last != null && now - last < limits.typingIntervalMs()) {
      return;
    }
    lastTyping.put(sid, now);
    gateway.vertx().eventBus().publish(Address.fanoutSession(sid), Frames.sessionEvent("typing", sid).put(Field.UID, uid));
  }

  /**
   * A call signal: not stored, published to the other member's user address (so it reaches their sockets
   * on any gateway), answered with {@code ok} when it has a rid. Refused, with nothing relayed, outside a
   * private session the caller is a member of, and a ring when either user blocks the other.
   */
  private void call(JsonObject frame, Object rid) {
    CallSignal signal = CallSignal.parse(frame);
    if (!sessions.contains(signal.sid())) {
      throw ErrorCode.FORBIDDEN.exception("not a member of this session");
    }
    callOrder = callOrder.compose(v -> relayCall(signal))
        .andThen(ar -> {
          if (ar.failed()) {
            error(rid, ErrorCode.of(ar.cause()), ErrorCode.publicMessage(ar.cause()));
          } else if (rid != null) {
            write(Frames.of(Frames.OK, rid));
          }
        })
        .otherwiseEmpty();
  }

  private Future<Void> relayCall(CallSignal signal) {
    return callPeer(signal.sid())
        .compose(peer -> signal.isRing() ? notBlocked(signal.sid()).map(peer) : Future.succeededFuture(peer))
        .map(peer -> {
          JsonObject relayed = signal.relayed(uid);
          gateway.vertx().eventBus().publish(Address.fanoutUser(peer), relayed);
          if (signal.toOwnDevices()) {
            gateway.vertx().eventBus().publish(Address.fanoutUser(uid), relayed);
          }
          return null;
        });
  }

  /** The other member of private session {@code sid}; forbidden for any other kind. Asked once per session. */
  private Future<String> callPeer(String sid) {
    String known = peers.get(sid);
    Future<String> peer = known != null ? Future.succeededFuture(known)
        : Bus.request(gateway.vertx(), Address.SESSION_GET, new JsonObject().put(Field.UID, uid).put(Field.SID, sid))
            .map(info -> {
              String found = peerOf(info);
              if (sessions.contains(sid)) {
                peers.put(sid, found);
              }
              return found;
            });
    return peer.compose(p -> p.isEmpty()
        ? Future.failedFuture(ErrorCode.FORBIDDEN.exception("calls are only between the two members of a private session"))
        : Future.succeededFuture(p));
  }

  /** Session-service's word (cached there) on whether the pair blocks each other: no ringing then. */
  private Future<Void> notBlocked(String sid) {
    return Bus.request(gateway.vertx(), Address.SESSION_CHECK_MEMBER, new JsonObject().put(Field.UID, uid).put(Field.SID, sid))
        .compose(role -> role.getBoolean(Field.BLOCKED, false)
            ? Future.failedFuture(ErrorCode.FORBIDDEN.exception("you can't call this user"))
            : Future.<Void>succeededFuture());
  }

  /** Writes the bus answer as the operation's answer frame, or an {@code error} frame, echoing {@code rid}. */
  private void answer(Object rid, ClientRequest operation, JsonObject request) {
    long started = System.nanoTime();
    operation.request(gateway.vertx(), request).onComplete(ar -> {
      if (ar.succeeded()) {
        write(Frames.answer(operation.answerType(), rid, ar.result()));
        if (operation == ClientRequest.SEND) {
          metrics.acked(started);
        }
      } else {
        error(rid, ErrorCode.of(ar.cause()), ErrorCode.publicMessage(ar.cause()));
      }
    });
  }

  @Override
  public void onFanout(String address, JsonObject body, String encoded) {
    if (address.startsWith(Address.FANOUT_USER_PREFIX)) {
      onUserEvent(body);
    }
    if (!closed && !"logout".equals(body.getString(Field.EVENT))) {
      writeText(encoded);
    }
  }

  /** What the services tell this user's connections: membership changes, forced logout. */
  private void onUserEvent(JsonObject event) {
    String kind = event.getString(Field.EVENT, "");
    if (kind.equals("logout")) {
      close(CloseCode.UNAUTHENTICATED, "logged out");
    } else if (kind.equals("session")) {
      String sid = event.getString(Field.SID);
      String action = event.getString(Field.ACTION, "");
      if (action.equals("added")) {
        subscribe(sid);
      } else if (action.equals("removed")) {
        unsubscribe(sid);
      }
    }
  }

  private void error(Object rid, ErrorCode code, String message) {
    write(Frames.error(rid, code, message));
  }

  private void write(JsonObject frame) {
    writeText(frame.encode());
  }

  /** A client that can't keep up is closed, never buffered without bound; it resumes with sync. */
  private void writeText(String text) {
    if (closed) {
      return;
    }
    try {
      if (ws.writeQueueFull()) {
        close(CloseCode.SLOW_CONSUMER, "too slow, resume with sync");
        return;
      }
      ws.writeTextMessage(text);
    } catch (RuntimeException e) {
      // A socket mid-close may throw instead of failing the write: it is gone, so stop listening for it.
      closed = true;
      leaveAll();
    }
  }

  void close(CloseCode code, String reason) {
    if (!closed && code != CloseCode.GOING_AWAY) {
      SecurityLog.event("socket_closed", "code", code.code(), "reason", reason, "uid", uid,
          "ip", ws.remoteAddress() == null ? null : ws.remoteAddress().hostAddress());
    }
    closeWith(code.code(), reason);
  }

  /** {@code code} is one of {@link CloseCode} or what the WebSocket decoder chose for a broken frame. */
  private void closeWith(short code, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    metrics.closed(code);
    leaveAll();
    ws.close(code, reason);
  }

  private void onClosed() {
    if (!closed) {
      // The client closed (or the connection dropped: no close frame, 1006).
      Short code = ws.closeStatusCode();
      metrics.closed(code == null ? 1006 : code);
    }
    closed = true;
    gateway.vertx().cancelTimer(authTimer);
    leaveAll();
  }

  private void leaveAll() {
    gateway.closed(this);
    for (String sid : sessions) {
      gateway.hub().leave(Address.fanoutSession(sid), this);
    }
    sessions.clear();
    if (userAddress != null) {
      gateway.hub().leave(userAddress, this);
      userAddress = null;
    }
  }
}
