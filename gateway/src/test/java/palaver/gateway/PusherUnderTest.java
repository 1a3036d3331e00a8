package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import palaver.api.Address;
import palaver.runtime.Signatures;
import palaver.testing.Await;
import palaver.testing.FakeNeighbour;
import palaver.testing.ServiceUnderTest;

/**
 * The real gateway serving two Pusher apps, with push-service as a fake that
 * answers {@code PUSH_MEMBERS} and {@code PUSH_CACHE_GET} from what the test
 * put in {@link #members} and {@link #cache}, and records the rest.
 * {@link #APP} allows client events (5/s, 1000-byte data, 2 presence members,
 * 3 sockets, origin {@link #ORIGIN}, a client_event webhook);
 * {@link #OTHER} has the defaults.
 */
final class PusherUnderTest implements AutoCloseable {
  static final String APP = "app1";
  static final String KEY = "key1";
  static final String SECRET = "secret-of-app-one-0123456789abcdef";
  static final String OTHER = "app2";
  static final String OTHER_KEY = "key2";
  static final String OTHER_SECRET = "secret-of-app-two-0123456789abcdef";
  static final String ORIGIN = "https://app.example";
  static final int MAX_CONNECTIONS = 3;
  static final int MAX_EVENT_BYTES = 1000;
  static final int CLIENT_EVENTS_PER_SECOND = 5;

  /** {@code "app/channel"} → {@code {user_id: user_info}} the fake push-service reports as members. */
  final Map<String, JsonObject> members = new ConcurrentHashMap<>();
  /** {@code "app/channel"} → the cache channel's last event {@code {event, data}}. */
  final Map<String, JsonObject> cache = new ConcurrentHashMap<>();
  final FakeNeighbour push = new FakeNeighbour("push-service")
      .answer(Address.PUSH_MEMBERS, this::members)
      .answer(Address.PUSH_CACHE_GET, body -> Future.succeededFuture(
          cache.getOrDefault(body.getString("app") + "/" + body.getString("channel"), new JsonObject()).copy()))
      .reply(Address.PUSH_CACHE_PUT, new JsonObject())
      .reply(Address.PUSH_WEBHOOK, new JsonObject());
  /** Inbox sid → the pushes the fake message-service has stored there, oldest first. */
  final Map<String, JsonArray> inboxes = new ConcurrentHashMap<>();
  final FakeNeighbour messages = new FakeNeighbour("message-service")
      .answer(Address.MESSAGE_PUSH_SINCE, body -> Future.succeededFuture(new JsonObject()
          .put("sid", body.getString("sid")).put("messages", inboxes.getOrDefault(body.getString("sid"), new JsonArray())
              .stream().filter(p -> ((JsonObject) p).getLong("seq") > body.getLong("after", 0L))
              .collect(JsonArray::new, JsonArray::add, JsonArray::addAll))
          .put("more", false).put("delivered", 0L)))
      .reply(Address.MESSAGE_PUSH_DELIVERED, new JsonObject());
  final ServiceUnderTest sut;
  private final Map<PusherSocket, String> socketIds = new ConcurrentHashMap<>();
  /** Everything the gateway published on PUSH_CHANNELS_REPORT since start. */
  final List<JsonObject> reports;

  /** Channels whose PUSH_MEMBERS answer comes {@link #SLOW_MS} late: a subscription still being set up. */
  static final String SLOW_PREFIX = "presence-slow";
  static final long SLOW_MS = 1_000;

  private Future<JsonObject> members(JsonObject body) {
    JsonObject answer = new JsonObject().put("members",
        members.getOrDefault(body.getString("app") + "/" + body.getString("channel"), new JsonObject()).copy());
    if (!body.getString("channel", "").startsWith(SLOW_PREFIX)) {
      return Future.succeededFuture(answer);
    }
    io.vertx.core.Promise<JsonObject> later = io.vertx.core.Promise.promise();
    io.vertx.core.Vertx.currentContext().owner().setTimer(SLOW_MS, id -> later.complete(answer));
    return later.future();
  }

  PusherUnderTest() {
    this(new JsonObject());
  }

