package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Field;

/** Call signalling over {@code /ws} (docs/protocol.md "Calls"): relayed only within a private session, checked first. */
@DisplayName("Call signals over the client WebSocket")
class CallSignallingTest {
  private static final String ROMEO = GatewayUnderTest.ROMEO;
  private static final String JULIET = GatewayUnderTest.JULIET;
  private static final String PRIVATE = GatewayUnderTest.PRIVATE_SID;
  /** How long a socket is watched for a frame that must not come. */
  private static final long QUIET_MS = 300;
  private static GatewayUnderTest gateway;

  @BeforeAll
  static void start() {
    gateway = new GatewayUnderTest();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static JsonObject call(String sid, String callId, String signal) {
    return new JsonObject().put(Field.TYPE, "call").put(Field.SID, sid).put(Field.CALL_ID, callId).put(Field.SIGNAL, signal);
  }

  /** What the peer's sockets get for {@code signal} of {@code callId} sent by {@code from} in the private session. */
  private static JsonObject relayed(String from, String callId, String signal) {
    return call(PRIVATE, callId, signal).put(Field.FROM, from);
  }

  @Test
  @DisplayName("A ring in a private session reaches the other member as a call frame naming the caller, and the caller gets ok")
  void ringReachesPeer() {
    try (TestSocket romeo = gateway.socketOf(ROMEO); TestSocket juliet = gateway.socketOf(JULIET)) {
      romeo.send(call(PRIVATE, "c-ring", "ring").put(Field.VIDEO, true).put(Field.RID, "r1"));
      assertEquals(new JsonObject().put(Field.TYPE, "ok").put(Field.RID, "r1"), romeo.next());
      assertEquals(relayed(ROMEO, "c-ring", "ring").put(Field.VIDEO, true), juliet.next());
    }
  }

  @Test
  @DisplayName("An offer's SDP reaches the other member unchanged")
  void offerCarriesSdp() {
    String sdp = "v=0\r\no=- 46117317 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    try (TestSocket romeo = gateway.socketOf(ROMEO); TestSocket juliet = gateway.socketOf(JULIET)) {
      romeo.send(call(PRIVATE, "c-offer", "offer").put(Field.SDP, sdp));
      assertEquals(relayed(ROMEO, "c-offer", "offer").put(Field.SDP, sdp), juliet.next());
    }
  }

  @Test
  @DisplayName("An ICE candidate is relayed with the RTCIceCandidateInit fields only; anything else the client added is dropped")
  void iceCandidateWhitelisted() {
    JsonObject candidate = new JsonObject().put(Field.CANDIDATE, "candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host")
        .put(Field.SDP_MID, "0").put(Field.SDP_M_LINE_INDEX, 0);
    try (TestSocket romeo = gateway.socketOf(ROMEO); TestSocket juliet = gateway.socketOf(JULIET)) {
      romeo.send(call(PRIVATE, "c-ice", "ice").put(Field.CANDIDATE, candidate.copy().put("extra", "dropped"))
          .put("unknown", "dropped too"));
      assertEquals(relayed(ROMEO, "c-ice", "ice").put(Field.CANDIDATE, candidate.put(Field.SDP_M_LINE_INDEX, 0L)),
          juliet.next());
    }
  }

  @Test
  @DisplayName("An accept also reaches the callee's own other sockets, so their other devices stop ringing")
  void acceptReachesOwnDevices() {
    try (TestSocket romeo = gateway.socketOf(ROMEO); TestSocket phone = gateway.socketOf(JULIET);
        TestSocket laptop = gateway.socketOf(JULIET)) {
      phone.send(call(PRIVATE, "c-accept", "accept"));
      assertEquals(relayed(JULIET, "c-accept", "accept"), romeo.next());
      assertEquals(relayed(JULIET, "c-accept", "accept"), laptop.next());
    }
  }

  @Test
  @DisplayName("A hang-up reaches only the other member, not the sender's own sockets")
  void hangupOnlyToPeer() {
    try (TestSocket romeo = gateway.socketOf(ROMEO); TestSocket otherRomeo = gateway.socketOf(ROMEO);
        TestSocket juliet = gateway.socketOf(JULIET)) {
      romeo.send(call(PRIVATE, "c-hangup", "hangup"));
      assertEquals(relayed(ROMEO, "c-hangup", "hangup"), juliet.next());
      assertNull(otherRomeo.poll(QUIET_MS));
    }
  }

  @Test
  @DisplayName("A call in a group session is refused as forbidden and no member gets anything")
  void groupSessionForbidden() {
    try (TestSocket romeo = gateway.socketOf(ROMEO); TestSocket juliet = gateway.socketOf(JULIET);
        TestSocket mercutio = gateway.socketOf(GatewayUnderTest.MERCUTIO)) {
      romeo.send(call(GatewayUnderTest.GROUP_SID, "c-group", "ring").put(Field.RID, "g"));
      assertError(romeo.next(), "g", "forbidden");
      assertNothingRelayedTo(romeo, juliet);
      assertNull(mercutio.poll(QUIET_MS));
    }
  }

