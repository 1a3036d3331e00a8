package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.system.Http.User;

/**
 * Mentions over real sockets across two clustered nodes: A runs every service and a gateway, B only a
 * gateway. A mention reaches the mentioned user's sockets on the other node marked as one, with a
 * {@code mention} notification even in a muted group; the session list counts unread mentions; after
 * a reconnect, sync and the session list show the same.
 */
@DisplayName("Mentions across two clustered nodes and a reconnect")
class MentionsClusterTest extends TwoNodeTest {
  private static JsonObject mention(String sid, String cid, String text, User... mentioned) {
    JsonArray uids = new JsonArray();
    for (User u : mentioned) {
      uids.add(u.uid());
    }
    return WsClient.text(sid, cid, text).put("mentions", uids);
  }

  private static JsonObject mentionNotification(WsClient ws) {
    return ws.next(f -> "notification".equals(f.getString("event"))
        && "mention".equals(f.getJsonObject("notification").getString("kind"))).getJsonObject("notification");
  }

  private static void mute(User who, String sid) {
    assertEquals(200, b.http().patch("/sessions/" + sid + "/preferences", who.token(), new JsonObject().put("muted", true)).status());
  }

  @Test
  @DisplayName("A mention on node A reaches the mentioned user on node B marked, with a mention notification though the group is muted")
  void mentionReachesOtherNodeInMutedGroup() {
    User alice = a.http().newUser("Alice");
    User bob = a.http().newUser("Bob");
    User carol = a.http().newUser("Carol");
    String sid = a.http().newGroup(alice, "Mentions", bob, carol);
    mute(bob, sid);
    try (WsClient aliceOnA = a.ws(alice); WsClient bobOnB = b.ws(bob)) {
      JsonObject ack = aliceOnA.request(mention(sid, "m1", "@Bob lunch?", bob));
      assertEquals("ack", ack.getString("type"), ack.encode());
      JsonObject live = bobOnB.next(WsClient.messageWith(sid, "@Bob lunch?"));
      assertEquals(new JsonArray().add(bob.uid()), live.getJsonArray("mentions"));
      JsonObject note = mentionNotification(bobOnB);
      assertEquals(sid, note.getJsonObject("data").getString("sid"));
      assertEquals(ack.getLong("seq"), note.getJsonObject("data").getLong("seq"));
      assertEquals(alice.uid(), note.getJsonObject("data").getString("by"));
    }
    JsonObject listed = b.http().listed(bob, sid);
    assertEquals(true, listed.getBoolean("muted"));
    assertEquals(1L, listed.getLong("mentions"));
    assertEquals(0L, b.http().listed(carol, sid).getLong("mentions"));
  }

  @Test
  @DisplayName("Reading past a mention clears the mentions count; reading before it leaves it counted")
  void readingClearsMentions() {
    User alice = a.http().newUser("Alice");
    User bob = a.http().newUser("Bob");
    String sid = a.http().newGroup(alice, "Reads", bob);
    try (WsClient aliceOnA = a.ws(alice)) {
      long first = aliceOnA.request(mention(sid, "m1", "@Bob one", bob)).getLong("seq");
      long second = aliceOnA.request(mention(sid, "m2", "@Bob two", bob)).getLong("seq");
      assertEquals(2L, b.http().listed(bob, sid).getLong("mentions"));
      assertEquals(200, b.http().read(bob, sid, first).status());
      assertEquals(1L, b.http().listed(bob, sid).getLong("mentions"));
      assertEquals(200, b.http().read(bob, sid, second).status());
      assertEquals(0L, b.http().listed(bob, sid).getLong("mentions"));
    }
  }

