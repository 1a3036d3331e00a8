package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Field;
import palaver.api.PushNames;
import palaver.runtime.Apps;
import palaver.runtime.Setting;
import palaver.runtime.Signatures;
import palaver.testing.Await;
import palaver.testing.FakeNeighbour;
import palaver.testing.ServiceUnderTest;

/** Pusher's HTTP API over real HTTP, push-service and message-service as fakes. */
class PusherHttpApiTest {
  static final String SECRET = "pusher-http-test-secret-0123456789";
  private static final FakeNeighbour push = new FakeNeighbour("push-service")
      .answer(Address.PUSH_CHANNEL, body -> Future.succeededFuture(channelInfo(body)))
      .reply(Address.PUSH_CHANNELS, new JsonObject().put("channels", new JsonObject()
          .put("presence-a", new JsonObject().put("user_count", 2))))
      .reply(Address.PUSH_MEMBERS, new JsonObject().put("members", new JsonObject()
          .put("alice", new JsonObject().put("name", "Alice")).put("bob", new JsonObject())))
      .reply(Address.PUSH_CACHE_PUT, new JsonObject());
  private static final FakeNeighbour messages = new FakeNeighbour("message-service")
      .answer(Address.MESSAGE_PUSH_APPEND, body -> Future.succeededFuture(new JsonObject()
          .put(Field.SID, body.getString(Field.SID)).put(Field.SEQ, 1L).put(Field.AT, 1L)));
  private static ServiceUnderTest gateway;
  private static WebClient http;

  @BeforeAll
  static void start() {
    JsonArray apps = new JsonArray()
        .add(new JsonObject().put("id", "42").put("key", "key42").put("secret", SECRET).put("maxEventBytes", 100)
            .put("retentionSeconds", 3600))
        .add(new JsonObject().put("id", "slow").put("key", "keyslow").put("secret", SECRET + "-slow")
            .put("maxBackendEventsPerSecond", 2));
    gateway = ServiceUnderTest.start(new JsonObject().put(Setting.APPS.key(), apps), List.of(push, messages),
        GatewayVerticle::new);
    http = WebClient.create(gateway.vertx());
  }

  @AfterAll
  static void stop() {
    http.close();
    gateway.close();
  }

  private static JsonObject channelInfo(JsonObject body) {
    JsonObject out = new JsonObject().put("occupied", true);
    if (body.getString("info", "").contains("subscription_count")) {
      out.put("subscription_count", 3);
    }
    if (body.getString("info", "").contains("user_count") && body.getString("channel").startsWith("presence-")) {
      out.put("user_count", 2);
    }
    return out;
  }

  // ---- signing as an SDK does

  /** A request signed for app 42 (or {@code appId}) with {@code extra} query parameters, at {@code timestamp}. */
  private static HttpResponse<Buffer> signed(HttpMethod method, String appId, String key, String secret, String path,
      Map<String, String> extra, String body, long timestamp) {
    List<Map.Entry<String, String>> params = new ArrayList<>(extra.entrySet());
    params.add(Map.entry("auth_key", key));
    params.add(Map.entry("auth_timestamp", String.valueOf(timestamp)));
    params.add(Map.entry("auth_version", "1.0"));
    if (body != null) {
      params.add(Map.entry("body_md5", Signatures.md5Hex(body)));
    }
    String fullPath = "/apps/" + appId + path;
    params.add(Map.entry("auth_signature", PusherSignature.sign(secret, method.name(), fullPath, params)));
    return send(method, fullPath, params, body);
  }

