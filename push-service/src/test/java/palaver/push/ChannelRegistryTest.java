package palaver.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;

/**
 * The channel table over the real bus, with TWO push-service instances
 * running (so every "once" below is also "once across instances") and a real
 * HTTP receiver for the webhooks.
 */
class ChannelRegistryTest {
  private static WebhookReceiver receiver;
  private static ServiceUnderTest push;

  @BeforeAll
  static void start() throws InterruptedException {
    receiver = new WebhookReceiver();
    push = ServiceUnderTest.start(TestApps.settings(receiver), List.of(),
        () -> new PushVerticle(TestApps.FAST), () -> new PushVerticle(TestApps.FAST));
    Thread.sleep(TestApps.FAST.warmupMs() + 300); // both instances warmed up and have heard each other
  }

  @AfterAll
  static void stop() {
    push.close();
    receiver.close();
  }

  private static void report(JsonObject body) {
    push.vertx().eventBus().publish(Address.PUSH_CHANNELS_REPORT, body);
  }

  private static JsonObject join(String node, String channel, String socket, String user) {
    JsonObject join = new JsonObject().put("node", node).put("app", TestApps.APP).put("channel", channel)
        .put("socket_id", socket).put("joined", true);
    if (user != null) {
      join.put("user_id", user).put("user_info", new JsonObject().put("name", user));
    }
    return join;
  }

  private static JsonObject leave(String node, String channel, String socket) {
    return new JsonObject().put("node", node).put("app", TestApps.APP).put("channel", channel)
        .put("socket_id", socket).put("joined", false);
  }

  /** The webhook events about {@code channel} received so far, of kind {@code name}. */
  private static List<JsonObject> hooks(String channel, String name) {
    return receiver.to("/all").stream().flatMap(d -> d.json().getJsonArray("events").stream())
        .map(JsonObject.class::cast)
        .filter(e -> channel.equals(e.getString("channel")) && name.equals(e.getString("name"))).toList();
  }

  private static List<JsonObject> events(List<JsonObject> seen, String event) {
    return seen.stream().filter(e -> event.equals(e.getString("event"))).toList();
  }

  private static void settle() throws InterruptedException {
    Thread.sleep(300);
  }

  @Test
  @DisplayName("channel_occupied is told once when the first of two sockets joins, channel_vacated once when the last leaves")
  void occupancyOncePerChannel() throws InterruptedException {
    report(join("gw-a", "news", "1.1", null));
    report(join("gw-b", "news", "2.1", null));
    Await.until("occupied", 3_000, () -> hooks("news", "channel_occupied").size() == 1);
    report(leave("gw-a", "news", "1.1"));
    settle();
    assertEquals(0, hooks("news", "channel_vacated").size());
    report(leave("gw-b", "news", "2.1"));
    Await.until("vacated", 3_000, () -> hooks("news", "channel_vacated").size() == 1);
    settle();
    assertEquals(1, hooks("news", "channel_occupied").size());
    assertEquals(1, hooks("news", "channel_vacated").size());
  }

  @Test
  @DisplayName("member_added goes out once per user across two sockets on two gateway nodes, not echoed to the joining socket")
  void memberAddedOncePerUser() throws InterruptedException {
    String channel = "presence-room";
    List<JsonObject> seen = push.listen(Address.fanoutChannel(TestApps.APP, channel));
    report(join("gw-a", channel, "1.2", "alice"));
    report(join("gw-b", channel, "2.2", "alice"));
    Await.until("member_added", 3_000, () -> events(seen, ChannelRegistry.MEMBER_ADDED).size() == 1);
    settle();
    List<JsonObject> added = events(seen, ChannelRegistry.MEMBER_ADDED);
    assertEquals(1, added.size());
    assertEquals(new JsonObject().put("event", ChannelRegistry.MEMBER_ADDED).put("channel", channel)
        .put("data", "{\"user_id\":\"alice\",\"user_info\":{\"name\":\"alice\"}}").put("socket_id", "1.2"), added.get(0));
    assertEquals(List.of(new JsonObject().put("name", "member_added").put("channel", channel).put("user_id", "alice")),
        hooks(channel, "member_added"));

    report(leave("gw-a", channel, "1.2"));
    settle();
    assertEquals(0, events(seen, ChannelRegistry.MEMBER_REMOVED).size());
    report(leave("gw-b", channel, "2.2"));
    Await.until("member_removed", 3_000, () -> events(seen, ChannelRegistry.MEMBER_REMOVED).size() == 1);
    assertEquals("{\"user_id\":\"alice\"}", events(seen, ChannelRegistry.MEMBER_REMOVED).get(0).getString("data"));
    Await.until("member_removed webhook", 3_000, () -> hooks(channel, "member_removed").size() == 1);
  }

