package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.store.EmbeddedStore;
import palaver.system.Http.Response;
import palaver.system.Http.User;

/**
 * Mute, archive and pins over the client protocol, on two clustered nodes: node A runs every service,
 * node B a gateway and its own session-service, so a change made through one node must reach sockets on
 * the other, and a client that reconnects reads it back.
 */
@DisplayName("Mute, archive and pinned messages across two clustered nodes")
class SessionPreferencesClusterTest {
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

  private static JsonObject preferences(String sid, JsonObject flags) {
    return new JsonObject().put("type", "preferences").put("sid", sid).mergeIn(flags);
  }

  private static JsonObject pin(String sid, long seq, boolean pinned) {
    return new JsonObject().put("type", "pin").put("sid", sid).put("seq", seq).put("pinned", pinned);
  }

  /** The caller's entry for {@code sid} in their session list, read through {@code node}. */
  private static JsonObject listed(TestServer node, User user, String sid) {
    Response r = node.http().get("/sessions", user.token());
    assertEquals(200, r.status(), r.text());
    return r.json().getJsonArray("sessions").stream().map(JsonObject.class::cast)
        .filter(s -> sid.equals(s.getString("sid"))).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("A mute made on node B reaches the same user's socket on node A, and their session list on either node")
  void muteReachesOwnSocketsEverywhere() {
    User owner = a.http().newUser("Owner");
    User bob = a.http().newUser("Bob");
    String sid = a.http().newGroup(owner, "muted room", bob);
    try (WsClient bobOnB = b.ws(bob); WsClient bobOnA = a.ws(bob)) {
      JsonObject answer = bobOnB.request(preferences(sid, new JsonObject().put("muted", true)));
      assertEquals("ok", answer.getString("type"), answer.encode());
      assertTrue(answer.getBoolean("muted"));
      JsonObject told = bobOnA.next(WsClient.sessionEvent(sid, "preferences"));
      assertTrue(told.getBoolean("muted"));
    }
    assertTrue(listed(a, bob, sid).getBoolean("muted"));
    assertTrue(listed(b, bob, sid).getBoolean("muted"));
    assertFalse(listed(a, owner, sid).getBoolean("muted"), "the owner's own view is unchanged");
  }

  @Test
  @DisplayName("A muted session still counts unread messages and still delivers them live")
  void mutedStillDelivers() {
    User owner = a.http().newUser("Owner");
    User bob = a.http().newUser("Bob");
    String sid = a.http().newGroup(owner, "quiet room", bob);
    try (WsClient bobOnB = b.ws(bob); WsClient ownerOnA = a.ws(owner)) {
      bobOnB.request(preferences(sid, new JsonObject().put("muted", true)));
      ownerOnA.send(sid, "m1", "while muted");
      bobOnB.next(WsClient.messageWith(sid, "while muted"));
    }
    JsonObject entry = listed(b, bob, sid);
    assertTrue(entry.getLong("unread") >= 1, entry.encode());
  }

  @Test
  @DisplayName("An archived session is flagged in the list after a reconnect, and unarchiving clears it")
  void archiveSurvivesReconnect() {
    User owner = a.http().newUser("Owner");
    String sid = a.http().newGroup(owner, "old room");
    try (WsClient onA = a.ws(owner)) {
      onA.request(preferences(sid, new JsonObject().put("archived", true)));
    }
    assertTrue(listed(b, owner, sid).getBoolean("archived"));
    Response un = b.http().patch("/sessions/" + sid + "/preferences", owner.token(), new JsonObject().put("archived", false));
    assertEquals(200, un.status(), un.text());
    assertFalse(listed(a, owner, sid).getBoolean("archived"));
  }

  @Test
  @DisplayName("The owner's pin through node A reaches a member's socket on node B and is in the session's info after")
  void pinReachesMembers() {
    User owner = a.http().newUser("Owner");
    User bob = a.http().newUser("Bob");
    String sid = a.http().newGroup(owner, "pinned room", bob);
    long seq = a.http().send(owner, sid, "p1", "read me first").seq();
    try (WsClient bobOnB = b.ws(bob); WsClient ownerOnA = a.ws(owner)) {
      JsonObject answer = ownerOnA.request(pin(sid, seq, true));
      assertEquals(new JsonArray().add(seq), answer.getJsonArray("pins"), answer.encode());
      JsonObject told = bobOnB.next(WsClient.sessionEvent(sid, "pins"));
      assertEquals(new JsonArray().add(seq), told.getJsonArray("pins"));
    }
    Response info = b.http().get("/sessions/" + sid, bob.token());
    assertEquals(new JsonArray().add(seq), info.json().getJsonArray("pins"), info.text());
    Response unpinned = b.http().delete("/sessions/" + sid + "/pins/" + seq, owner.token());
    assertEquals(new JsonArray(), unpinned.json().getJsonArray("pins"), unpinned.text());
  }

  @Test
  @DisplayName("A plain member's pin, a pin past the last message, and flags of the wrong type are refused with their codes")
  void refused() {
    User owner = a.http().newUser("Owner");
    User bob = a.http().newUser("Bob");
    User eve = a.http().newUser("Eve");
    String sid = a.http().newGroup(owner, "strict room", bob);
    long seq = a.http().send(owner, sid, "p2", "only admins pin").seq();
    try (WsClient bobOnB = b.ws(bob); WsClient eveOnA = a.ws(eve)) {
      assertEquals("forbidden", bobOnB.request(pin(sid, seq, true)).getString("code"));
      assertEquals("invalid", bobOnB.request(preferences(sid, new JsonObject().put("muted", "yes"))).getString("code"));
      assertEquals("forbidden", eveOnA.request(preferences(sid, new JsonObject().put("muted", true))).getString("code"));
    }
    Response past = a.http().put("/sessions/" + sid + "/pins/" + (seq + 1000), owner.token(), null);
    assertEquals(404, past.status(), past.text());
    Response notNumber = a.http().put("/sessions/" + sid + "/pins/abc", owner.token(), null);
    assertEquals(400, notNumber.status(), notNumber.text());
    assertEquals(new JsonArray(), a.http().get("/sessions/" + sid, owner.token()).json().getJsonArray("pins"));
  }
}
