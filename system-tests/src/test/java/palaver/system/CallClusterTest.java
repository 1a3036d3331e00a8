package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.store.EmbeddedStore;
import palaver.system.Http.User;

/**
 * Call signalling between two clustered nodes (docs/protocol.md "Calls"): node A runs every service,
 * node B only a gateway; the caller is on A, the callee on B, so every signal crosses the event bus
 * to the callee's user fan-out address.
 */
@DisplayName("Call signalling across two clustered nodes")
class CallClusterTest {
  private static EmbeddedStore store;
  private static TestServer a;
  private static TestServer b;

  @BeforeAll
  static void start() {
    store = TestServer.newStore();
    TestCluster cluster = new TestCluster(2);
    a = cluster.start(0, store);
    b = cluster.start(1, store, "gateway");
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    a.close();
    store.close();
  }

  private static JsonObject call(String sid, String callId, String signal) {
    return new JsonObject().put("type", "call").put("sid", sid).put("callId", callId).put("signal", signal);
  }

  private static Predicate<JsonObject> callFrame(String callId, String signal) {
    return f -> "call".equals(f.getString("type")) && callId.equals(f.getString("callId")) && signal.equals(f.getString("signal"));
  }

  private static String privateSession(User caller, User callee) {
    Http.Response created = a.http().createPrivate(caller, callee.uid());
    assertTrue(created.status() == 200 || created.status() == 201, created.text());
    return created.json().getString("sid");
  }

  @Test
  @DisplayName("A ring, the offer, an ICE candidate and the hang-up from a caller on one node reach the callee on the other, in order")
  void signalsCrossNodes() {
    User romeo = a.http().newUser("Romeo");
    User juliet = a.http().newUser("Juliet");
    String sid = privateSession(romeo, juliet);
    try (WsClient caller = a.ws(romeo); WsClient callee = b.ws(juliet)) {
      assertEquals("ok", caller.request(call(sid, "c1", "ring").put("video", true)).getString("type"));
      JsonObject ring = callee.next(callFrame("c1", "ring"));
      assertEquals(romeo.uid(), ring.getString("from"));
      assertEquals(sid, ring.getString("sid"));
      assertEquals(true, ring.getBoolean("video"));

      assertEquals("ok", callee.request(call(sid, "c1", "accept")).getString("type"));
      assertEquals(juliet.uid(), caller.next(callFrame("c1", "accept")).getString("from"));

      caller.send(call(sid, "c1", "offer").put("sdp", "v=0\r\n"));
      caller.send(call(sid, "c1", "ice").put("candidate", new JsonObject().put("candidate", "candidate:1 1 udp 1 192.0.2.1 9 typ host")));
      caller.send(call(sid, "c1", "hangup"));
      // (The callee's own accept comes back to it too, for its other devices: only the caller's signals here.)
      Predicate<JsonObject> ofCall = f -> "call".equals(f.getString("type")) && "c1".equals(f.getString("callId"))
          && romeo.uid().equals(f.getString("from"));
      callee.next(callFrame("c1", "accept"));
      JsonObject offer = callee.next(ofCall);
      assertEquals("offer", offer.getString("signal"));
      assertEquals("v=0\r\n", offer.getString("sdp"));
      assertEquals("ice", callee.next(ofCall).getString("signal"));
      assertEquals("hangup", callee.next(ofCall).getString("signal"));
    }
  }

  @Test
  @DisplayName("A call in a group is refused as forbidden on either node and no member gets a call frame")
  void groupRefusedAcrossNodes() {
    User romeo = a.http().newUser("Romeo");
    User juliet = a.http().newUser("Juliet");
    String group = a.http().newGroup(romeo, "Verona", juliet);
    try (WsClient caller = b.ws(romeo); WsClient member = a.ws(juliet)) {
      JsonObject refused = caller.request(call(group, "g1", "ring"));
      assertEquals("error", refused.getString("type"), refused.encode());
      assertEquals("forbidden", refused.getString("code"));
      member.drain();
      assertTrue(member.received(f -> "call".equals(f.getString("type"))).isEmpty());
    }
  }
}
