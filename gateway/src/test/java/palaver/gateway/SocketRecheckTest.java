package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.CloseCode;
import palaver.api.Field;
import palaver.runtime.ClusterTopology;
import palaver.runtime.Setting;
import palaver.testing.Await;

/**
 * A connected socket asks again whether its token and memberships still hold once the cluster's topology
 * changed (a split brain healing): a revocation or removal announced where this gateway could not hear it
 * must not leave the old socket working (issue 20, item 5).
 */
class SocketRecheckTest {
  private static GatewayUnderTest gateway;

  @BeforeAll
  static void start() {
    gateway = new GatewayUnderTest(new JsonObject().put(Setting.WS_TYPING_INTERVAL_MS.key(), 0));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static void topologyChanged(String event) {
    gateway.sut.vertx().eventBus().publish(Address.CLUSTER_TOPOLOGY,
        new JsonObject().put(Field.EVENT, event).put(Field.MEMBER, "127.0.0.1:5702"), new DeliveryOptions().setLocalOnly(true));
  }

  @Test
  @DisplayName("After a topology change, a socket whose token was revoked meanwhile (logout lost) is closed with 4401")
  void revokedTokenClosedAfterTopologyChange() {
    try (TestSocket socket = gateway.socketOf("victim")) {
      gateway.revoked.add("victim");
      topologyChanged(ClusterTopology.MEMBER_ADDED);
      assertEquals(CloseCode.UNAUTHENTICATED.code(), socket.closeCode());
    }
  }

  @Test
  @DisplayName("After a topology change, a socket drops a session the user was removed from meanwhile")
  void removedSessionDroppedAfterTopologyChange() {
    try (TestSocket socket = gateway.socketOf("removed")) {
      long listsBefore = sessionLists("removed");
      gateway.removed.add("removed");
      topologyChanged(ClusterTopology.MEMBER_REMOVED);
      Await.until("the memberships re-read", 10_000, () -> sessionLists("removed") > listsBefore);
      Await.until("typing into the session refused", 10_000, () -> typingRefused(socket));
    }
  }

  @Test
  @DisplayName("A socket whose token still holds stays open and subscribed after a topology change")
  void goodSocketStaysAfterTopologyChange() {
    try (TestSocket socket = gateway.socketOf("keeper")) {
      long checksBefore = tokenChecks("keeper");
      topologyChanged(ClusterTopology.MEMBER_ADDED);
      Await.until("the token re-checked", 10_000, () -> tokenChecks("keeper") > checksBefore);
      assertEquals(false, typingRefused(socket));
    }
  }

  @Test
  @DisplayName("After this node's side of a split brain was merged, its sockets are closed with 1001 to reconnect and resync")
  void mergeClosesWithGoingAway() {
    try (TestSocket socket = gateway.socketOf("merged")) {
      topologyChanged(ClusterTopology.MERGED);
      assertEquals(CloseCode.GOING_AWAY.code(), socket.closeCode());
    }
  }

  @Test
  @DisplayName("Sockets re-check on their own every wsRecheckIntervalMs, with no topology change")
  void periodicRecheck() {
    try (GatewayUnderTest quick = new GatewayUnderTest(new JsonObject().put(Setting.WS_RECHECK_INTERVAL_MS.key(), 200));
        TestSocket socket = quick.socketOf("periodic")) {
      quick.revoked.add("periodic");
      assertEquals(CloseCode.UNAUTHENTICATED.code(), socket.closeCode());
    }
  }

  private static long tokenChecks(String uid) {
    return gateway.users.requests(Address.USER_TOKEN_CHECK).stream().filter(r -> uid.equals(r.getString(Field.UID))).count();
  }

  private static long sessionLists(String uid) {
    return gateway.sessions.requests(Address.SESSION_LIST).stream().filter(r -> uid.equals(r.getString(Field.UID))).count();
  }

  /**
   * Sends typing in the session, then a ping frame; true when the typing frame (it has no rid) was answered
   * with an error before the ping's answer. The ping's answer is whatever echoes its rid: a pong, or a
   * rate_limited error when a slow re-check made the caller poll long enough to spend the socket's bucket.
   */
  private static boolean typingRefused(TestSocket socket) {
    socket.send(new JsonObject().put(Field.TYPE, "typing").put(Field.SID, GatewayUnderTest.SID));
    socket.send(new JsonObject().put(Field.TYPE, "ping").put(Field.RID, "p"));
    boolean refused = false;
    for (JsonObject frame = socket.next(); !"p".equals(frame.getValue(Field.RID)); frame = socket.next()) {
      refused |= "error".equals(frame.getString(Field.TYPE)) && !"rate_limited".equals(frame.getString(Field.CODE));
    }
    return refused;
  }
}
