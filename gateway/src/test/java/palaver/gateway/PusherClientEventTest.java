package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static palaver.gateway.PusherUnderTest.APP;
import static palaver.gateway.PusherUnderTest.expectEvent;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.testing.Await;

/** client-* events: where they may go, who gets them, their limits, and what push-service hears of them. */
class PusherClientEventTest {
  private static final long QUIET_MS = 300;
  private final PusherUnderTest pusher = new PusherUnderTest();

  @AfterEach
  void stop() {
    pusher.close();
  }

  private static JsonObject clientEvent(String channel, Object data) {
    return new JsonObject().put("event", "client-typing").put("channel", channel).put("data", data);
  }

  private static void expectNothing(PusherSocket socket) {
    JsonObject frame = socket.poll(QUIET_MS);
    assertNull(frame, () -> "expected nothing, got " + frame.encode());
  }

  private static void expectError(PusherSocket socket) {
    JsonObject frame = socket.next();
    assertEquals("pusher:error", frame.getString("event"), frame.encode());
  }

  @Test
  @DisplayName("A client event on a private channel reaches the other subscribers with data as a JSON string, not the sender")
  void privateClientEvent() {
    try (PusherSocket sender = pusher.connect("key1"); PusherSocket other = pusher.connect("key1")) {
      pusher.subscribed(sender, "private-room");
      pusher.subscribed(other, "private-room");
      sender.send(clientEvent("private-room", new JsonObject().put("typing", true)));
      JsonObject frame = expectEvent(other, "client-typing", "private-room");
      assertEquals("{\"typing\":true}", frame.getString("data"));
      assertNull(frame.getValue("user_id"));
      expectNothing(sender);
    }
  }

  @Test
  @DisplayName("A client event on a presence channel carries the sender's user_id")
  void presenceClientEvent() {
    try (PusherSocket sender = pusher.connect("key1"); PusherSocket other = pusher.connect("key1")) {
      pusher.joined(sender, "presence-lobby", "ann");
      pusher.joined(other, "presence-lobby", "bob");
      sender.send(clientEvent("presence-lobby", "hello"));
      JsonObject frame = expectEvent(other, "client-typing", "presence-lobby");
      assertEquals("hello", frame.getString("data"));
      assertEquals("ann", frame.getString("user_id"));
    }
  }

  @Test
  @DisplayName("A client event on a public channel is refused and reaches no one")
  void publicRefused() {
    try (PusherSocket sender = pusher.connect("key1"); PusherSocket other = pusher.connect("key1")) {
      pusher.subscribed(sender, "news");
      pusher.subscribed(other, "news");
      sender.send(clientEvent("news", "x"));
      expectError(sender);
      expectNothing(other);
    }
  }

  @Test
  @DisplayName("A client event on an encrypted channel is refused")
  void encryptedRefused() {
    try (PusherSocket sender = pusher.connect("key1")) {
      pusher.subscribed(sender, "private-encrypted-vault");
      sender.send(clientEvent("private-encrypted-vault", "x"));
      expectError(sender);
    }
  }

  @Test
  @DisplayName("A client event on a channel the socket is not subscribed to is refused")
  void notSubscribedRefused() {
    try (PusherSocket sender = pusher.connect("key1"); PusherSocket other = pusher.connect("key1")) {
      pusher.subscribed(other, "private-room");
      sender.send(clientEvent("private-room", "x"));
      expectError(sender);
      expectNothing(other);
    }
  }

  @Test
  @DisplayName("An app without enableClientMessages refuses client events")
  void appOptIn() {
    try (PusherSocket sender = pusher.connect("key2"); PusherSocket other = pusher.connect("key2")) {
      for (PusherSocket s : new PusherSocket[] {sender, other}) {
        String auth = "key2:" + PusherUnderTest.sign(PusherUnderTest.OTHER_SECRET, pusher.socketId(s) + ":private-room");
        s.send(PusherUnderTest.subscribe("private-room", auth, null));
        expectEvent(s, "pusher_internal:subscription_succeeded", "private-room");
      }
      sender.send(clientEvent("private-room", "x"));
      expectError(sender);
      expectNothing(other);
    }
  }

  @Test
  @DisplayName("Data over the app's maxEventBytes is refused and reaches no one")
  void tooLarge() {
    try (PusherSocket sender = pusher.connect("key1"); PusherSocket other = pusher.connect("key1")) {
      pusher.subscribed(sender, "private-room");
      pusher.subscribed(other, "private-room");
      sender.send(clientEvent("private-room", "x".repeat(PusherUnderTest.MAX_EVENT_BYTES + 1)));
      expectError(sender);
      expectNothing(other);
    }
  }

  @Test
  @DisplayName("More client events per second than the app allows close the socket with 4301")
  void rateLimited() {
    try (PusherSocket sender = pusher.connect("key1")) {
      pusher.subscribed(sender, "private-room");
      for (int i = 0; i <= PusherUnderTest.CLIENT_EVENTS_PER_SECOND * 2
          && sender.whileOpen(() -> sender.send(clientEvent("private-room", "x"))); i++) {
        // the server closes the socket somewhere in here
      }
      assertEquals(4301, sender.closeCode());
    }
  }

  @Test
  @DisplayName("A client event becomes a client_event webhook for an app whose webhook wants it")
  void webhook() {
    try (PusherSocket sender = pusher.connect("key1")) {
      pusher.joined(sender, "presence-lobby", "ann");
      sender.send(clientEvent("presence-lobby", "hi"));
      Await.until("the webhook request", 5_000, () -> !pusher.push.requests(Address.PUSH_WEBHOOK).isEmpty());
      JsonObject request = pusher.push.requests(Address.PUSH_WEBHOOK).get(0);
      assertEquals(APP, request.getString("app"));
      assertEquals(new JsonObject().put("name", "client_event").put("channel", "presence-lobby")
          .put("event", "client-typing").put("data", "hi").put("socket_id", pusher.socketId(sender))
          .put("user_id", "ann"), request.getJsonArray("events").getJsonObject(0));
    }
  }

  @Test
  @DisplayName("A client event on a cache channel is kept as its last event")
  void cachePut() {
    try (PusherSocket sender = pusher.connect("key1")) {
      pusher.subscribed(sender, "private-cache-room");
      expectEvent(sender, "pusher:cache_miss", "private-cache-room");
      sender.send(clientEvent("private-cache-room", "hi"));
      Await.until("the cache put", 5_000, () -> !pusher.push.requests(Address.PUSH_CACHE_PUT).isEmpty());
      assertEquals(new JsonObject().put("app", APP).put("channel", "private-cache-room").put("event", "client-typing")
          .put("data", "hi"), pusher.push.requests(Address.PUSH_CACHE_PUT).get(0));
    }
  }

  @Test
  @DisplayName("A client event without a channel gets a pusher:error")
  void withoutChannel() {
    try (PusherSocket sender = pusher.connect("key1")) {
      sender.send(new JsonObject().put("event", "client-x").put("data", "y"));
      expectError(sender);
      assertTrue(pusher.push.requests(Address.PUSH_WEBHOOK).isEmpty());
    }
  }
}
