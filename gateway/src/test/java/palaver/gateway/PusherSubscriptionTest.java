package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static palaver.gateway.PusherUnderTest.APP;
import static palaver.gateway.PusherUnderTest.data;
import static palaver.gateway.PusherUnderTest.expectEvent;
import static palaver.gateway.PusherUnderTest.subscribe;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** pusher:subscribe and unsubscribe for every channel kind, and the channel's events reaching its sockets. */
class PusherSubscriptionTest {
  private static final long QUIET_MS = 300;
  private final PusherUnderTest pusher = new PusherUnderTest();

  @AfterEach
  void stop() {
    pusher.close();
  }

  private static JsonObject event(String channel, String name, String data) {
    return new JsonObject().put("event", name).put("channel", channel).put("data", data);
  }

  private void expectSubscriptionError(PusherSocket socket, String channel, String type, int status) {
    JsonObject frame = expectEvent(socket, "pusher:subscription_error", channel);
    JsonObject data = data(frame);
    assertEquals(type, data.getString("type"), frame.encode());
    assertEquals(status, data.getInteger("status"), frame.encode());
  }

  private static void expectNothing(PusherSocket socket) {
    JsonObject frame = socket.poll(QUIET_MS);
    assertNull(frame, () -> "expected nothing, got " + frame.encode());
  }