  PusherUnderTest(JsonObject settings) {
    JsonObject config = new JsonObject().put("apps", new JsonArray()
        .add(new JsonObject().put("id", APP).put("key", KEY).put("secret", SECRET).put("enableClientMessages", true)
            .put("maxConnections", MAX_CONNECTIONS).put("maxPresenceMembers", 2).put("maxEventBytes", MAX_EVENT_BYTES)
            .put("maxClientEventsPerSecond", CLIENT_EVENTS_PER_SECOND)
            .put("allowedOrigins", new JsonArray().add(ORIGIN))
            .put("webhooks", new JsonArray().add(new JsonObject().put("url", "http://127.0.0.1:9/hook")
                .put("event_types", new JsonArray().add("client_event")))))
        .add(new JsonObject().put("id", OTHER).put("key", OTHER_KEY).put("secret", OTHER_SECRET)))
        .mergeIn(settings);
    sut = ServiceUnderTest.start(config, List.of(push, messages), GatewayVerticle::new);
    reports = sut.listen(Address.PUSH_CHANNELS_REPORT);
  }

  PusherSocket open(String uri, String origin) {
    return PusherSocket.open(sut.vertx(), sut.httpPort(), uri, origin);
  }

  /** A pusher-js-like socket on {@code key} whose connection_established was read; {@link #socketId} gives its id. */
  PusherSocket connect(String key) {
    PusherSocket socket = open("/app/" + key + "?protocol=7&client=js&version=8.4.0", null);
    JsonObject established = socket.next();
    assertEquals("pusher:connection_established", established.getString("event"), established.encode());
    socketIds.put(socket, new JsonObject(established.getString("data")).getString("socket_id"));
    return socket;
  }

  String socketId(PusherSocket socket) {
    return socketIds.get(socket);
  }

  static String sign(String secret, String text) {
    return Signatures.hmacSha256Hex(secret, text);
  }

  /** What an app server's auth endpoint answers for a private/encrypted channel. */
  String auth(PusherSocket socket, String channel) {
    return KEY + ":" + sign(SECRET, socketId(socket) + ":" + channel);
  }

  String presenceAuth(PusherSocket socket, String channel, String channelData) {
    return KEY + ":" + sign(SECRET, socketId(socket) + ":" + channel + ":" + channelData);
  }

  static JsonObject subscribe(String channel) {
    return new JsonObject().put("event", "pusher:subscribe").put("data", new JsonObject().put("channel", channel));
  }

  static JsonObject subscribe(String channel, String auth, String channelData) {
    JsonObject data = new JsonObject().put("channel", channel).put("auth", auth);
    if (channelData != null) {
      data.put("channel_data", channelData);
    }
    return new JsonObject().put("event", "pusher:subscribe").put("data", data);
  }

  /** Subscribes to a public, private or encrypted channel and reads its subscription_succeeded. */
  void subscribed(PusherSocket socket, String channel) {
    socket.send(PusherChannels.kind(channel).signed ? subscribe(channel, auth(socket, channel), null) : subscribe(channel));
    expectEvent(socket, "pusher_internal:subscription_succeeded", channel);
  }

  /** Joins a presence channel as {@code userId}; the subscription_succeeded frame. */
  JsonObject joined(PusherSocket socket, String channel, String userId) {
    String channelData = new JsonObject().put("user_id", userId).put("user_info", new JsonObject().put("name", userId))
        .encode();
    socket.send(subscribe(channel, presenceAuth(socket, channel, channelData), channelData));
    return expectEvent(socket, "pusher_internal:subscription_succeeded", channel);
  }

  static JsonObject expectEvent(PusherSocket socket, String event, String channel) {
    JsonObject frame = socket.next();
    assertEquals(event, frame.getString("event"), frame.encode());
    assertEquals(channel, frame.getString("channel"), frame.encode());
    return frame;
  }

  /** A frame's {@code data}, a JSON-encoded object. */
  static JsonObject data(JsonObject frame) {
    return new JsonObject(frame.getString("data"));
  }

  /** What push-service or the HTTP API publishes on a channel. */
  void publish(String app, String channel, JsonObject body) {
    sut.vertx().eventBus().publish(Address.fanoutChannel(app, channel), body);
  }

  /** The reports that match {@code filter}, waiting up to a few seconds for at least one. */
  List<JsonObject> reportsWhere(java.util.function.Predicate<JsonObject> filter) {
    // Above two heartbeat periods: a heartbeat report comes on the node's own 5 s timer, whenever the test began.
    Await.until("a matching channel report", 2 * ChannelReport.HEARTBEAT_MS + 2_000, () -> reports.stream().anyMatch(filter));
    return reports.stream().filter(filter).toList();
  }

  @Override
  public void close() {
    sut.close();
  }
}
