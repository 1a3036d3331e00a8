package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.system.Http.Response;
import palaver.system.Http.User;

/**
 * Issue 20's abuse, at small scale: an attacker created 2,000 groups and
 * added the victim to each in 27 s, which gave the victim 2,000
 * notifications, a 1 MB session list and a 114 KB {@code ready} frame.
 */
@DisplayName("Abuse: group floods are rate-limited, a stranger's invites wait for consent, a block refuses")
class AbuseTest extends OneNodeTest {
  private static final int ATTEMPTS = 50;

  private static Response createGroup(User owner, String name) {
    return http.post("/sessions", owner.token(), new JsonObject().put("type", "group").put("name", name)
        .put("visibility", "private"));
  }

  /** The attack: up to {@code n} groups created by {@code attacker}, {@code victim} invited into each; the created sids. */
  private static List<String> flood(User attacker, User victim, int n) {
    List<String> sids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Response created = createGroup(attacker, "flood " + i);
      if (created.status() != 201) {
        break;
      }
      String sid = created.json().getString("sid");
      sids.add(sid);
      http.invite(attacker, sid, victim.uid());
    }
    return sids;
  }

  private static int readySize(User user) {
    try (WsClient ws = WsClient.open(server.node().vertx(), server.httpPort(), "/ws", null)) {
      JsonObject ready = ws.request(new JsonObject().put("type", "auth").put("token", user.token()));
      assertEquals("ready", ready.getString("type"), ready.encode());
      return ready.encode().length();
    }
  }

  private static Response block(User blocker, User blocked) {
    return http.post("/blocks", blocker.token(), new JsonObject().put("uid", blocked.uid()));
  }

  @Test
  @DisplayName("50 group creations in a row: the ones past the burst are 429 rate_limited with Retry-After")
  void groupCreationRateLimited() {
    User attacker = http.newUser("Mallory");
    int created = 0;
    Response refused = null;
    for (int i = 0; i < ATTEMPTS; i++) {
      Response r = createGroup(attacker, "spam " + i);
      if (r.status() == 201) {
        created++;
      } else if (refused == null) {
        refused = r;
      }
    }
    System.out.println("abuse: " + created + " of " + ATTEMPTS + " group creations accepted");
    assertNotNull(refused, "no creation was refused");
    assertEquals(429, refused.status(), refused.text());
    assertEquals("rate_limited", refused.errorCode());
    assertNotNull(refused.headers().get("Retry-After"), "a retry hint");
    assertTrue(created < ATTEMPTS);
  }

  @Test
  @DisplayName("A stranger's flood of invites leaves the victim's session list and ready empty, with one notification per invite")
  void strangerFloodIsPending() {
    User attacker = http.newUser("Mallory");
    User victim = http.newUser("Victor");
    List<String> sids = flood(attacker, victim, ATTEMPTS);
    int ready = readySize(victim);
    int list = http.get("/sessions", victim.token()).text().length();
    int notifications = http.get("/notifications", victim.token()).json().getJsonArray("notifications").size();
    int memberships = http.get("/sessions", victim.token()).json().getJsonArray("sessions").size();
    System.out.println("abuse: " + sids.size() + " groups, victim in " + memberships + ", ready " + ready
        + " B, session list " + list + " B, " + notifications + " notifications");
    assertEquals(0, memberships);
    int pending = http.get("/invitations", victim.token()).json().getJsonArray("invitations").size();
    assertEquals(sids.size(), pending);
    assertEquals(sids.size(), notifications);
  }

  @Test
  @DisplayName("Accepting a stranger's invitation over the WebSocket makes the invitee a member, in their next ready")
  void acceptOverWebSocket() {
    User owner = http.newUser("Olga");
    User guest = http.newUser("Gus");
    String sid = createGroup(owner, "tea").json().getString("sid");
    assertEquals(true, http.invite(owner, sid, guest.uid()).json().getBoolean("pending"));
    try (WsClient ws = server.ws(guest)) {
      JsonObject answer = ws.request(new JsonObject().put("type", "accept").put("sid", sid));
      assertEquals("ok", answer.getString("type"), answer.encode());
    }
    try (WsClient ws = WsClient.open(server.node().vertx(), server.httpPort(), "/ws", null)) {
      JsonObject ready = ws.request(new JsonObject().put("type", "auth").put("token", guest.token()));
      assertEquals(sid, ready.getJsonArray("sessions").getJsonObject(0).getString("sid"));
    }
  }

  @Test
  @DisplayName("Declining a stranger's invitation over REST leaves no invitation and no membership")
  void declineOverRest() {
    User owner = http.newUser("Olga");
    User guest = http.newUser("Gus");
    String sid = createGroup(owner, "tea").json().getString("sid");
    http.invite(owner, sid, guest.uid());
    assertEquals(200, http.delete("/invitations/" + sid, guest.token()).status());
    assertEquals(0, http.get("/invitations", guest.token()).json().getJsonArray("invitations").size());
    assertEquals(0, http.get("/sessions", guest.token()).json().getJsonArray("sessions").size());
  }

  @Test
  @DisplayName("A blocked user's friend request, invite and private session are refused with 403")
  void blockedUserRefused() {
    User victim = http.newUser("Vera");
    User attacker = http.newUser("Mallory");
    assertEquals(200, block(victim, attacker).status());
    String sid = createGroup(attacker, "bait").json().getString("sid");
    assertEquals(403, http.post("/friends", attacker.token(), new JsonObject().put("uid", victim.uid())).status());
    assertEquals(403, http.invite(attacker, sid, victim.uid()).status());
    assertEquals(403, http.createPrivate(attacker, victim.uid()).status());
    assertEquals(0, http.get("/notifications", victim.token()).json().getJsonArray("notifications").size());
  }

  @Test
  @DisplayName("After a block over the WebSocket, the existing private session takes no more messages from either side")
  void blockedPrivateSessionRefusesSends() {
    User victim = http.newUser("Vera");
    User attacker = http.newUser("Mallory");
    String sid = http.createPrivate(attacker, victim.uid()).json().getString("sid");
    try (WsClient mallory = server.ws(attacker); WsClient vera = server.ws(victim)) {
      assertEquals("ack", mallory.send(sid, "c-1", "hello").getString("type"));
      assertEquals("ok", vera.request(new JsonObject().put("type", "block").put("peer", attacker.uid()))
          .getString("type"));
      JsonObject refused = mallory.send(sid, "c-2", "still there?");
      assertEquals("error", refused.getString("type"), refused.encode());
      assertEquals("forbidden", refused.getString("code"));
    }
  }

  @Test
  @DisplayName("Unblocking lets the other user send a friend request again")
  void unblock() {
    User victim = http.newUser("Vera");
    User other = http.newUser("Otto");
    block(victim, other);
    assertEquals(1, http.get("/blocks", victim.token()).json().getJsonArray("blocked").size());
    assertEquals(200, http.delete("/blocks/" + other.uid(), victim.token()).status());
    assertEquals(200, http.post("/friends", other.token(), new JsonObject().put("uid", victim.uid())).status());
  }
}
