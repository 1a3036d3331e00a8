package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.testing.Await;

/**
 * The real pusher-js SDK (8.4.0, protocol 7, unmodified) in Node.js against a
 * real Palaver node: connection, public/private/presence channels, client
 * events, signin and events to the user. Channel authorization is the SDK's
 * own customHandler signing with the app secret, as an app's auth endpoint
 * would. Server-side events are published on the channel's fan-out address,
 * as the HTTP API and push-service do.
 */
@DisplayName("pusher-js against Palaver's Pusher endpoint")
class PusherClientSdkTest {
  private static final String APP = "sdk-app";
  private static final String KEY = "sdk-key";
  private static final String SECRET = "sdk-secret-0123456789abcdef0123456789";
  private static final long WAIT_MS = 15_000;
  private static TestServer server;
  private NodeScript js;

  @BeforeAll
  static void start() {
    server = TestServer.standalone(new JsonObject().put("apps", new JsonArray().add(new JsonObject()
        .put("id", APP).put("key", KEY).put("secret", SECRET).put("enableClientMessages", true))));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void closeScript() {
    if (js != null) {
      js.close();
    }
  }

  private NodeScript script() {
    js = NodeScript.start("pusher-client.js", String.valueOf(server.httpPort()), KEY, SECRET);
    assertEquals("ready", js.next(WAIT_MS).getString("type"));
    return js;
  }

  private static JsonObject command(String cmd, String name) {
    return new JsonObject().put("cmd", cmd).put("name", name);
  }

  private String connect(String name, String userId) {
    js.send(command("connect", name).put("user_id", userId));
    return js.next("connected", WAIT_MS).getString("socket_id");
  }

  private JsonObject subscribe(String name, String channel) {
    js.send(command("subscribe", name).put("channel", channel));
    JsonObject line = js.next("subscribed", WAIT_MS);
    assertEquals(channel, line.getString("channel"), line.encode());
    return line;
  }

  private void publish(String channel, String event, String data) {
    server.node().vertx().eventBus().publish(Address.fanoutChannel(APP, channel),
        new JsonObject().put("event", event).put("channel", channel).put("data", data));
  }

  @Test
  @DisplayName("pusher-js connects and gets a digits.digits socket id")
  void connects() {
    script();
    assertTrue(connect("a", "ann").matches("\\d+\\.\\d+"));
  }

  @Test
  @DisplayName("An event on a public channel reaches pusher-js's binding, its JSON data parsed")
  void publicEvent() {
    script();
    connect("a", "ann");
    subscribe("a", "news");
    publish("news", "headline", "{\"title\":\"hello\"}");
    JsonObject event = js.next("event", WAIT_MS);
    assertEquals("headline", event.getString("event"));
    assertEquals(new JsonObject().put("title", "hello"), event.getJsonObject("data"));
  }

  @Test
  @DisplayName("A private channel signed by the SDK's customHandler subscribes and gets its events")
  void privateChannel() {
    script();
    connect("a", "ann");
    subscribe("a", "private-room");
    publish("private-room", "secret", "{\"n\":1}");
    assertEquals(1, js.next("event", WAIT_MS).getJsonObject("data").getInteger("n"));
  }

  @Test
  @DisplayName("A private channel signed with the wrong secret gets pusher:subscription_error AuthError 401")
  void wrongSecret() {
    script();
    js.send(command("connect", "a").put("user_id", "ann").put("secret", "not-the-secret-of-this-app-at-all"));
    js.next("connected", WAIT_MS);
    js.send(command("subscribe", "a").put("channel", "private-room"));
    JsonObject error = js.next("subscription_error", WAIT_MS).getJsonObject("error");
    assertEquals("AuthError", error.getString("type"), error.encode());
    assertEquals(401, error.getInteger("status"));
  }

  @Test
  @DisplayName("A second presence member sees both members, itself as me")
  void presenceMembers() {
    script();
    connect("a", "ann");
    connect("b", "bob");
    subscribe("a", "presence-lobby");
    JsonObject bob = subscribe("b", "presence-lobby");
    assertEquals(new JsonArray().add("ann").add("bob"), bob.getJsonArray("members"));
    assertEquals("bob", bob.getString("me"));
  }

  @Test
  @DisplayName("member_added published for a channel reaches pusher-js as pusher:member_added")
  void memberAdded() {
    script();
    connect("a", "ann");
    subscribe("a", "presence-hall");
    publish("presence-hall", "pusher_internal:member_added", "{\"user_id\":\"cy\",\"user_info\":{}}");
    assertEquals("cy", js.next("member_added", WAIT_MS).getString("user_id"));
  }

  @Test
  @DisplayName("A client event goes from one pusher-js client to the other with the sender's user_id, not back to the sender")
  void clientEvent() {
    script();
    connect("a", "ann");
    connect("b", "bob");
    subscribe("a", "presence-chat");
    subscribe("b", "presence-chat");
    js.send(command("bind", "a").put("channel", "presence-chat").put("event", "client-typing"));
    js.send(command("bind", "b").put("channel", "presence-chat").put("event", "client-typing"));
    js.send(command("trigger", "a").put("channel", "presence-chat").put("event", "client-typing")
        .put("data", new JsonObject().put("on", true)));
    JsonObject event = js.next("bound_event", WAIT_MS);
    assertEquals("b", event.getString("name"), event.encode());
    assertEquals("client-typing", event.getString("event"));
    assertEquals("ann", event.getString("user_id"));
    assertEquals(new JsonObject().put("on", true), event.getJsonObject("data"));
    assertNull(nextLineWithin("bound_event", 500), "the sender got its own client event back");
  }

  @Test
  @DisplayName("A signed-in pusher-js client gets events sent to its user")
  void signinAndUserEvent() {
    script();
    connect("a", "ann");
    js.send(command("signin", "a").put("user_id", "ann"));
    assertEquals("ann", js.next("signed_in", WAIT_MS).getString("user_id"));
    Await.until("the user's address to be live", WAIT_MS, () -> {
      server.node().vertx().eventBus().publish(Address.fanoutAppUser(APP, "ann"),
          new JsonObject().put("event", "notice").put("data", "{\"n\":2}"));
      return nextLineWithin("user_event", 300) != null;
    });
  }

  /** The next line of {@code type} within {@code millis}, or null. */
  private JsonObject nextLineWithin(String type, long millis) {
    try {
      return js.next(type, millis);
    } catch (AssertionError e) {
      return null;
    }
  }
}