  @Test
  @DisplayName("A public channel's subscription succeeds with data \"{}\"")
  void publicSubscription() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.send(subscribe("news"));
      JsonObject frame = expectEvent(socket, "pusher_internal:subscription_succeeded", "news");
      assertEquals("{}", frame.getString("data"));
    }
  }

  @Test
  @DisplayName("A subscription is reported to push-service as a join of this node's socket")
  void joinReported() {
    try (PusherSocket socket = pusher.connect("key1")) {
      pusher.subscribed(socket, "news");
      JsonObject join = pusher.reportsWhere(r -> Boolean.TRUE.equals(r.getValue("joined"))).get(0);
      assertEquals(APP, join.getString("app"));
      assertEquals("news", join.getString("channel"));
      assertEquals(pusher.socketId(socket), join.getString("socket_id"));
      assertTrue(join.getString("node").length() > 8, join.encode());
    }
  }

  @Test
  @DisplayName("An event published on the channel's fan-out reaches the subscriber as {event, channel, data}")
  void eventDelivered() {
    try (PusherSocket socket = pusher.connect("key1")) {
      pusher.subscribed(socket, "news");
      pusher.publish(APP, "news", event("news", "headline", "{\"title\":\"hi\"}"));
      JsonObject frame = expectEvent(socket, "headline", "news");
      assertEquals(new JsonObject().put("event", "headline").put("channel", "news").put("data", "{\"title\":\"hi\"}"),
          frame);
    }
  }

  @Test
  @DisplayName("The socket_id a fan-out body names does not get the event; the others do")
  void excludedSocketSkipped() {
    try (PusherSocket sender = pusher.connect("key1"); PusherSocket other = pusher.connect("key1")) {
      pusher.subscribed(sender, "news");
      pusher.subscribed(other, "news");
      pusher.publish(APP, "news", event("news", "headline", "x").put("socket_id", pusher.socketId(sender)));
      assertEquals("x", expectEvent(other, "headline", "news").getString("data"));
      expectNothing(sender);
    }
  }

  @Test
  @DisplayName("After pusher:unsubscribe the channel's events no longer arrive and a leave is reported")
  void unsubscribe() {
    try (PusherSocket socket = pusher.connect("key1")) {
      pusher.subscribed(socket, "news");
      socket.send(new JsonObject().put("event", "pusher:unsubscribe").put("data", new JsonObject().put("channel", "news")));
      JsonObject leave = pusher.reportsWhere(r -> Boolean.FALSE.equals(r.getValue("joined"))).get(0);
      assertEquals(pusher.socketId(socket), leave.getString("socket_id"));
      pusher.publish(APP, "news", event("news", "headline", "x"));
      expectNothing(socket);
    }
  }

  @Test
  @DisplayName("A closed socket's channels are reported as left")
  void closeReportsLeave() {
    PusherSocket socket = pusher.connect("key1");
    String id = pusher.socketId(socket);
    pusher.subscribed(socket, "news");
    socket.close();
    List<JsonObject> leaves = pusher.reportsWhere(r -> Boolean.FALSE.equals(r.getValue("joined"))
        && id.equals(r.getValue("socket_id")));
    assertEquals("news", leaves.get(0).getString("channel"));
  }

  @Test
  @DisplayName("Every 5 s the node reports all its sockets' channels")
  void heartbeatSnapshot() {
    try (PusherSocket socket = pusher.connect("key1")) {
      pusher.subscribed(socket, "news");
      String id = pusher.socketId(socket);
      JsonObject heartbeat = pusher.reportsWhere(r -> r.getJsonArray("sockets") != null
          && !r.getJsonArray("sockets").isEmpty()).get(0);
      assertEquals(new JsonArray().add(new JsonObject().put("app", APP).put("channel", "news").put("socket_id", id)),
          heartbeat.getJsonArray("sockets"));
    }
  }

  @Test
  @DisplayName("Another app's channel of the same name does not reach this app's sockets")
  void appsIsolated() {
    try (PusherSocket socket = pusher.connect("key1")) {
      pusher.subscribed(socket, "news");
      pusher.publish(PusherUnderTest.OTHER, "news", event("news", "headline", "x"));
      expectNothing(socket);
    }
  }

  @Test
  @DisplayName("A private channel with a valid signature succeeds")
  void privateSigned() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.send(subscribe("private-room", pusher.auth(socket, "private-room"), null));
      expectEvent(socket, "pusher_internal:subscription_succeeded", "private-room");
    }
  }

  @Test
  @DisplayName("A private channel with a wrong signature gets subscription_error AuthError 401 and no events")
  void privateWrongSignature() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.send(subscribe("private-room", "key1:" + "0".repeat(64), null));
      expectSubscriptionError(socket, "private-room", "AuthError", 401);
      pusher.publish(APP, "private-room", event("private-room", "secret", "x"));
      expectNothing(socket);
    }
  }

  @Test
  @DisplayName("A signature made for another socket id is refused")
  void signatureOfAnotherSocket() {
    try (PusherSocket socket = pusher.connect("key1"); PusherSocket other = pusher.connect("key1")) {
      socket.send(subscribe("private-room", pusher.auth(other, "private-room"), null));
      expectSubscriptionError(socket, "private-room", "AuthError", 401);
    }
  }

  @Test
  @DisplayName("A signature made with another app's secret is refused")
  void signatureOfAnotherApp() {
    try (PusherSocket socket = pusher.connect("key1")) {
      String auth = "key1:" + PusherUnderTest.sign(PusherUnderTest.OTHER_SECRET, pusher.socketId(socket) + ":private-room");
      socket.send(subscribe("private-room", auth, null));
      expectSubscriptionError(socket, "private-room", "AuthError", 401);
    }
  }

  @Test
  @DisplayName("A private channel without auth is refused")
  void privateWithoutAuth() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.send(subscribe("private-room"));
      expectSubscriptionError(socket, "private-room", "AuthError", 401);
    }
  }

  @Test
  @DisplayName("auth that is a number is refused as an AuthError")
  void authWrongType() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.send(new JsonObject().put("event", "pusher:subscribe")
          .put("data", new JsonObject().put("channel", "private-room").put("auth", 12)));
      expectSubscriptionError(socket, "private-room", "AuthError", 401);
    }
  }

  @Test
  @DisplayName("A channel name of 165 characters gets a pusher:error; 164 is accepted")
  void nameLength() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.send(subscribe("a".repeat(165)));
      assertEquals("pusher:error", socket.next().getString("event"));
      pusher.subscribed(socket, "a".repeat(164));
    }
  }

  @Test
  @DisplayName("A channel name with a character outside Pusher's alphabet gets a pusher:error")
  void nameCharacters() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.send(subscribe("news/today"));
      assertEquals("pusher:error", socket.next().getString("event"));
    }
  }

  @Test
  @DisplayName("An encrypted channel's payload is passed through untouched")
  void encryptedPassThrough() {
    try (PusherSocket socket = pusher.connect("key1")) {
      pusher.subscribed(socket, "private-encrypted-vault");
      String sealed = "{\"nonce\":\"bm9uY2U=\",\"ciphertext\":\"c2VjcmV0\"}";
      pusher.publish(APP, "private-encrypted-vault", event("private-encrypted-vault", "sealed", sealed));
      assertEquals(sealed, expectEvent(socket, "sealed", "private-encrypted-vault").getString("data"));
    }
  }

  @Test
  @DisplayName("A presence subscription lists the registry's members and the socket's own as ids, hash and count")
  void presenceMembers() {
    pusher.members.put(APP + "/presence-lobby", new JsonObject().put("ann", new JsonObject().put("name", "Ann")));
    try (PusherSocket socket = pusher.connect("key1")) {
      JsonObject presence = data(pusher.joined(socket, "presence-lobby", "bob")).getJsonObject("presence");
      assertEquals(new JsonArray().add("ann").add("bob"), presence.getJsonArray("ids"));
      assertEquals(new JsonObject().put("ann", new JsonObject().put("name", "Ann"))
          .put("bob", new JsonObject().put("name", "bob")), presence.getJsonObject("hash"));
      assertEquals(2, presence.getInteger("count"));
    }
  }

  @Test
  @DisplayName("A presence join is reported with the member's user_id and user_info")
  void presenceJoinReported() {
    try (PusherSocket socket = pusher.connect("key1")) {
      pusher.joined(socket, "presence-lobby", "bob");
      JsonObject join = pusher.reportsWhere(r -> Boolean.TRUE.equals(r.getValue("joined"))).get(0);
      assertEquals("bob", join.getString("user_id"));
      assertEquals(new JsonObject().put("name", "bob"), join.getJsonObject("user_info"));
    }
  }

  @Test
  @DisplayName("A numeric user_id becomes a string")
  void numericUserId() {
    try (PusherSocket socket = pusher.connect("key1")) {
      String channelData = "{\"user_id\":42}";
      socket.send(subscribe("presence-lobby", pusher.presenceAuth(socket, "presence-lobby", channelData), channelData));
      JsonObject presence = data(expectEvent(socket, "pusher_internal:subscription_succeeded", "presence-lobby"))
          .getJsonObject("presence");
      assertEquals(new JsonArray().add("42"), presence.getJsonArray("ids"));
    }
  }

  @Test
  @DisplayName("channel_data is verified exactly as sent: re-spaced JSON with the original signature is refused")
  void channelDataExactlyAsSent() {
    try (PusherSocket socket = pusher.connect("key1")) {
      String signed = "{\"user_id\":\"bob\"}";
      socket.send(subscribe("presence-lobby", pusher.presenceAuth(socket, "presence-lobby", signed),
          "{\"user_id\": \"bob\"}"));
      expectSubscriptionError(socket, "presence-lobby", "AuthError", 401);
    }
  }

  @Test
  @DisplayName("Signed channel_data without a user_id is refused")
  void presenceWithoutUserId() {
    try (PusherSocket socket = pusher.connect("key1")) {
      String channelData = "{\"user_info\":{}}";
      socket.send(subscribe("presence-lobby", pusher.presenceAuth(socket, "presence-lobby", channelData), channelData));
      assertEquals("AuthError", data(expectEvent(socket, "pusher:subscription_error", "presence-lobby")).getString("type"));
    }
  }

  @Test
  @DisplayName("A presence channel at the app's maxPresenceMembers refuses a new member with LimitReached")
  void presenceFull() {
    pusher.members.put(APP + "/presence-lobby", new JsonObject().put("ann", new JsonObject()).put("cy", new JsonObject()));
    try (PusherSocket socket = pusher.connect("key1")) {
      String channelData = "{\"user_id\":\"bob\"}";
      socket.send(subscribe("presence-lobby", pusher.presenceAuth(socket, "presence-lobby", channelData), channelData));
      assertEquals("LimitReached", data(expectEvent(socket, "pusher:subscription_error", "presence-lobby")).getString("type"));
    }
  }

  @Test
  @DisplayName("A member already in a full presence channel may join with another socket")
  void presenceFullSameUser() {
    pusher.members.put(APP + "/presence-lobby", new JsonObject().put("ann", new JsonObject()).put("bob", new JsonObject()));
    try (PusherSocket socket = pusher.connect("key1")) {
      assertEquals(2, data(pusher.joined(socket, "presence-lobby", "bob")).getJsonObject("presence").getInteger("count"));
    }
  }

  @Test
  @DisplayName("member_added from push-service reaches the other members, not the joining socket it names")
  void memberAdded() {
    try (PusherSocket ann = pusher.connect("key1"); PusherSocket bob = pusher.connect("key1")) {
      pusher.joined(ann, "presence-lobby", "ann");
      pusher.joined(bob, "presence-lobby", "bob");
      String added = "{\"user_id\":\"bob\",\"user_info\":{\"name\":\"bob\"}}";
      pusher.publish(APP, "presence-lobby", event("presence-lobby", "pusher_internal:member_added", added)
          .put("socket_id", pusher.socketId(bob)));
      assertEquals(added, expectEvent(ann, "pusher_internal:member_added", "presence-lobby").getString("data"));
      expectNothing(bob);
    }
  }

  @Test
  @DisplayName("A cache channel's new subscriber gets the last event right after subscription_succeeded")
  void cacheHit() {
    pusher.cache.put(APP + "/cache-prices", new JsonObject().put("event", "price").put("data", "{\"eur\":1}"));
    try (PusherSocket socket = pusher.connect("key1")) {
      pusher.subscribed(socket, "cache-prices");
      assertEquals("{\"eur\":1}", expectEvent(socket, "price", "cache-prices").getString("data"));
    }
  }

  @Test
  @DisplayName("A cache channel without a last event sends pusher:cache_miss")
  void cacheMiss() {
    try (PusherSocket socket = pusher.connect("key1")) {
      pusher.subscribed(socket, "private-cache-prices");
      expectEvent(socket, "pusher:cache_miss", "private-cache-prices");
    }
  }

  @Test
  @DisplayName("A plain channel's subscriber gets no cache frame")
  void noCacheOnPlainChannel() {
    pusher.cache.put(APP + "/prices", new JsonObject().put("event", "price").put("data", "1"));
    try (PusherSocket socket = pusher.connect("key1")) {
      pusher.subscribed(socket, "prices");
      expectNothing(socket);
      assertFalse(pusher.push.requests(palaver.api.Address.PUSH_CACHE_GET).stream().findAny().isPresent());
    }
  }

  @Test
  @DisplayName("A subscriber that stops reading is closed with 4100 once its outbound queue is full, not buffered without end")
  void slowConsumerClosed() throws InterruptedException {
    try (PusherUnderTest small = new PusherUnderTest(new JsonObject().put("wsOutboundQueueBytes", 16 * 1024));
        PusherSocket socket = small.connect("key1")) {
      small.subscribed(socket, "firehose");
      socket.pause();
      String data = "x".repeat(4_000);
      for (int i = 0; i < 5_000; i++) {
        small.publish(APP, "firehose", event("firehose", "drop", data));
      }
      Thread.sleep(2_000); // the gateway writes what it can while nothing is read
      socket.resume();
      assertEquals(4100, socket.closeCode());
    }
  }

  @Test
  @DisplayName("An event that reaches a channel while its subscription is being set up arrives right after subscription_succeeded")
  void heldDuringSetup() throws InterruptedException {
    try (PusherSocket socket = pusher.connect("key1")) {
      String channelData = "{\"user_id\":\"bob\"}";
      socket.send(subscribe("presence-slow", pusher.presenceAuth(socket, "presence-slow", channelData), channelData));
      Thread.sleep(PusherUnderTest.SLOW_MS / 2);
      pusher.publish(APP, "presence-slow", event("presence-slow", "early", "1"));
      expectEvent(socket, "pusher_internal:subscription_succeeded", "presence-slow");
      assertEquals("1", expectEvent(socket, "early", "presence-slow").getString("data"));
    }
  }

  @Test
  @DisplayName("An unsubscribe while the subscription is being set up cancels it: no subscription_succeeded, no join")
  void cancelledDuringSetup() throws InterruptedException {
    try (PusherSocket socket = pusher.connect("key1")) {
      String channelData = "{\"user_id\":\"bob\"}";
      socket.send(subscribe("presence-slow", pusher.presenceAuth(socket, "presence-slow", channelData), channelData));
      socket.send(new JsonObject().put("event", "pusher:unsubscribe")
          .put("data", new JsonObject().put("channel", "presence-slow")));
      JsonObject frame = socket.poll(PusherUnderTest.SLOW_MS * 2);
      assertNull(frame, () -> "expected nothing, got " + frame.encode());
      assertFalse(pusher.reports.stream().anyMatch(r -> r.getValue("joined") != null), pusher.reports.toString());
    }
  }
}
