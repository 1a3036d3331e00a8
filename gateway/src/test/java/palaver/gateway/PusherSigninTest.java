package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static palaver.gateway.PusherUnderTest.APP;
import static palaver.gateway.PusherUnderTest.data;
import static palaver.gateway.PusherUnderTest.expectEvent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.PushNames;

/** pusher:signin, and what then reaches the signed-in user: events, stored pushes, terminate_connections. */
class PusherSigninTest {
  private static final String USER_DATA = "{\"id\":\"u1\",\"user_info\":{\"name\":\"Ann\"}}";
  private final PusherUnderTest pusher = new PusherUnderTest();

  @AfterEach
  void stop() {
    pusher.close();
  }

  private JsonObject signin(PusherSocket socket, String userData, String auth) {
    return new JsonObject().put("event", "pusher:signin")
        .put("data", new JsonObject().put("auth", auth).put("user_data", userData));
  }

  private String auth(PusherSocket socket, String userData) {
    return PusherUnderTest.KEY + ":" + PusherUnderTest.sign(PusherUnderTest.SECRET,
        pusher.socketId(socket) + "::user::" + userData);
  }

  /** Signs in as u1 and reads signin_success. */
  private void signedIn(PusherSocket socket) {
    socket.send(signin(socket, USER_DATA, auth(socket, USER_DATA)));
    JsonObject frame = socket.next();
    assertEquals("pusher:signin_success", frame.getString("event"), frame.encode());
  }

  private static void refused4009(PusherSocket socket) {
    JsonObject error = socket.next();
    assertEquals("pusher:error", error.getString("event"), error.encode());
    assertEquals(4009, error.getJsonObject("data").getInteger("code"));
    assertEquals(4009, socket.closeCode());
  }