  @Test
  @DisplayName("A gateway node that stops reporting loses its members: member_removed and channel_vacated follow")
  void silentNodeLosesItsMembers() {
    String channel = "presence-silent";
    List<JsonObject> seen = push.listen(Address.fanoutChannel(TestApps.APP, channel));
    report(join("gw-silent", channel, "9.1", "bob"));
    Await.until("member_added", 3_000, () -> events(seen, ChannelRegistry.MEMBER_ADDED).size() == 1);
    long start = System.currentTimeMillis();
    Await.until("member_removed", 5_000, () -> events(seen, ChannelRegistry.MEMBER_REMOVED).size() == 1);
    long took = System.currentTimeMillis() - start;
    if (took < TestApps.FAST.nodeSilenceMs() - 200) {
      throw new AssertionError("removed after " + took + " ms, before the node's silence bound");
    }
    Await.until("vacated webhook", 3_000, () -> hooks(channel, "channel_vacated").size() == 1);
  }

  @Test
  @DisplayName("A heartbeat keeps a node's sockets, and a socket missing from it leaves")
  void heartbeatReplacesTheNodesSockets() {
    String channel = "presence-beat";
    List<JsonObject> seen = push.listen(Address.fanoutChannel(TestApps.APP, channel));
    report(join("gw-beat", channel, "7.1", "carol"));
    report(join("gw-beat", channel, "7.2", "dave"));
    Await.until("two members", 3_000, () -> events(seen, ChannelRegistry.MEMBER_ADDED).size() == 2);
    report(new JsonObject().put("node", "gw-beat").put("sockets", new JsonArray()
        .add(new JsonObject().put("app", TestApps.APP).put("channel", channel).put("socket_id", "7.1")
            .put("user_id", "carol").put("user_info", new JsonObject().put("name", "carol")))));
    Await.until("dave removed", 3_000, () -> events(seen, ChannelRegistry.MEMBER_REMOVED).size() == 1);
    assertEquals("{\"user_id\":\"dave\"}", events(seen, ChannelRegistry.MEMBER_REMOVED).get(0).getString("data"));
    assertEquals(new JsonObject().put("members", new JsonObject().put("carol", new JsonObject().put("name", "carol"))),
        push.request(Address.PUSH_MEMBERS, new JsonObject().put("app", TestApps.APP).put("channel", channel)));
    report(new JsonObject().put("node", "gw-beat").put("gone", true));
    Await.until("carol removed", 3_000, () -> events(seen, ChannelRegistry.MEMBER_REMOVED).size() == 2);
  }

  @Test
  @DisplayName("PUSH_MEMBERS, PUSH_CHANNELS and PUSH_CHANNEL answer from the table, on every instance, per app")
  void queriesAnswerFromTheTable() {
    report(join("gw-q", "presence-q", "5.1", "erin"));
    report(join("gw-q", "presence-q", "5.2", "erin"));
    report(join("gw-q", "presence-q", "5.3", "frank"));
    report(join("gw-q", "q-public", "5.1", null));
    JsonObject channel = new JsonObject().put("app", TestApps.APP).put("channel", "presence-q")
        .put("info", "user_count,subscription_count");
    Await.until("joins seen by both instances", 3_000, () ->
        push.request(Address.PUSH_CHANNEL, channel).getInteger("subscription_count", 0) == 3
            && push.request(Address.PUSH_CHANNEL, channel).getInteger("subscription_count", 0) == 3);
    assertEquals(new JsonObject().put("occupied", true).put("subscription_count", 3).put("user_count", 2),
        push.request(Address.PUSH_CHANNEL, channel));
    assertEquals(new JsonObject().put("channels", new JsonObject()
            .put("presence-q", new JsonObject().put("user_count", 2))),
        push.request(Address.PUSH_CHANNELS, new JsonObject().put("app", TestApps.APP)
            .put("filter_by_prefix", "presence-q").put("info", "user_count")));
    assertEquals(new JsonObject().put("channels", new JsonObject().put("q-public", new JsonObject())),
        push.request(Address.PUSH_CHANNELS, new JsonObject().put("app", TestApps.APP).put("filter_by_prefix", "q-")));
    assertEquals(new JsonObject().put("occupied", false),
        push.request(Address.PUSH_CHANNEL, new JsonObject().put("app", "app2").put("channel", "presence-q")));
    assertEquals(2, push.request(Address.PUSH_MEMBERS, new JsonObject().put("app", TestApps.APP)
        .put("channel", "presence-q")).getJsonObject("members").size());
  }

  @Test
  @DisplayName("A query with an unknown info attribute or a missing app is refused as invalid")
  void badQueriesAreInvalid() {
    assertEquals(400, push.failureCode(Address.PUSH_CHANNEL,
        new JsonObject().put("app", TestApps.APP).put("channel", "x").put("info", "everything")));
    assertEquals(400, push.failureCode(Address.PUSH_CHANNELS, new JsonObject().put("app", 3)));
  }

  @Test
  @DisplayName("Malformed reports are dropped without disturbing the table")
  void malformedReportsAreDropped() {
    push.vertx().eventBus().publish(Address.PUSH_CHANNELS_REPORT, "not json");
    report(new JsonObject().put("node", "gw-m").put("joined", true));
    report(join("gw-m", "after-junk", "3.1", null));
    Await.until("join after junk", 3_000, () -> push.request(Address.PUSH_CHANNEL,
        new JsonObject().put("app", TestApps.APP).put("channel", "after-junk")).getBoolean("occupied"));
  }
}
