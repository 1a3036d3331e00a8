package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.CloseCode;
import palaver.system.Http.Response;
import palaver.system.Http.User;
import palaver.testing.Await;

/**
 * Server administration across two clustered nodes: A runs every service and
 * a gateway, B only a gateway; the admin works through A's REST API while the
 * users they act on are connected to B.
 */
@DisplayName("Administration across two clustered nodes")
class AdminClusterTest extends TwoNodeTest {
  /** The first account registered on this store: the server admin. */
  private static User admin;

  @BeforeAll
  static void registerAdmin() {
    admin = a.http().newUser("Admin");
  }

  private static JsonObject login(User who) {
    return new JsonObject().put("login", who.login()).put("password", "plover-kettle-41");
  }

  @Test
  @DisplayName("Deactivating a user closes their live socket on the other node with 4401, and their login is refused 403 deactivated")
  void deactivationClosesSocketOnOtherNode() {
    User bob = a.http().newUser("Bob");
    WsClient onB = b.ws(bob);
    Response done = a.http().post("/api/v1/admin/users/" + bob.uid() + "/deactivate", admin.token(), null);
    assertEquals(200, done.status(), done.text());
    assertEquals(CloseCode.UNAUTHENTICATED.code(), onB.awaitClose());
    Response relogin = b.http().post("/api/v1/auth/login", null, login(bob));
    assertEquals(403, relogin.status());
    assertEquals("deactivated", relogin.errorCode());
    assertEquals(401, b.http().get("/api/v1/users/me", bob.token()).status());
  }

  @Test
  @DisplayName("An admin's message delete reaches members live as messageDeleted, and history and sync show a tombstone at its seq")
  void messageDeleteIsTombstone() {
    User alice = a.http().newUser("Alice");
    User bob = a.http().newUser("Bob");
    String sid = a.http().newGroup(alice, "Deletes", bob);
    long gone;
    try (WsClient bobOnB = b.ws(bob)) {
      long keep = a.http().send(alice, sid, "c1", "fine").seq();
      gone = a.http().send(alice, sid, "c2", "rule-breaking").seq();
      a.http().send(alice, sid, "c3", "after").seq();
      bobOnB.next(WsClient.messageWith(sid, "after"));

      Response deleted = a.http().delete("/api/v1/admin/sessions/" + sid + "/messages/" + gone, admin.token());
      assertEquals(200, deleted.status(), deleted.text());
      JsonObject live = bobOnB.next(f -> "messageDeleted".equals(f.getString("type")) && sid.equals(f.getString("sid")));
      assertEquals(gone, live.getLong("seq"));

      List<JsonObject> history = b.http().history(bob, sid);
      Http.assertGapFree(history);
      long deletedSeq = gone;
      JsonObject tombstone = history.stream().filter(m -> m.getLong("seq") == deletedSeq).findFirst().orElseThrow();
      assertEquals(Boolean.TRUE, tombstone.getBoolean("deleted"), tombstone.encode());
      assertNull(tombstone.getValue("content"));
      assertFalse(history.stream().filter(m -> m.getLong("seq") == keep).findFirst().orElseThrow().containsKey("deleted"));
    }
    long deletedSeq = gone;
    try (WsClient fresh = a.ws(bob)) {
      fresh.sync(sid, deletedSeq - 1);
      JsonObject synced = fresh.received(f -> "message".equals(f.getString("type")) && sid.equals(f.getString("sid"))
          && f.getLong("seq") == deletedSeq).get(0);
      assertEquals(Boolean.TRUE, synced.getBoolean("deleted"), synced.encode());
      assertFalse(synced.encode().contains("rule-breaking"));
    }
  }

  @Test
  @DisplayName("Non-admins get 403 forbidden from every admin endpoint, and the message they aim at stays")
  void nonAdminForbidden() {
    User mallory = a.http().newUser("Mallory");
    User victim = a.http().newUser("Victim");
    String sid = a.http().newGroup(mallory, "Mine");
    long seq = a.http().send(mallory, sid, "m1", "keep me").seq();
    List<Response> answers = List.of(
        b.http().get("/api/v1/admin/users", mallory.token()),
        b.http().get("/api/v1/admin/connected", mallory.token()),
        b.http().post("/api/v1/admin/invites", mallory.token(), null),
        b.http().post("/api/v1/admin/users/" + victim.uid() + "/deactivate", mallory.token(), null),
        b.http().delete("/api/v1/admin/users/" + victim.uid(), mallory.token()),
        b.http().delete("/api/v1/admin/sessions/" + sid + "/messages/" + seq, mallory.token()));
    for (Response r : answers) {
      assertEquals(403, r.status(), r.text());
      assertEquals("forbidden", r.errorCode());
    }
    assertEquals("keep me", b.http().history(mallory, sid).get(b.http().history(mallory, sid).size() - 1).getString("content"));
    assertEquals(200, b.http().post("/api/v1/auth/login", null, login(victim)).status());
  }

  @Test
  @DisplayName("The connected-users endpoint lists a user connected only to the other node")
  void connectedUsersAcrossNodes() {
    User carol = a.http().newUser("Carol");
    try (WsClient onB = b.ws(carol)) {
      Await.until("carol listed connected", 20_000, () -> a.http().get("/api/v1/admin/connected", admin.token()).json()
          .getJsonArray("users").stream().anyMatch(u -> carol.uid().equals(((JsonObject) u).getString("uid"))));
    }
  }

  @Test
  @DisplayName("A user deletes their own account: socket closed, the group sees them leave, their messages are tombstones by \"deleted user\", the login is free")
  void selfDeletion() {
    User owner = a.http().newUser("Owner");
    User dan = a.http().newUser("Dan");
    String sid = a.http().newGroup(owner, "Club", dan);
    long said = a.http().send(dan, sid, "d1", "my words").seq();
    WsClient dansSocket = b.ws(dan);
    Response wrong = b.http().send(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/users/me", dan.token(),
        new JsonObject().put("password", "not it"));
    assertEquals(403, wrong.status());
    Response done = b.http().send(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/users/me", dan.token(),
        new JsonObject().put("password", "plover-kettle-41"));
    assertEquals(200, done.status(), done.text());
    assertEquals(CloseCode.UNAUTHENTICATED.code(), dansSocket.awaitClose());

    List<JsonObject> history = a.http().history(owner, sid);
    Http.assertGapFree(history);
    JsonObject tombstone = history.stream().filter(m -> m.getLong("seq") == said).findFirst().orElseThrow();
    assertTrue(tombstone.getBoolean("deleted"));
    assertEquals("deleted user", tombstone.getString("nickname"));
    assertFalse(history.toString().contains("my words"));
    JsonObject left = a.http().lastSystem(owner, sid);
    assertEquals("leave", left.getString("action"), left.encode());
    assertEquals(401, a.http().post("/api/v1/auth/login", null, login(dan)).status());
    assertEquals(201, a.http().post("/api/v1/users", null, login(dan).put("nickname", "Dan again")).status());
  }
}
