package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.store.EmbeddedStore;
import palaver.system.Http.Response;
import palaver.system.Http.User;
import palaver.testing.Await;

/**
 * Two clustered nodes, each with its own session-service instance (and so
 * its own membership cache) and gateway; message-service runs on node A only,
 * so every send checks membership with A's session-service, while changes
 * made through node B are written by B's.
 */
@DisplayName("Membership changes across two clustered nodes")
class MembershipClusterTest {
  private static EmbeddedStore store;
  private static TestServer a;
  private static TestServer b;

  @BeforeAll
  static void start() {
    store = TestServer.newStore();
    TestCluster cluster = new TestCluster(2);
    a = cluster.start(0, store, "user-service", "session-service", "message-service", "gateway");
    b = cluster.start(1, store, "session-service", "gateway");
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
    store.close();
  }

  @Test
  @DisplayName("A member removed through node B gets nothing further on either node and is refused at once by node A")
  void removedMemberAcrossNodes() {
    User owner = a.http().newUser("Owner");
    User gone = a.http().newUser("Gone");
    User stays = a.http().newUser("Stays");
    String sid = a.http().newGroup(owner, "cluster room", "private");
    a.http().invited(owner, sid, gone);
    a.http().invited(owner, sid, stays);
    try (WsClient goneOnB = b.ws(gone); WsClient goneOnA = a.ws(gone);
        WsClient staysOnB = b.ws(stays); WsClient ownerOnA = a.ws(owner)) {
      // Warms node A's membership cache with the member about to be removed.
      goneOnB.send(sid, "warm", "still a member");
      staysOnB.next(WsClient.messageWith(sid, "still a member"));

      Response removed = b.http().remove(owner, sid, gone);
      assertEquals(200, removed.status(), removed.text());
      goneOnB.next(WsClient.sessionEvent(sid, "removed"));
      goneOnA.next(WsClient.sessionEvent(sid, "removed"));

      JsonObject refused = goneOnB.send(sid, "late", "am I still here?");
      assertEquals("forbidden", refused.getString("code"), refused.encode());

      ownerOnA.send(sid, "after", "after the removal");
      staysOnB.next(WsClient.messageWith(sid, "after the removal"));
      ownerOnA.next(WsClient.messageWith(sid, "after the removal"));
      goneOnB.drain();
      goneOnA.drain();
      assertTrue(goneOnB.received(WsClient.messageWith(sid, "after the removal")).isEmpty(), "nothing on node B");
      assertTrue(goneOnA.received(WsClient.messageWith(sid, "after the removal")).isEmpty(), "nothing on node A");
    }
  }

  @Test
  @DisplayName("A member invited through node B can send at once through node A's message path")
  void invitedMemberAcrossNodes() {
    User owner = a.http().newUser("Host");
    User guest = a.http().newUser("Guest");
    String sid = a.http().newGroup(owner, "welcome", "private");
    Response refused = a.http().send(guest, sid, "early", "let me in");
    assertEquals(403, refused.status());

    try (WsClient guestOnA = a.ws(guest)) {
      b.http().invited(owner, sid, guest);
      guestOnA.next(WsClient.sessionEvent(sid, "added"));
      b.http().send(owner, sid, "come-in", "come in").seq();
      guestOnA.next(WsClient.messageWith(sid, "come in"));
    }
    assertEquals(sid, a.http().listed(guest, sid).getString("sid"));
    a.http().send(guest, sid, "thanks", "thanks").seq();
  }

  @Test
  @DisplayName("A session list read on node A follows changes made through node B: an invitation appears, a removal is gone at once")
  void sessionListAcrossNodes() {
    User owner = a.http().newUser("Lister");
    User guest = a.http().newUser("Listed");
    String sid = a.http().newGroup(owner, "listed room", "private");
    // Node A's session-service now knows the guest's sessions: none.
    assertTrue(sids(a.http().sessions(guest)).isEmpty());

    b.http().invited(owner, sid, guest);
    // The change is announced cluster-wide; without it node A would answer from what it knew for a minute.
    Await.until("node A to list the invitation made through node B", 5_000,
        () -> sids(a.http().sessions(guest)).contains(sid));

    assertEquals(200, b.http().remove(owner, sid, guest).status());
    assertTrue(!sids(a.http().sessions(guest)).contains(sid), "a removal made through node B is not listed by node A");
  }

  private static java.util.List<String> sids(java.util.List<JsonObject> sessions) {
    return sessions.stream().map(s -> s.getString("sid")).toList();
  }
}