  private static HttpResponse<Buffer> send(HttpMethod method, String path, List<Map.Entry<String, String>> params,
      String body) {
    StringBuilder uri = new StringBuilder(path).append('?');
    params.forEach(p -> uri.append(p.getKey()).append('=')
        .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8)).append('&'));
    var request = http.request(method, gateway.httpPort(), "127.0.0.1", uri.toString());
    return Await.result(body == null ? request.send()
        : request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static HttpResponse<Buffer> post(String path, JsonObject body) {
    return signed(HttpMethod.POST, "42", "key42", SECRET, path, Map.of(), body.encode(), now());
  }

  private static HttpResponse<Buffer> get(String path, Map<String, String> query) {
    return signed(HttpMethod.GET, "42", "key42", SECRET, path, query, null, now());
  }

  private static JsonObject event(String channel, String data) {
    return new JsonObject().put("name", "greet").put("channel", channel).put("data", data);
  }

  // ---- signing

  @Test
  @DisplayName("The signing function reproduces the HTTP API reference's worked example")
  void workedExampleSignature() {
    String body = "{\"name\":\"foo\",\"channels\":[\"project-3\"],\"data\":\"{\\\"some\\\":\\\"data\\\"}\"}";
    assertEquals("ec365a775a4cd0599faeb73354201b6f", Signatures.md5Hex(body));
    List<Map.Entry<String, String>> params = List.of(Map.entry("auth_version", "1.0"),
        Map.entry("auth_key", "278d425bdf160c739803"), Map.entry("body_md5", "ec365a775a4cd0599faeb73354201b6f"),
        Map.entry("auth_timestamp", "1353088179"));
    assertEquals("POST\n/apps/3/events\nauth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0"
        + "&body_md5=ec365a775a4cd0599faeb73354201b6f", PusherSignature.stringToSign("POST", "/apps/3/events", params));
    assertEquals("da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c",
        PusherSignature.sign("7ad3773142a6692b25b8", "POST", "/apps/3/events", params));
  }

  @Test
  @DisplayName("A wrong auth_signature is 401 with Pusher's explanation of what to sign")
  void badSignatureIs401() {
    List<Map.Entry<String, String>> params = List.of(Map.entry("auth_key", "key42"),
        Map.entry("auth_timestamp", String.valueOf(now())), Map.entry("auth_version", "1.0"),
        Map.entry("auth_signature", "00".repeat(32)));
    HttpResponse<Buffer> response = send(HttpMethod.GET, "/apps/42/channels", params, null);
    assertEquals(401, response.statusCode());
    assertTrue(response.bodyAsString().startsWith("Invalid signature: you should have sent HmacSHA256Hex(\"GET\\n/apps/42/channels\\n"),
        response.bodyAsString());
    assertTrue(response.getHeader("Content-Type").startsWith("text/plain"));
  }

  @Test
  @DisplayName("A request signed with another app's secret is 401")
  void wrongSecretIs401() {
    assertEquals(401, signed(HttpMethod.GET, "42", "key42", SECRET + "-slow", "/channels", Map.of(), null, now())
        .statusCode());
  }

  @Test
  @DisplayName("A timestamp more than 600 s off is 401, even correctly signed")
  void expiredTimestampIs401() {
    HttpResponse<Buffer> old = signed(HttpMethod.GET, "42", "key42", SECRET, "/channels", Map.of(), null, now() - 601);
    assertEquals(401, old.statusCode());
    assertTrue(old.bodyAsString().startsWith("Timestamp expired"), old.bodyAsString());
    assertEquals(401, signed(HttpMethod.GET, "42", "key42", SECRET, "/channels", Map.of(), null, now() + 700)
        .statusCode());
    assertEquals(200, signed(HttpMethod.GET, "42", "key42", SECRET, "/channels", Map.of(), null, now() - 590)
        .statusCode());
  }

  @Test
  @DisplayName("A body that does not match its signed body_md5 is 401")
  void wrongBodyMd5Is401() {
    String signedBody = event("news", "a").encode();
    List<Map.Entry<String, String>> params = new ArrayList<>(List.of(Map.entry("auth_key", "key42"),
        Map.entry("auth_timestamp", String.valueOf(now())), Map.entry("auth_version", "1.0"),
        Map.entry("body_md5", Signatures.md5Hex(signedBody))));
    params.add(Map.entry("auth_signature", PusherSignature.sign(SECRET, "POST", "/apps/42/events", params)));
    HttpResponse<Buffer> response = send(HttpMethod.POST, "/apps/42/events", params, event("news", "tampered").encode());
    assertEquals(401, response.statusCode());
    assertTrue(response.bodyAsString().startsWith("Invalid body_md5"), response.bodyAsString());
  }

  @Test
  @DisplayName("An unknown app id is 404; another app's key is 401; no auth parameters at all is 401")
  void unknownAppAndWrongKey() {
    assertEquals(404, signed(HttpMethod.GET, "nope", "key42", SECRET, "/channels", Map.of(), null, now()).statusCode());
    assertEquals(401, signed(HttpMethod.GET, "42", "keyslow", SECRET, "/channels", Map.of(), null, now()).statusCode());
    assertEquals(401, send(HttpMethod.GET, "/apps/42/channels", List.of(), null).statusCode());
  }

  // ---- trigger

  @Test
  @DisplayName("POST /events publishes {event, channel, data, socket_id} on each channel's fan-out address and answers {}")
  void triggerPublishesOnEachChannel() {
    List<JsonObject> one = gateway.listen(Address.fanoutChannel("42", "one"));
    List<JsonObject> two = gateway.listen(Address.fanoutChannel("42", "private-two"));
    HttpResponse<Buffer> response = post("/events", new JsonObject().put("name", "greet")
        .put("channels", new JsonArray().add("one").add("private-two")).put("data", "{\"hi\":1}").put("socket_id", "12.34"));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(new JsonObject(), response.bodyAsJsonObject());
    JsonObject expected = new JsonObject().put("event", "greet").put("channel", "one").put("data", "{\"hi\":1}")
        .put("socket_id", "12.34");
    Await.until("both delivered", 3_000, () -> one.size() == 1 && two.size() == 1);
    assertEquals(expected, one.get(0));
    assertEquals(expected.copy().put("channel", "private-two"), two.get(0));
  }

  @Test
  @DisplayName("POST /events with info answers each channel's attributes")
  void triggerWithInfo() {
    HttpResponse<Buffer> response = post("/events", event("presence-room", "x").put("info", "user_count,subscription_count"));
    assertEquals(new JsonObject().put("channels", new JsonObject().put("presence-room",
        new JsonObject().put("occupied", true).put("subscription_count", 3).put("user_count", 2))), response.bodyAsJsonObject());
  }

  @Test
  @DisplayName("An event on a cache channel is also kept in push-service as the channel's last event")
  void cacheChannelKeepsTheEvent() {
    assertEquals(200, post("/events", event("cache-prices", "9.99")).statusCode());
    assertTrue(push.requests(Address.PUSH_CACHE_PUT).contains(new JsonObject().put("app", "42")
        .put("channel", "cache-prices").put("event", "greet").put("data", "9.99")));
  }

  @Test
  @DisplayName("An event on #server-to-user-X is stored in X's push inbox with the app's retention")
  void sendToUserGoesToTheInbox() {
    long before = System.currentTimeMillis();
    assertEquals(200, post("/events", event("#server-to-user-carol", "{\"n\":1}")).statusCode());
    JsonObject append = messages.requests(Address.MESSAGE_PUSH_APPEND).stream()
        .filter(r -> PushNames.inbox("42", "carol").equals(r.getString(Field.SID))).findFirst().orElseThrow();
    assertEquals(PushNames.appServer("42"), append.getString(Field.UID));
    assertEquals(new JsonObject().put("event", "greet").put("data", "{\"n\":1}"), append.getJsonObject(Field.CONTENT));
    assertTrue(append.getString(Field.CID).length() >= 8);
    long expires = append.getLong(Field.EXPIRES_AT);
    assertTrue(expires >= before + 3_600_000 && expires <= System.currentTimeMillis() + 3_600_000, "expiresAt " + expires);
  }

  @Test
  @DisplayName("POST /batch_events publishes every event and answers per-event info when asked")
  void batchPublishesEach() {
    List<JsonObject> seen = gateway.listen(Address.fanoutChannel("42", "batch-a"));
    HttpResponse<Buffer> response = post("/batch_events", new JsonObject().put("batch", new JsonArray()
        .add(event("batch-a", "1")).add(event("batch-a", "2").put("info", "subscription_count"))));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(new JsonObject().put("batch", new JsonArray().add(new JsonObject())
        .add(new JsonObject().put("occupied", true).put("subscription_count", 3))), response.bodyAsJsonObject());
    Await.until("both delivered", 3_000, () -> seen.size() == 2);
    assertEquals(List.of("1", "2"), seen.stream().map(e -> e.getString("data")).toList());
  }

  @Test
  @DisplayName("A batch of more than 10 events is 400 and none of it is sent")
  void oversizedBatchIs400() {
    List<JsonObject> seen = gateway.listen(Address.fanoutChannel("42", "batch-big"));
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 11; i++) {
      batch.add(event("batch-big", "x"));
    }
    assertEquals(400, post("/batch_events", new JsonObject().put("batch", batch)).statusCode());
    assertEquals(0, seen.size());
  }

  @Test
  @DisplayName("More than 100 channels, a non-string data, a bad channel name or a non-JSON body is 400")
  void badTriggersAre400() {
    JsonArray channels = new JsonArray();
    for (int i = 0; i < 101; i++) {
      channels.add("c" + i);
    }
    assertEquals(400, post("/events", new JsonObject().put("name", "e").put("channels", channels).put("data", "x"))
        .statusCode());
    assertEquals(400, post("/events", new JsonObject().put("name", "e").put("channel", "c").put("data", new JsonObject()))
        .statusCode());
    assertEquals(400, post("/events", event("bad channel!", "x")).statusCode());
    assertEquals(400, post("/events", event("c", "x").put("socket_id", "nope")).statusCode());
    assertEquals(400, signed(HttpMethod.POST, "42", "key42", SECRET, "/events", Map.of(), "not json", now())
        .statusCode());
  }

  @Test
  @DisplayName("Data larger than the app's maxEventBytes is 413")
  void oversizedDataIs413() {
    HttpResponse<Buffer> response = post("/events", event("c", "x".repeat(101)));
    assertEquals(413, response.statusCode());
    assertEquals(200, post("/events", event("c", "x".repeat(100))).statusCode());
  }

  @Test
  @DisplayName("A body over the HTTP API's body limit is refused with 413 before it is read whole")
  void hugeBodyIs413() {
    String body = "{\"data\":\"" + "x".repeat((int) PusherHttpApi.bodyLimit(Apps.from(gateway.config())) + 1) + "\"}";
    HttpResponse<Buffer> response = signed(HttpMethod.POST, "42", "key42", SECRET, "/events", Map.of(), body, now());
    assertEquals(413, response.statusCode());
    assertEquals("Request Entity Too Large\n", response.bodyAsString());
  }

  @Test
  @DisplayName("Requests over the app's maxBackendEventsPerSecond are 429")
  void overRateIs429() {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(signed(HttpMethod.GET, "slow", "keyslow", SECRET + "-slow", "/channels", Map.of(), null, now())
          .statusCode());
    }
    assertEquals(List.of(200, 200, 429, 429), statuses);
  }

  @Test
  @DisplayName("An unknown route under /apps/ is 404 in plain text")
  void unknownRouteIs404() {
    HttpResponse<Buffer> response = get("/nothing", Map.of());
    assertEquals(404, response.statusCode());
    assertTrue(response.getHeader("Content-Type").startsWith("text/plain"));
  }

  // ---- queries

  @Test
  @DisplayName("GET /channels answers push-service's channels; user_count without a presence- prefix is 400")
  void channelsQuery() {
    HttpResponse<Buffer> response = get("/channels", Map.of("filter_by_prefix", "presence-", "info", "user_count"));
    assertEquals(new JsonObject().put("channels", new JsonObject().put("presence-a", new JsonObject().put("user_count", 2))),
        response.bodyAsJsonObject());
    assertTrue(push.requests(Address.PUSH_CHANNELS).contains(new JsonObject().put("app", "42")
        .put("filter_by_prefix", "presence-").put("info", "user_count")));
    assertEquals(400, get("/channels", Map.of("info", "user_count")).statusCode());
  }

  @Test
  @DisplayName("GET /channels/{channel} answers {occupied, ...}; user_count of a public channel is 400")
  void channelQuery() {
    assertEquals(new JsonObject().put("occupied", true).put("subscription_count", 3).put("user_count", 2),
        get("/channels/presence-a", Map.of("info", "subscription_count,user_count")).bodyAsJsonObject());
    assertEquals(400, get("/channels/public-a", Map.of("info", "user_count")).statusCode());
    assertEquals(400, get("/channels/public-a", Map.of("info", "everything")).statusCode());
  }

  @Test
  @DisplayName("GET /channels/{channel}/users lists a presence channel's user ids; other channels are 400")
  void usersQuery() {
    assertEquals(new JsonObject().put("users", new JsonArray().add(new JsonObject().put("id", "alice"))
        .add(new JsonObject().put("id", "bob"))), get("/channels/presence-a/users", Map.of()).bodyAsJsonObject());
    assertEquals(400, get("/channels/private-a/users", Map.of()).statusCode());
  }

  @Test
  @DisplayName("POST /users/{user}/terminate_connections publishes {terminate:true} to that user's sockets")
  void terminateConnections() {
    List<JsonObject> seen = gateway.listen(Address.fanoutAppUser("42", "dave"));
    HttpResponse<Buffer> response = post("/users/dave/terminate_connections", new JsonObject());
    assertEquals(200, response.statusCode(), response.bodyAsString());
    Await.until("terminate published", 3_000, () -> seen.size() == 1);
    assertEquals(new JsonObject().put("terminate", true), seen.get(0));
  }
}