  @Test
  @DisplayName("A call in a session the sender is not a member of is refused as forbidden and nothing is relayed")
  void nonMemberForbidden() {
    try (TestSocket mercutio = gateway.socketOf(GatewayUnderTest.MERCUTIO); TestSocket juliet = gateway.socketOf(JULIET)) {
      mercutio.send(call(PRIVATE, "c-intruder", "ring").put(Field.RID, "n"));
      assertError(mercutio.next(), "n", "forbidden");
      assertNull(juliet.poll(QUIET_MS));
    }
  }

  @Test
  @DisplayName("A ring between users who block each other is refused as forbidden and nothing is relayed")
  void blockedPairForbidden() {
    try (TestSocket tybalt = gateway.socketOf(GatewayUnderTest.TYBALT); TestSocket romeo = gateway.socketOf(ROMEO)) {
      tybalt.send(call(GatewayUnderTest.BLOCKED_SID, "c-blocked", "ring").put(Field.RID, "b"));
      assertError(tybalt.next(), "b", "forbidden");
      assertNull(romeo.poll(QUIET_MS));
    }
  }

  @Test
  @DisplayName("An SDP over 32 KiB is refused as too_large and nothing is relayed")
  void oversizedSdpRefused() {
    try (TestSocket romeo = gateway.socketOf(ROMEO); TestSocket juliet = gateway.socketOf(JULIET)) {
      romeo.send(call(PRIVATE, "c-big", "offer").put(Field.SDP, "a".repeat(CallSignal.MAX_SDP + 1)).put(Field.RID, "big"));
      assertError(romeo.next(), "big", "too_large");
      assertNothingRelayedTo(romeo, juliet);
    }
  }

  @Test
  @DisplayName("A call frame without a callId is refused as invalid and nothing is relayed")
  void missingCallIdInvalid() {
    try (TestSocket romeo = gateway.socketOf(ROMEO); TestSocket juliet = gateway.socketOf(JULIET)) {
      JsonObject frame = call(PRIVATE, "x", "ring").put(Field.RID, "m");
      frame.remove(Field.CALL_ID);
      romeo.send(frame);
      assertError(romeo.next(), "m", "invalid");
      assertNothingRelayedTo(romeo, juliet);
    }
  }

  @Test
  @DisplayName("An offer without an SDP is refused as invalid and nothing is relayed")
  void offerWithoutSdpInvalid() {
    try (TestSocket romeo = gateway.socketOf(ROMEO); TestSocket juliet = gateway.socketOf(JULIET)) {
      romeo.send(call(PRIVATE, "c-nosdp", "offer").put(Field.RID, "s"));
      assertError(romeo.next(), "s", "invalid");
      assertNothingRelayedTo(romeo, juliet);
    }
  }

  @Test
  @DisplayName("An unknown signal is refused as invalid and nothing is relayed")
  void unknownSignalInvalid() {
    try (TestSocket romeo = gateway.socketOf(ROMEO); TestSocket juliet = gateway.socketOf(JULIET)) {
      romeo.send(call(PRIVATE, "c-odd", "transfer").put(Field.RID, "u"));
      assertError(romeo.next(), "u", "invalid");
      assertNothingRelayedTo(romeo, juliet);
    }
  }

  @Test
  @DisplayName("A private session joined after the socket connected is looked up once, then its signals are relayed")
  void laterPrivateSessionLookedUp() {
    String later = GatewayUnderTest.LATER_SID;
    try (TestSocket romeo = gateway.socketOf(ROMEO); TestSocket mercutio = gateway.socketOf(GatewayUnderTest.MERCUTIO)) {
      JsonObject added = new JsonObject().put(Field.TYPE, "event").put(Field.EVENT, "session").put(Field.SID, later)
          .put(Field.ACTION, "added");
      gateway.sut.vertx().eventBus().publish(Address.fanoutUser(ROMEO), added);
      assertEquals(added, romeo.next());
      int asked = gateway.sessions.requests(Address.SESSION_GET).size();
      romeo.send(call(later, "c-later", "ring").put(Field.RID, "l1"));
      romeo.send(call(later, "c-later", "hangup").put(Field.RID, "l2"));
      assertEquals("ok", romeo.next().getString(Field.TYPE));
      assertEquals("ok", romeo.next().getString(Field.TYPE));
      assertEquals(call(later, "c-later", "ring").put(Field.FROM, ROMEO).put(Field.VIDEO, false), mercutio.next());
      assertEquals(call(later, "c-later", "hangup").put(Field.FROM, ROMEO), mercutio.next());
      assertEquals(asked + 1, gateway.sessions.requests(Address.SESSION_GET).size());
    }
  }

  private static void assertError(JsonObject frame, String rid, String code) {
    assertEquals("error", frame.getString(Field.TYPE), frame.encode());
    assertEquals(rid, frame.getString(Field.RID));
    assertEquals(code, frame.getString(Field.CODE), frame.encode());
  }

  /** The refused frame was not relayed: the next frame Juliet gets is a good one Romeo sent after it. */
  private static void assertNothingRelayedTo(TestSocket romeo, TestSocket juliet) {
    romeo.send(call(PRIVATE, "c-after", "hangup"));
    assertEquals(relayed(ROMEO, "c-after", "hangup"), juliet.next());
  }
}
