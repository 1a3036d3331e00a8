package palaver.gateway;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.CloseCode;
import palaver.gateway.ChannelReport.Member;
import palaver.gateway.PusherChannels.Kind;
import palaver.gateway.PusherMetrics.Refusal;
import palaver.runtime.App;

/**
 * One Pusher socket: its frames ({@code pusher:ping}, {@code pusher:subscribe},
 * {@code pusher:unsubscribe}, {@code pusher:signin}, {@code client-*} events),
 * its channels' fan-out written back as frames, and its user's events once
 * signed in. Lives on the gateway's event loop. Bad input gets a
 * {@code pusher:error} (or a {@code pusher:subscription_error} for a refused
 * subscription), never a crash.
 */
final class PusherConnection implements FanoutHub.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(PusherConnection.class);
  /** Channels one socket may be in (Pusher names none; this keeps one socket from holding unbounded consumers). */
  static final int MAX_CHANNELS = 1_000;
  /** Pusher's limit on an event name. */
  static final int MAX_EVENT_NAME = 200;
  /** Room for a frame's envelope (names, signatures, channel_data) around an event's data. */
  static final int FRAME_OVERHEAD = 8 * 1024;
  /** Frames held for a channel whose subscription is still being set up, sent after its subscription_succeeded. */
  static final int MAX_HELD_FRAMES = 100;

  /** A channel this socket is in; {@code member} for presence channels. */
  private record Subscription(String channel, Member member) {
  }

  private final PusherEndpoint endpoint;
  private final GatewayVerticle gateway;
  private final App app;
  private final ServerWebSocket ws;
  private final String socketId;
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  /** Subscriptions being set up (awaiting the hub or push-service), with the frames that came meanwhile. */
  private final Map<String, List<String>> pending = new HashMap<>();
  /** Pending subscriptions the client unsubscribed from before they completed. */
  private final Set<String> cancelled = new HashSet<>();
  private final TokenBucket frames;
  private final TokenBucket clientEvents;
  private long rejectWindowStart = System.currentTimeMillis();
  private int rejectedInWindow;
  private long lastHeard = System.currentTimeMillis();
  /** When the server's ping went out unanswered (0: none outstanding). */
  private long pingSentAt;
  private boolean closed;
  private boolean cleanedUp;
  /** Set once signed in: the app user's id, their user_data object, and what delivers to them. */
  private String userId;
  private JsonObject userData;
  private boolean signingIn;
  /** The user's events that came while signing in: pusher-js drops them before signin_success, so they wait. */
  private final List<HeldFrame> heldUserFrames = new ArrayList<>();

  /** A user frame waiting for signin_success; {@code written}, for a stored push, completes once it is written. */
  private record HeldFrame(String frame, io.vertx.core.Promise<Void> written) {
  }
  private String userAddress;
  /** The user this socket signs in (or signed in) as, from the moment its addresses are joined. */
  private String signingInAs;
  private PushInbox.Attachment inbox;

  PusherConnection(PusherEndpoint endpoint, App app, ServerWebSocket ws, String socketId) {
    this.endpoint = endpoint;
    this.gateway = endpoint.gateway();
    this.app = app;
    this.ws = ws;
    this.socketId = socketId;
    this.frames = gateway.limits().connectionBucket();
    long now = System.nanoTime();
    this.clientEvents = new TokenBucket(app.maxClientEventsPerSecond(), app.maxClientEventsPerSecond(), now);
  }

  App app() {
    return app;
  }

  String socketId() {
    return socketId;
  }

  void start() {
    ws.setWriteQueueMaxSize(gateway.limits().outboundQueueBytes());
    MessageAssembler assembler = new MessageAssembler(GatewayVerticle.MAX_MESSAGE, new Assembled());
    ws.frameHandler(frame -> {
      if (!closed) {
        assembler.onFrame(frame);
      }
    });
    ws.pongHandler(b -> heard());
    ws.exceptionHandler(this::onException);
    ws.closeHandler(v -> onClosed());
    write(PusherFrames.connectionEstablished(socketId, PusherEndpoint.ACTIVITY_TIMEOUT_SECONDS));
  }

  // ---- inbound frames

  /**
   * Messages as {@link MessageAssembler} puts them together: invalid UTF-8 closes with 1007 before anything
   * reads it, as on the chat socket. A WebSocket ping costs a token of the socket's bucket like any frame.
   */
  private final class Assembled implements MessageAssembler.Receiver {
    @Override
    public void onText(String text) {
      PusherConnection.this.onText(text);
    }

    @Override
    public void onBinary() {
      PusherConnection.this.onBinary();
    }

    @Override
    public void onPing() {
      heard();
      admit();
    }

    @Override
    public void onTooLarge() {
      endpoint.metrics().refused(app.id(), Refusal.TOO_LARGE);
      closeSocket(CloseCode.TOO_LARGE.code(), "Message too large");
    }

    @Override
    public void onInvalidText() {
      endpoint.metrics().refused(app.id(), Refusal.MALFORMED);
      closeSocket(CloseCode.INVALID_TEXT.code(), "Text frame is not UTF-8");
    }
  }

  private void onText(String text) {
    heard();
    endpoint.metrics().eventIn(app.id());
    if (!admit()) {
      return;
    }
    if (text.length() > app.maxEventBytes() + FRAME_OVERHEAD) {
      refuse(Refusal.TOO_LARGE, PusherFrames.error(null, "Message too large"));
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException e) {
      refuse(Refusal.MALFORMED, PusherFrames.error(null, "Messages must be JSON objects"));
      return;
    }
    if (!(frame.getValue("event") instanceof String event) || event.isEmpty()) {
      refuse(Refusal.MALFORMED, PusherFrames.error(null, "A message needs an event name"));
      return;
    }
    dispatch(event, frame);
  }

  private void onBinary() {
    heard();
    if (admit()) {
      refuse(Refusal.MALFORMED, PusherFrames.error(null, "Binary frames are not supported"));
    }
  }

  private void dispatch(String event, JsonObject frame) {
    switch (event) {
      case PusherFrames.PING -> write(PusherFrames.pong());
      case PusherFrames.PONG -> {
        // heard() already counted it
      }
      case PusherFrames.SUBSCRIBE -> withData(frame, this::subscribe);
      case PusherFrames.UNSUBSCRIBE -> withData(frame, this::unsubscribe);
      case PusherFrames.SIGNIN -> withData(frame, this::signin);
      default -> {
        if (event.startsWith("client-")) {
          clientEvent(event, frame);
        } else {
          refuse(Refusal.MALFORMED, PusherFrames.error(null, "Unsupported event " + shortened(event)));
        }
      }
    }
  }

  /** The protocol's {@code data} object (pusher-js sends an object; some clients send it JSON-encoded). */
  private void withData(JsonObject frame, Consumer<JsonObject> handler) {
    Object data = frame.getValue("data");
    if (data instanceof String s) {
      try {
        data = new JsonObject(s);
      } catch (RuntimeException e) {
        data = null;
      }
    }
    if (!(data instanceof JsonObject object)) {
      refuse(Refusal.MALFORMED, PusherFrames.error(null, "data must be an object"));
      return;
    }
    handler.accept(object);
  }

  /**
   * Every frame takes a token of the gateway's per-connection bucket. Over it the frame is dropped with an error;
   * a client that keeps flooding is closed with 4301.
   */
  private boolean admit() {
    if (frames.take(System.nanoTime())) {
      return true;
    }
    long now = System.currentTimeMillis();
    if (now - rejectWindowStart > ConnectionLimits.REJECT_WINDOW_MS) {
      rejectWindowStart = now;
      rejectedInWindow = 0;
    }
    endpoint.metrics().refused(app.id(), Refusal.RATE);
    if (++rejectedInWindow > gateway.limits().maxRejectedPerWindow()) {
      close(PusherEndpoint.CLIENT_EVENT_RATE, "Too many messages");
    } else {
      write(PusherFrames.error(null, "Too many messages, slow down"));
    }
    return false;
  }

  // ---- subscriptions

  private void subscribe(JsonObject data) {
    if (!(data.getValue("channel") instanceof String channel)) {
      refuse(Refusal.MALFORMED, PusherFrames.error(null, "pusher:subscribe needs a channel"));
      return;
    }
    if (channel.startsWith(PusherChannels.SERVER_TO_USER)) {
      subscribeServerToUser(channel);
      return;
    }
    if (!PusherChannels.validName(channel)) {
      refuse(Refusal.MALFORMED, PusherFrames.error(null, "Invalid channel name: at most "
          + PusherChannels.MAX_NAME + " characters of A-Z a-z 0-9 _ - = @ , . ;"));
      return;
    }
    if (subscriptions.containsKey(channel) || pending.containsKey(channel)) {
      cancelled.remove(channel);
      return;
    }
    if (subscriptions.size() + pending.size() >= MAX_CHANNELS) {
      refuse(Refusal.MALFORMED, PusherFrames.error(null, "Too many channels on one connection"));
      return;
    }
    Kind kind = PusherChannels.kind(channel);
    Member member = null;
    if (kind.signed) {
      Object auth = data.getValue("auth");
      Object channelData = data.getValue("channel_data");
      if (!(auth instanceof String) || (channelData != null && !(channelData instanceof String))) {
        authError(channel, "auth and channel_data must be strings");
        return;
      }
      if (!ChannelAuth.subscription(app, socketId, channel, (String) channelData, (String) auth)) {
        authError(channel, "Invalid signature");
        return;
      }
      if (kind == Kind.PRESENCE) {
        member = channelData != null ? memberOf((String) channelData) : signedInMember();
        if (member == null) {
          authError(channel, channelData != null
              ? "channel_data must be a JSON object with a user_id" : "presence channels need channel_data or a signed-in user");
          return;
        }
      }
    }
    pending.put(channel, new ArrayList<>());
    Member joining = member;
    Future<Void> joined = gateway.hub().join(address(channel), this);
    Future<Map<String, Object>> members = kind == Kind.PRESENCE
        ? joined.compose(v -> members(channel, joining)) : joined.map(v -> null);
    members.onComplete(ar -> subscribed(channel, joining, ar.succeeded() ? ar.result() : null, ar.cause()));
  }

  /** The end of a subscription's setup: succeeded (and the frames held meanwhile), or refused. */
  private void subscribed(String channel, Member member, Map<String, Object> members, Throwable failure) {
    List<String> held = pending.remove(channel);
    boolean wanted = !cancelled.remove(channel) && !closed;
    if (failure != null || !wanted) {
      gateway.hub().leave(address(channel), this);
      if (failure != null && wanted) {
        boolean full = failure instanceof PresenceFull;
        endpoint.metrics().refused(app.id(), full ? Refusal.PRESENCE_LIMIT : Refusal.UNAVAILABLE);
        write(full ? PusherFrames.subscriptionError(channel, "LimitReached", failure.getMessage(), 403)
            : PusherFrames.subscriptionError(channel, "ServiceUnavailable", "Try again later", 503));
      }
      return;
    }
    subscriptions.put(channel, new Subscription(channel, member));
    endpoint.reportJoined(channel, this, member);
    write(members != null ? PusherFrames.presenceSucceeded(channel, members) : PusherFrames.subscriptionSucceeded(channel));
    held.forEach(frame -> {
      endpoint.metrics().delivered(app.id());
      write(frame);
    });
    if (PusherChannels.isCache(channel)) {
      sendCached(channel);
    }
  }

  /** The channel's members cluster-wide with this socket's own (the registry may not have seen its join yet). */
  private Future<Map<String, Object>> members(String channel, Member own) {
    JsonObject request = new JsonObject().put("app", app.id()).put("channel", channel);
    return Bus.request(gateway.vertx(), Address.PUSH_MEMBERS, request).compose(reply -> {
      Map<String, Object> members = new LinkedHashMap<>();
      JsonObject known = reply.getJsonObject("members", new JsonObject());
      known.forEach(e -> members.put(e.getKey(), e.getValue()));
      members.put(own.userId(), own.userInfo());
      if (members.size() > app.maxPresenceMembers()) {
        return Future.failedFuture(new PresenceFull(app.maxPresenceMembers()));
      }
      return Future.succeededFuture(members);
    });
  }

  /** A presence channel already holds the app's maximum of members. */
  private static final class PresenceFull extends RuntimeException {
    PresenceFull(int max) {
      super("The presence channel is full (" + max + " members)", null, false, false);
    }
  }

  /** A cache channel's last event for a new subscriber, or {@code pusher:cache_miss}. */
  private void sendCached(String channel) {
    JsonObject request = new JsonObject().put("app", app.id()).put("channel", channel);
    Bus.request(gateway.vertx(), Address.PUSH_CACHE_GET, request).onComplete(ar -> {
      if (closed || !subscriptions.containsKey(channel)) {
        return;
      }
      JsonObject cached = ar.succeeded() ? ar.result() : new JsonObject();
      if (cached.getValue("event") instanceof String event) {
        write(PusherFrames.event(event, channel, PusherFrames.dataString(cached.getValue("data"))));
      } else {
        write(PusherFrames.cacheMiss(channel));
      }
    });
  }

  private void unsubscribe(JsonObject data) {
    if (!(data.getValue("channel") instanceof String channel)) {
      refuse(Refusal.MALFORMED, PusherFrames.error(null, "pusher:unsubscribe needs a channel"));
      return;
    }
    if (pending.containsKey(channel)) {
      cancelled.add(channel);
    } else if (subscriptions.remove(channel) != null) {
      gateway.hub().leave(address(channel), this);
      endpoint.reportLeft(channel, this);
    }
  }

  /** pusher-js subscribes to {@code #server-to-user-<id>} after signin; only the signed-in user's own is allowed. */
  private void subscribeServerToUser(String channel) {
    if (userId != null && channel.equals(PusherChannels.serverToUser(userId))) {
      write(PusherFrames.subscriptionSucceeded(channel));
    } else {
      authError(channel, "Sign in as this user first");
    }
  }

  private void authError(String channel, String error) {
    endpoint.metrics().refused(app.id(), Refusal.AUTH);
    write(PusherFrames.subscriptionError(channel, "AuthError", error, 401));
  }

  /** {@code {user_id: string|number, user_info?}} as the app's server signed it; null when it is not. */
  private static Member memberOf(String channelData) {
    try {
      JsonObject parsed = new JsonObject(channelData);
      Object id = parsed.getValue("user_id");
      String user = id instanceof String s ? s : id instanceof Number n ? numberText(n) : null;
      return user == null || user.isEmpty() ? null : new Member(user, parsed.getValue("user_info"));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A numeric user_id as pusher-js would print it: 42, not 42.0. */
  private static String numberText(Number n) {
    double d = n.doubleValue();
    return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf(n.longValue()) : String.valueOf(n);
  }

  private Member signedInMember() {
    return userId == null ? null : new Member(userId, userData.getValue("user_info"));
  }

  // ---- client events

  private void clientEvent(String event, JsonObject frame) {
    Object channelValue = frame.getValue("channel");
    if (!(channelValue instanceof String channel)) {
      refuse(Refusal.MALFORMED, PusherFrames.error(null, "A client event needs a channel"));
      return;
    }
    String refusal = clientEventRefusal(event, channel);
    if (refusal != null) {
      refuse(Refusal.CLIENT_EVENT, PusherFrames.error(null, refusal, channel));
      return;
    }
    if (!clientEvents.take(System.nanoTime())) {
      endpoint.metrics().refused(app.id(), Refusal.RATE);
      close(PusherEndpoint.CLIENT_EVENT_RATE, "Client event rejected due to rate limit");
      return;
    }
    String data = PusherFrames.dataString(frame.getValue("data"));
    if (data.getBytes(StandardCharsets.UTF_8).length > app.maxEventBytes()) {
      refuse(Refusal.TOO_LARGE, PusherFrames.error(null, "Event data over " + app.maxEventBytes() + " bytes", channel));
      return;
    }
    Member member = subscriptions.get(channel).member();
    JsonObject body = new JsonObject().put("event", event).put("channel", channel).put("data", data)
        .put("socket_id", socketId);
    if (member != null) {
      body.put("user_id", member.userId());
    }
    gateway.vertx().eventBus().publish(address(channel), body);
    if (PusherChannels.isCache(channel)) {
      gateway.vertx().eventBus().send(Address.PUSH_CACHE_PUT, new JsonObject().put("app", app.id())
          .put("channel", channel).put("event", event).put("data", data));
    }
    if (!app.webhooksFor("client_event").isEmpty()) {
      clientEventWebhook(event, channel, data, member);
    }
  }

  /** Why this client event may not go out, or null: app opt-in, channel kind, membership, name. */
  private String clientEventRefusal(String event, String channel) {
    if (!app.enableClientMessages()) {
      return "Client events are not enabled for this app";
    }
    if (!PusherChannels.allowsClientEvents(channel)) {
      return "Client events are only allowed on private and presence channels";
    }
    if (!subscriptions.containsKey(channel)) {
      return "Subscribe to the channel before sending client events on it";
    }
    if (event.length() > MAX_EVENT_NAME) {
      return "Event name over " + MAX_EVENT_NAME + " characters";
    }
    return null;
  }

  /** Pusher's client_event webhook object; push-service stores and delivers it. */
  private void clientEventWebhook(String event, String channel, String data, Member member) {
    JsonObject hook = new JsonObject().put("name", "client_event").put("channel", channel).put("event", event)
        .put("data", data).put("socket_id", socketId);
    if (member != null) {
      hook.put("user_id", member.userId());
    }
    Bus.request(gateway.vertx(), Address.PUSH_WEBHOOK, new JsonObject().put("app", app.id())
        .put("events", new JsonArray().add(hook))).onFailure(t ->
        LOG.warn("client_event webhook of app {} not queued: {}", app.id(), t.getMessage()));
  }

  // ---- signin and the user's events

  private void signin(JsonObject data) {
    if (userId != null || signingIn) {
      refuse(Refusal.SIGNIN, PusherFrames.error(null, "Already signed in"));
      return;
    }
    Object auth = data.getValue("auth");
    Object userDataText = data.getValue("user_data");
    JsonObject parsed = userDataText instanceof String text ? userDataOf(text) : null;
    if (parsed == null || !(auth instanceof String)
        || !ChannelAuth.signin(app, socketId, (String) userDataText, (String) auth)) {
      endpoint.metrics().refused(app.id(), Refusal.SIGNIN);
      close(PusherEndpoint.UNAUTHORIZED, "Invalid signin");
      return;
    }
    String id = parsed.getString("id");
    signingIn = true;
    signingInAs = id;
    userAddress = Address.fanoutAppUser(app.id(), id);
    gateway.hub().join(userAddress, this)
        // Confirmed: the inbox's delivered mark passes a push only once it is written to this socket, so a
        // push held during sign-in and dropped by a close comes again on the next connection.
        .compose(v -> gateway.inbox().attachConfirmed(app.id(), id, push -> onInboxPush(id, push)))
        .onComplete(ar -> signedIn(id, parsed, (String) userDataText, ar.succeeded() ? ar.result() : null));
  }

  private void signedIn(String id, JsonObject parsed, String userDataText, PushInbox.Attachment attachment) {
    signingIn = false;
    if (closed || attachment == null) {
      if (attachment != null) {
        attachment.detach();
      }
      leaveUser();
      signingInAs = null;
      dropHeldUserFrames();
      if (!closed) {
        write(PusherFrames.error(null, "Sign-in failed, try again later"));
      }
      return;
    }
    inbox = attachment;
    userId = id;
    userData = parsed;
    write(PusherFrames.signinSuccess(userDataText));
    List<HeldFrame> held = new ArrayList<>(heldUserFrames);
    heldUserFrames.clear();
    for (HeldFrame h : held) {
      if (h.written() == null) {
        write(h.frame());
      } else {
        writeConfirmed(h.frame()).onComplete(h.written());
      }
    }
  }

  private void dropHeldUserFrames() {
    heldUserFrames.forEach(h -> {
      if (h.written() != null) {
        h.written().tryFail("the socket closed before the push was written");
      }
    });
    heldUserFrames.clear();
  }

  /** Pusher's user_data: a JSON object with a non-empty string id; null when it is not. */
  private static JsonObject userDataOf(String text) {
    try {
      JsonObject parsed = new JsonObject(text);
      return parsed.getValue("id") instanceof String id && !id.isEmpty() ? parsed : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * A push stored for this user (HTTP sendToUser, xlvein): an event on the user's own channel. Completes
   * when it is written to the socket (held frames: once signin_success went out), fails when it is not.
   */
  private Future<?> onInboxPush(String user, JsonObject push) {
    Object content = push.getValue("content");
    if (!(content instanceof JsonObject c) || !(c.getValue("event") instanceof String event)) {
      return Future.succeededFuture(); // nothing a Pusher client could receive: passed over
    }
    String frame = PusherFrames.event(event, PusherChannels.serverToUser(user), PusherFrames.dataString(c.getValue("data")));
    if (closed) {
      return Future.failedFuture("socket closed");
    }
    if (userId == null) {
      if (heldUserFrames.size() >= MAX_HELD_FRAMES) {
        return Future.failedFuture("too many pushes held during sign-in");
      }
      io.vertx.core.Promise<Void> written = io.vertx.core.Promise.promise();
      heldUserFrames.add(new HeldFrame(frame, written));
      return written.future();
    }
    return writeConfirmed(frame);
  }

  private void userFrame(String frame) {
    if (closed) {
      return;
    }
    if (userId == null) {
      if (heldUserFrames.size() < MAX_HELD_FRAMES) {
        heldUserFrames.add(new HeldFrame(frame, null));
      }
    } else {
      endpoint.metrics().delivered(app.id());
      write(frame);
    }
  }

  /** terminate_connections closes the user's sockets (4009: pusher-js does not reconnect); other bodies are events. */
  private void onUserEvent(String user, JsonObject body) {
    if (Boolean.TRUE.equals(body.getValue("terminate"))) {
      close(PusherEndpoint.UNAUTHORIZED, "Connection terminated by the app");
    } else if (body.getValue("event") instanceof String event) {
      userFrame(PusherFrames.event(event, PusherChannels.serverToUser(user), PusherFrames.dataString(body.getValue("data"))));
    }
  }

  // ---- outbound

  @Override
  public void onFanout(String address, JsonObject body, String encoded) {
    if (closed) {
      return;
    }
    if (address.equals(userAddress)) {
      onUserEvent(signingInAs, body);
      return;
    }
    if (socketId.equals(body.getValue("socket_id"))) {
      return;
    }
    String channel = body.getValue("channel") instanceof String c ? c : null;
    if (channel == null || !address.equals(address(channel))) {
      return;
    }
    List<String> held = pending.get(channel);
    if (held != null) {
      if (held.size() < MAX_HELD_FRAMES) {
        held.add(endpoint.channelFrame(body));
      }
    } else if (subscriptions.containsKey(channel)) {
      endpoint.metrics().delivered(app.id());
      write(endpoint.channelFrame(body));
    }
  }

  /** A socket that can't keep up is closed (4100: clients reconnect with backoff), never buffered without bound. */
  private void write(String text) {
    if (closed) {
      return;
    }
    try {
      if (ws.writeQueueFull()) {
        endpoint.metrics().refused(app.id(), Refusal.SLOW_CONSUMER);
        close(PusherEndpoint.OVER_CAPACITY, "Too slow, reconnect later");
        return;
      }
      ws.writeTextMessage(text);
    } catch (RuntimeException e) {
      // A socket mid-close may throw instead of failing the write: it is gone.
      closed = true;
      cleanUp();
    }
  }

  /** As {@link #write}, answering whether the frame reached the socket's outbound buffer. */
  private Future<Void> writeConfirmed(String text) {
    if (closed) {
      return Future.failedFuture("socket closed");
    }
    try {
      if (ws.writeQueueFull()) {
        endpoint.metrics().refused(app.id(), Refusal.SLOW_CONSUMER);
        close(PusherEndpoint.OVER_CAPACITY, "Too slow, reconnect later");
        return Future.failedFuture("slow consumer");
      }
      endpoint.metrics().delivered(app.id());
      return ws.writeTextMessage(text);
    } catch (RuntimeException e) {
      closed = true;
      cleanUp();
      return Future.failedFuture(e);
    }
  }

  private void refuse(Refusal reason, String errorFrame) {
    endpoint.metrics().refused(app.id(), reason);
    write(errorFrame);
  }

  // ---- liveness and closing

  private void heard() {
    lastHeard = System.currentTimeMillis();
    pingSentAt = 0;
  }

  /**
   * Silent for {@code idleMs}: a {@code pusher:ping} (and a WebSocket ping, which every WebSocket stack answers).
   * Still silent {@code pongWaitMs} later: closed with 4201.
   */
  void heartbeat(long now, long idleMs, long pongWaitMs) {
    if (closed) {
      return;
    }
    if (pingSentAt > 0) {
      if (now - pingSentAt >= pongWaitMs) {
        close(PusherEndpoint.PONG_TIMEOUT, "Pong reply not received");
      }
    } else if (now - lastHeard >= idleMs && !ws.writeQueueFull()) {
      pingSentAt = now;
      write(PusherFrames.ping());
      ws.writePing(Buffer.buffer());
    }
  }

  /** This socket's channels for the report's heartbeat. */
  void snapshot(JsonArray sockets) {
    for (Subscription s : subscriptions.values()) {
      sockets.add(ChannelReport.entry(app.id(), s.channel(), socketId, s.member()));
    }
  }

  /** Closes as the protocol does: {@code pusher:error} with the code (protocol 5 reads it), then the close code. */
  void close(int code, String reason) {
    if (closed) {
      return;
    }
    try {
      ws.writeTextMessage(PusherFrames.error(code, reason));
    } catch (RuntimeException ignored) {
      // already closing
    }
    closeSocket((short) code, reason);
  }

  private void closeSocket(short code, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    cleanUp();
    try {
      ws.close(code, reason);
    } catch (RuntimeException ignored) {
      // already closed
    }
  }

  /** Broken or oversized WebSocket frames close with the decoder's code, as on the chat's {@code /ws}. */
  private void onException(Throwable t) {
    if (t instanceof CorruptedWebSocketFrameException corrupted) {
      closeSocket((short) corrupted.closeStatus().code(), corrupted.closeStatus().reasonText());
    } else if (t instanceof IllegalStateException && t.getMessage() != null && t.getMessage().contains("max message size")) {
      endpoint.metrics().refused(app.id(), Refusal.TOO_LARGE);
      closeSocket((short) 1009, "Message too large");
    } else {
      closeSocket((short) 1011, "error");
    }
  }

  private void onClosed() {
    closed = true;
    cleanUp();
  }

  /** Leaves every channel (reported) and the user's addresses; once. Pending subscriptions leave as they complete. */
  private void cleanUp() {
    if (cleanedUp) {
      return;
    }
    cleanedUp = true;
    endpoint.closed(this);
    for (String channel : subscriptions.keySet()) {
      gateway.hub().leave(address(channel), this);
      endpoint.reportLeft(channel, this);
    }
    subscriptions.clear();
    if (inbox != null) {
      inbox.detach();
      inbox = null;
    }
    leaveUser();
  }

  private void leaveUser() {
    if (userAddress != null) {
      gateway.hub().leave(userAddress, this);
      userAddress = null;
    }
  }

  private String address(String channel) {
    return Address.fanoutChannel(app.id(), channel);
  }

  private static String shortened(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
  }
}
