package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.runtime.Setting;
import palaver.testing.Await;

/**
 * The official {@code pusher} server SDK (npm, unmodified) as an app server
 * against a real standalone Palaver: every call it makes is signed by the SDK
 * and checked by the gateway; triggered events are seen where the gateways'
 * Pusher sockets take them from (the channels' fan-out addresses); presence
 * queries are answered by the real push-service.
 */
class PusherServerSdkTest {
  private static final String APP = "sdk-app";
  private static final String KEY = "sdk-key";
  private static final String SECRET = "sdk-secret-0123456789abcdef0123456789";
  private static TestServer server;
  private static final List<JsonObject> news = new CopyOnWriteArrayList<>();
  private static final List<JsonObject> other = new CopyOnWriteArrayList<>();
  private static final List<JsonObject> terminations = new CopyOnWriteArrayList<>();
  /** The script's results, by call. */
  private static final JsonObject results = new JsonObject();

  @BeforeAll
  static void runTheSdk() {
    server = TestServer.standalone(new JsonObject().put(Setting.APPS.key(), new JsonArray()
        .add(new JsonObject().put("id", APP).put("key", KEY).put("secret", SECRET))));
    listen(Address.fanoutChannel(APP, "sdk-news"), news);
    listen(Address.fanoutChannel(APP, "sdk-other"), other);
    listen(Address.fanoutAppUser(APP, "sdk-user"), terminations);
    // two sockets of one user in a presence channel, as a gateway reports them to push-service
    JsonObject join = new JsonObject().put("node", "sdk-test-gateway").put("app", APP).put("channel", "presence-sdk")
        .put("joined", true).put("user_id", "sdk-user").put("user_info", new JsonObject().put("name", "Ann"));
    server.node().vertx().eventBus().publish(Address.PUSH_CHANNELS_REPORT, join.copy().put("socket_id", "1.1"));
    server.node().vertx().eventBus().publish(Address.PUSH_CHANNELS_REPORT, join.copy().put("socket_id", "1.2"));
    try (NodeScript script = NodeScript.start("pusher-server.js", APP, KEY, SECRET, String.valueOf(server.httpPort()))) {
      for (JsonObject line = script.next(30_000); !"done".equals(line.getString("type")); line = script.next(30_000)) {
        results.put(line.getString("type"), line);
      }
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void listen(String address, List<JsonObject> into) {
    MessageConsumer<JsonObject> c = server.node().vertx().eventBus().consumer(address, m -> into.add(m.body()));
    Await.result(c.completion());
  }

  private static JsonObject result(String call) {
    JsonObject r = results.getJsonObject(call);
    if (r == null) {
      throw new AssertionError("the script printed no result for " + call + ": " + results.encode());
    }
    return r;
  }

  private static List<JsonObject> named(List<JsonObject> seen, String event) {
    return seen.stream().filter(e -> event.equals(e.getString("event"))).toList();
  }

  @Test
  @DisplayName("pusher.trigger to two channels is accepted and reaches both channels with the SDK's JSON data")
  void triggerReachesBothChannels() {
    assertEquals(200, result("trigger").getInteger("status"), result("trigger").encode());
    Await.until("delivered", 5_000, () -> named(news, "greeting").size() == 1 && named(other, "greeting").size() == 1);
    assertEquals(new JsonObject().put("event", "greeting").put("channel", "sdk-news").put("data", "{\"hello\":\"world\"}"),
        named(news, "greeting").get(0));
  }

  @Test
  @DisplayName("pusher.trigger with socket_id carries the socket to leave out")
  void triggerExcludingASocket() {
    assertEquals(200, result("trigger_excluding").getInteger("status"));
    Await.until("delivered", 5_000, () -> named(news, "quiet").size() == 1);
    assertEquals("123.456", named(news, "quiet").get(0).getString("socket_id"));
    assertEquals("plain text", named(news, "quiet").get(0).getString("data"));
  }

  @Test
  @DisplayName("pusher.trigger with info answers the presence channel's counts from push-service")
  void triggerWithInfo() {
    assertEquals(new JsonObject().put("channels", new JsonObject().put("presence-sdk",
            new JsonObject().put("occupied", true).put("subscription_count", 2).put("user_count", 1))),
        result("trigger_info").getJsonObject("body"));
  }

  @Test
  @DisplayName("pusher.triggerBatch sends each event to its channel")
  void batchReachesEachChannel() {
    assertEquals(200, result("batch").getInteger("status"), result("batch").encode());
    Await.until("delivered", 5_000, () -> named(news, "batched-1").size() == 1 && named(other, "batched-2").size() == 1);
    assertEquals("{\"n\":1}", named(news, "batched-1").get(0).getString("data"));
    assertEquals("two", named(other, "batched-2").get(0).getString("data"));
  }

  @Test
  @DisplayName("pusher.get of /channels, /channels/{name} and /users answers from the cluster-wide registry")
  void queriesAnswerTheRegistry() {
    assertEquals(new JsonObject().put("channels", new JsonObject().put("presence-sdk", new JsonObject().put("user_count", 1))),
        result("channels").getJsonObject("body"));
    assertEquals(new JsonObject().put("occupied", true).put("subscription_count", 2).put("user_count", 1),
        result("channel").getJsonObject("body"));
    assertEquals(new JsonObject().put("users", new JsonArray().add(new JsonObject().put("id", "sdk-user"))),
        result("users").getJsonObject("body"));
  }

  @Test
  @DisplayName("pusher.terminateUserConnections tells every gateway to close that user's sockets")
  void terminateReachesTheUser() {
    assertEquals(200, result("terminate").getInteger("status"), result("terminate").encode());
    Await.until("terminate published", 5_000, () -> terminations.size() == 1);
    assertEquals(new JsonObject().put("terminate", true), terminations.get(0));
  }

  @Test
  @DisplayName("An SDK with the wrong secret is refused with 401 and its event goes nowhere")
  void wrongSecretIsRefused() {
    assertEquals(401, result("impostor").getInteger("status"), result("impostor").encode());
    assertTrue(String.valueOf(result("impostor").getValue("body")).startsWith("Invalid signature"));
    assertEquals(0, named(news, "forged").size());
  }
}