  @Test
  @DisplayName("A valid signin gets pusher:signin_success with the user_data as sent")
  void signinSuccess() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.send(signin(socket, USER_DATA, auth(socket, USER_DATA)));
      JsonObject frame = socket.next();
      assertEquals("pusher:signin_success", frame.getString("event"));
      assertEquals(USER_DATA, frame.getJsonObject("data").getString("user_data"));
    }
  }

  @Test
  @DisplayName("A signin with a wrong signature gets pusher:error 4009 and close 4009")
  void wrongSignature() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.send(signin(socket, USER_DATA, auth(socket, "{\"id\":\"someone-else\"}")));
      refused4009(socket);
    }
  }

  @Test
  @DisplayName("A signed user_data without an id is refused with 4009")
  void userDataWithoutId() {
    try (PusherSocket socket = pusher.connect("key1")) {
      String userData = "{\"name\":\"Ann\"}";
      socket.send(signin(socket, userData, auth(socket, userData)));
      refused4009(socket);
    }
  }

  @Test
  @DisplayName("After signin, subscribing to the user's own #server-to-user channel succeeds")
  void ownServerToUser() {
    try (PusherSocket socket = pusher.connect("key1")) {
      signedIn(socket);
      socket.send(PusherUnderTest.subscribe("#server-to-user-u1"));
      expectEvent(socket, "pusher_internal:subscription_succeeded", "#server-to-user-u1");
    }
  }

  @Test
  @DisplayName("Another user's #server-to-user channel is refused")
  void otherServerToUser() {
    try (PusherSocket socket = pusher.connect("key1")) {
      signedIn(socket);
      socket.send(PusherUnderTest.subscribe("#server-to-user-u2"));
      assertEquals("AuthError", data(expectEvent(socket, "pusher:subscription_error", "#server-to-user-u2"))
          .getString("type"));
    }
  }

  @Test
  @DisplayName("An event on the app user's fan-out reaches the signed-in socket on #server-to-user-<id>")
  void userEvent() {
    try (PusherSocket socket = pusher.connect("key1")) {
      signedIn(socket);
      pusher.sut.vertx().eventBus().publish(Address.fanoutAppUser(APP, "u1"),
          new JsonObject().put("event", "notice").put("data", "{\"n\":1}"));
      assertEquals("{\"n\":1}", expectEvent(socket, "notice", "#server-to-user-u1").getString("data"));
    }
  }

  @Test
  @DisplayName("A push stored in the user's inbox reaches the signed-in socket as {event, channel, data}")
  void inboxPush() {
    try (PusherSocket socket = pusher.connect("key1")) {
      signedIn(socket);
      pusher.sut.vertx().eventBus().publish(Address.fanoutInbox(PushNames.inbox(APP, "u1")), new JsonObject()
          .put("sid", PushNames.inbox(APP, "u1")).put("seq", 1).put("msgId", "m1").put("at", 1L)
          .put("content", new JsonObject().put("event", "order").put("data", new JsonObject().put("id", 7))));
      JsonObject frame = expectEvent(socket, "order", "#server-to-user-u1");
      assertEquals("{\"id\":7}", frame.getString("data"));
    }
  }

  @Test
  @DisplayName("Pushes stored before sign-in come right after signin_success, in order, and are then marked delivered")
  void storedPushesAfterSignin() {
    String sid = PushNames.inbox(APP, "u1");
    JsonArray stored = new JsonArray();
    for (int seq = 1; seq <= 2; seq++) {
      stored.add(new JsonObject().put("sid", sid).put("seq", seq).put("msgId", "m" + seq).put("at", 1L)
          .put("content", new JsonObject().put("event", "while-away").put("data", "{\"n\":" + seq + "}")));
    }
    pusher.inboxes.put(sid, stored);
    try (PusherSocket socket = pusher.connect("key1")) {
      signedIn(socket);
      assertEquals("{\"n\":1}", expectEvent(socket, "while-away", "#server-to-user-u1").getString("data"));
      assertEquals("{\"n\":2}", expectEvent(socket, "while-away", "#server-to-user-u1").getString("data"));
      palaver.testing.Await.until("the delivered mark reaches seq 2", 5_000,
          () -> pusher.messages.requests(Address.MESSAGE_PUSH_DELIVERED).stream()
              .anyMatch(r -> sid.equals(r.getString("sid")) && r.getLong("seq") == 2L));
    }
  }

  @Test
  @DisplayName("terminate_connections' {terminate: true} closes the user's socket with 4009")
  void terminate() {
    try (PusherSocket socket = pusher.connect("key1")) {
      signedIn(socket);
      pusher.sut.vertx().eventBus().publish(Address.fanoutAppUser(APP, "u1"), new JsonObject().put("terminate", true));
      refused4009(socket);
    }
  }

  @Test
  @DisplayName("A signed-in socket may join a presence channel without channel_data, as its signed-in user")
  void presenceAsSignedInUser() {
    try (PusherSocket socket = pusher.connect("key1")) {
      signedIn(socket);
      socket.send(PusherUnderTest.subscribe("presence-lobby", pusher.auth(socket, "presence-lobby"), null));
      JsonObject presence = data(expectEvent(socket, "pusher_internal:subscription_succeeded", "presence-lobby"))
          .getJsonObject("presence");
      assertEquals(new JsonArray().add("u1"), presence.getJsonArray("ids"));
      assertEquals(new JsonObject().put("name", "Ann"), presence.getJsonObject("hash").getJsonObject("u1"));
    }
  }

  @Test
  @DisplayName("Without signin, a presence subscription without channel_data is refused")
  void presenceWithoutChannelData() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.send(PusherUnderTest.subscribe("presence-lobby", pusher.auth(socket, "presence-lobby"), null));
      assertEquals("AuthError", data(expectEvent(socket, "pusher:subscription_error", "presence-lobby"))
          .getString("type"));
    }
  }

  @Test
  @DisplayName("A second signin on a signed-in socket gets a pusher:error and leaves the first in place")
  void secondSignin() {
    try (PusherSocket socket = pusher.connect("key1")) {
      signedIn(socket);
      String other = "{\"id\":\"u2\"}";
      socket.send(signin(socket, other, auth(socket, other)));
      JsonObject error = socket.next();
      assertEquals("pusher:error", error.getString("event"), error.encode());
      socket.send(PusherUnderTest.subscribe("#server-to-user-u1"));
      expectEvent(socket, "pusher_internal:subscription_succeeded", "#server-to-user-u1");
    }
  }
}