  @Test
  @DisplayName("@all by the owner marks the message for everyone and counts for each member; a plain member's @all is refused forbidden")
  void mentionAll() {
    User alice = a.http().newUser("Alice");
    User bob = a.http().newUser("Bob");
    User carol = a.http().newUser("Carol");
    String sid = a.http().newGroup(alice, "Everyone", bob, carol);
    try (WsClient aliceOnA = a.ws(alice); WsClient carolOnB = b.ws(carol)) {
      JsonObject ack = aliceOnA.request(WsClient.text(sid, "all1", "@all meeting").put("mentionAll", true));
      assertEquals("ack", ack.getString("type"), ack.encode());
      JsonObject live = carolOnB.next(WsClient.messageWith(sid, "@all meeting"));
      assertEquals(true, live.getBoolean("mentionAll"));
      JsonObject refused = carolOnB.request(WsClient.text(sid, "all2", "@all me too").put("mentionAll", true));
      assertEquals("forbidden", refused.getString("code"), refused.encode());
    }
    assertEquals(1L, b.http().listed(bob, sid).getLong("mentions"));
    assertEquals(1L, b.http().listed(carol, sid).getLong("mentions"));
    assertEquals(0L, a.http().listed(alice, sid).getLong("mentions"));
    assertEquals(1, a.http().history(alice, sid).stream().filter(m -> "text".equals(m.getString("msgType"))).count(),
        "the refused @all is not stored");
  }

  @Test
  @DisplayName("A mention of a non-member is refused invalid over the socket and REST, and nothing is stored")
  void nonMemberRefused() {
    User alice = a.http().newUser("Alice");
    User bob = a.http().newUser("Bob");
    User stranger = a.http().newUser("Stranger");
    String sid = a.http().newGroup(alice, "Closed", bob);
    try (WsClient aliceOnB = b.ws(alice)) {
      JsonObject refused = aliceOnB.request(mention(sid, "m1", "@Stranger hi", stranger));
      assertEquals("invalid", refused.getString("code"), refused.encode());
      JsonObject notArray = aliceOnB.request(WsClient.text(sid, "m2", "@Bob").put("mentions", bob.uid()));
      assertEquals("invalid", notArray.getString("code"), notArray.encode());
    }
    Http.Response rest = a.http().post("/sessions/" + sid + "/messages", alice.token(), new JsonObject().put("cid", "m3")
        .put("msgType", "text").put("content", "@Stranger").put("mentions", new JsonArray().add(stranger.uid())));
    assertEquals(400, rest.status(), rest.text());
    assertEquals(0, a.http().history(alice, sid).stream().filter(m -> "text".equals(m.getString("msgType"))).count());
  }

  @Test
  @DisplayName("A user away during two mentions, one then deleted, gets both by sync on reconnect, one counted, and a notification each")
  void reconnectSeesMentions() {
    User alice = a.http().newUser("Alice");
    User bob = a.http().newUser("Bob");
    String sid = a.http().newGroup(alice, "Away", bob);
    long last;
    try (WsClient bobOnB = b.ws(bob)) {
      last = a.http().send(alice, sid, "c0", "before").seq();
      bobOnB.next(WsClient.messageWith(sid, "before"));
    }
    long first;
    try (WsClient aliceOnA = a.ws(alice)) {
      first = aliceOnA.request(mention(sid, "m1", "@Bob are you there?", bob)).getLong("seq");
      long second = aliceOnA.request(mention(sid, "m2", "@Bob oops", bob)).getLong("seq");
      assertEquals("ok", aliceOnA.request(new JsonObject().put("type", "delete").put("sid", sid).put("seq", second))
          .getString("type"));
    }
    try (WsClient back = b.ws(bob)) {
      assertEquals("synced", back.sync(sid, last).getString("type"));
      List<JsonObject> missed = back.received(f -> "message".equals(f.getString("type")) && sid.equals(f.getString("sid")));
      assertEquals(new JsonArray().add(bob.uid()), missed.get(0).getJsonArray("mentions"), missed.toString());
      assertNull(missed.get(1).getValue("mentions"), "a deleted mention shows no mentions: " + missed);
    }
    JsonObject listed = b.http().listed(bob, sid);
    assertEquals(1L, listed.getLong("mentions"), listed.encode());
    JsonArray notes = b.http().get("/notifications", bob.token()).json().getJsonArray("notifications");
    List<Long> mentioned = notes.stream().map(JsonObject.class::cast).filter(n -> "mention".equals(n.getString("kind")))
        .map(n -> n.getJsonObject("data").getLong("seq")).sorted().toList();
    assertEquals(List.of(first, first + 1), mentioned);
  }
}
