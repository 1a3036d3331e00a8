package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.CloseCode;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Frames;
import palaver.testing.Await;

/** The WebSocket endpoint over a real socket, with the services as fakes. */
class ClientSocketTest {
  private static GatewayUnderTest gateway;

  @BeforeAll
  static void start() {
    gateway = new GatewayUnderTest();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static JsonObject sendFrame(String cid) {
    return new JsonObject().put(Field.TYPE, "send").put(Field.RID, "r-" + cid).put(Field.SID, GatewayUnderTest.SID)
        .put(Field.CID, cid).put(Field.MSG_TYPE, "text").put(Field.CONTENT, "hello");
  }

  @Test
  @DisplayName("An auth frame with a good token is answered with ready, the user's uid and each session's positions")
  void authGivesReady() {
    try (TestSocket socket = TestSocket.open(gateway.sut.vertx(), gateway.port())) {
      JsonObject ready = socket.auth(GatewayUnderTest.token("alice"));
      assertEquals(new JsonObject().put(Field.TYPE, "ready").put(Field.UID, "alice").put(Field.SESSIONS, new JsonArray()
          .add(new JsonObject().put(Field.SID, GatewayUnderTest.SID).put(Field.LAST_SEQ, 3L).put(Field.READ_SEQ, 1L)))
          .put(Field.ICE_SERVERS, new JsonArray()), ready);
    }
  }

  @Test
  @DisplayName("An auth frame with a bad token is answered with an unauthenticated error, then the socket is closed with 4401")
  void badTokenCloses4401() {
    try (TestSocket socket = TestSocket.open(gateway.sut.vertx(), gateway.port())) {
      JsonObject error = socket.auth("not-a-token");
      assertEquals("error", error.getString(Field.TYPE));
      assertEquals("unauthenticated", error.getString(Field.CODE));
      assertEquals(CloseCode.UNAUTHENTICATED.code(), socket.closeCode());
    }
  }

  @Test
  @DisplayName("A request frame before auth is answered with an unauthenticated error echoing its rid")
  void requestBeforeAuthIsRefused() {
    try (TestSocket socket = TestSocket.open(gateway.sut.vertx(), gateway.port())) {
      socket.send(sendFrame("before-auth"));
      assertEquals(Frames.error("r-before-auth", ErrorCode.UNAUTHENTICATED, "send an auth frame first"),
          socket.next());
    }
  }

  @Test
  @DisplayName("A send frame reaches message-service with only the whitelisted fields and the caller's uid")
  void sendReachesMessageService() {
    try (TestSocket socket = gateway.socketOf("alice")) {
      socket.send(sendFrame("ws-1").put("extra", "dropped").put(Field.UID, "mallory"));
      socket.next();
      assertEquals(new JsonObject().put(Field.UID, "alice").put(Field.SID, GatewayUnderTest.SID).put(Field.CID, "ws-1")
          .put(Field.MSG_TYPE, "text").put(Field.CONTENT, "hello").put(Field.WAIT_MS, Retrying.ATTEMPT_TIMEOUT_MS),
          gateway.sendRequest("ws-1"));
    }
  }

  @Test
  @DisplayName("The ack of a send frame echoes its rid and carries message-service's answer")
  void ackEchoesRid() {
    try (TestSocket socket = gateway.socketOf("alice")) {
      socket.send(sendFrame("ws-2"));
      assertEquals(new JsonObject().put(Field.TYPE, "ack").put(Field.RID, "r-ws-2").put(Field.SID, GatewayUnderTest.SID)
          .put(Field.CID, "ws-2").put(Field.ID, "m-ws-2").put(Field.SEQ, 4L).put(Field.AT, 1_000L), socket.next());
    }
  }

  @Test
  @DisplayName("A send frame with a content that is not a string is answered with invalid and never reaches message-service")
  void wrongTypeIsInvalid() {
    try (TestSocket socket = gateway.socketOf("alice")) {
      socket.send(sendFrame("ws-3").put(Field.CONTENT, new JsonObject().put("text", "hi")));
      JsonObject error = socket.next();
      assertEquals("invalid", error.getString(Field.CODE));
      assertEquals("r-ws-3", error.getValue(Field.RID));
      assertTrue(gateway.messages.requests(Address.MESSAGE_SEND).stream().noneMatch(r -> "ws-3".equals(r.getValue(Field.CID))));
    }
  }

  @Test
  @DisplayName("A failure code from message-service becomes an error frame with that code, echoing the rid")
  void serviceFailureBecomesErrorFrame() {
    try (TestSocket socket = gateway.socketOf("alice")) {
      socket.send(sendFrame("ws-4").put(Field.SID, GatewayUnderTest.CLOSED_SID));
      JsonObject error = socket.next();
      assertEquals("error", error.getString(Field.TYPE));
      assertEquals("forbidden", error.getString(Field.CODE));
      assertEquals("r-ws-4", error.getValue(Field.RID));
    }
  }

  @Test
  @DisplayName("A ping frame is answered with a pong echoing its rid")
  void pingGivesPong() {
    try (TestSocket socket = gateway.socketOf("alice")) {
      socket.send(new JsonObject().put(Field.TYPE, "ping").put(Field.RID, 7));
      assertEquals(new JsonObject().put(Field.TYPE, "pong").put(Field.RID, 7), socket.next());
    }
  }

  @Test
  @DisplayName("A read frame reaches session-service with the sid and seq and is answered with ok")
  void readIsAnsweredOk() {
    try (TestSocket socket = gateway.socketOf("bob")) {
      socket.send(new JsonObject().put(Field.TYPE, "read").put(Field.RID, "r").put(Field.SID, GatewayUnderTest.SID)
          .put(Field.SEQ, 3));
      assertEquals(new JsonObject().put(Field.TYPE, "ok").put(Field.RID, "r").put(Field.SID, GatewayUnderTest.SID)
          .put(Field.READ_SEQ, 3L), socket.next());
      assertTrue(gateway.sessions.requests(Address.SESSION_READ).contains(new JsonObject().put(Field.UID, "bob")
          .put(Field.SID, GatewayUnderTest.SID).put(Field.SEQ, 3)));
    }
  }

  @Test
  @DisplayName("A sync frame is answered with the missed message frames, then synced listing more and forbidden sessions")
  void syncGivesMessagesThenSynced() {
    try (TestSocket socket = gateway.socketOf("gina")) {
      socket.send(new JsonObject().put(Field.TYPE, "sync").put(Field.RID, "r")
          .put(Field.POSITIONS, new JsonObject().put(GatewayUnderTest.SID, 2)));
      assertEquals(GatewayUnderTest.MISSED, socket.next());
      assertEquals(new JsonObject().put(Field.TYPE, "synced").put(Field.RID, "r")
          .put(Field.MORE, new JsonArray().add(GatewayUnderTest.SID))
          .put(Field.FORBIDDEN, new JsonArray().add(GatewayUnderTest.CLOSED_SID)), socket.next());
    }
  }

  @Test
  @DisplayName("A sync frame reaches message-service with the caller's uid and a copy of the positions")
  void syncRequest() {
    try (TestSocket socket = gateway.socketOf("hana")) {
      socket.send(new JsonObject().put(Field.TYPE, "sync").put(Field.POSITIONS, new JsonObject().put("s9", 5)));
      socket.next();
      assertTrue(gateway.messages.requests(Address.MESSAGE_SYNC).contains(new JsonObject().put(Field.UID, "hana")
          .put(Field.POSITIONS, new JsonObject().put("s9", 5))));
    }
  }

  @Test
  @DisplayName("A presence frame reaches user-service with the caller's uid and state and is answered with ok")
  void presenceIsAnsweredOk() {
    try (TestSocket socket = gateway.socketOf("ivan")) {
      socket.send(new JsonObject().put(Field.TYPE, "presence").put(Field.RID, "r").put(Field.STATE, "away"));
      assertEquals(new JsonObject().put(Field.TYPE, "ok").put(Field.RID, "r").put(Field.STATE, "away"), socket.next());
      assertTrue(gateway.users.requests(Address.USER_PRESENCE).contains(new JsonObject().put(Field.UID, "ivan")
          .put(Field.STATE, "away")));
    }
  }

  @Test
  @DisplayName("A typing frame reaches the session's members (the typist too) as a typing event with the typist's uid")
  void typingReachesMembers() {
    try (TestSocket socket = gateway.socketOf("judy")) {
      socket.send(new JsonObject().put(Field.TYPE, "typing").put(Field.SID, GatewayUnderTest.SID));
      assertEquals(Frames.sessionEvent("typing", GatewayUnderTest.SID).put(Field.UID, "judy"), socket.next());
    }
  }

  @Test
  @DisplayName("A typing frame for a session the user is not in is answered with forbidden")
  void typingOutsideIsForbidden() {
    try (TestSocket socket = gateway.socketOf("kim")) {
      socket.send(new JsonObject().put(Field.TYPE, "typing").put(Field.RID, "r").put(Field.SID, "elsewhere"));
      assertEquals(Frames.error("r", ErrorCode.FORBIDDEN, "not a member of this session"), socket.next());
    }
  }

  @Test
  @DisplayName("A frame published on a session's fan-out address reaches a member's socket as it was published")
  void fanoutReachesMember() {
    try (TestSocket socket = gateway.socketOf("carol")) {
      JsonObject frame = Frames.sessionEvent("typing", GatewayUnderTest.SID).put(Field.UID, "dave");
      gateway.sut.vertx().eventBus().publish(Address.fanoutSession(GatewayUnderTest.SID), frame);
      assertEquals(frame, socket.next());
    }
  }

  @Test
  @DisplayName("A WebSocket opened from an Origin that is neither the gateway's own nor configured is refused with 403")
  void disallowedOriginIsRefused() {
    Throwable refused = Await.failure(TestSocket.connect(gateway.sut.vertx(), gateway.port(), "http://evil.example"));
    assertEquals(403, assertInstanceOf(UpgradeRejectedException.class, refused).getStatus());
  }

  @Test
  @DisplayName("A WebSocket opened from the gateway's own origin is accepted")
  void ownOriginIsAccepted() {
    try (TestSocket socket = Await.result(TestSocket.connect(gateway.sut.vertx(), gateway.port(),
        "http://127.0.0.1:" + gateway.port()))) {
      assertEquals("ready", socket.auth(GatewayUnderTest.token("erin")).getString(Field.TYPE));
    }
  }

  @Test
  @DisplayName("A message sent in fragments that add up to more than the message limit closes the socket with 1009")
  void fragmentedOversizedMessageCloses1009() {
    try (TestSocket socket = gateway.socketOf("frank")) {
      socket.sendFragmented("x".repeat(GatewayVerticle.MAX_MESSAGE + 1), GatewayVerticle.MAX_FRAME / 2);
      assertEquals(CloseCode.TOO_LARGE.code(), socket.closeCode());
    }
  }
}
