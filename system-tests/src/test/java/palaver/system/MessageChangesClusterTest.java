package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.system.Http.Response;
import palaver.system.Http.User;

/**
 * Edits, deletions, reactions and replies over real sockets across two clustered nodes: A runs every
 * service and a gateway, B only a gateway. Each change is a seq'd event of the session, so a client
 * that was away learns of it by {@code sync} from its last seq.
 */
@DisplayName("Editing, deleting, reacting and replying across two clustered nodes")
class MessageChangesClusterTest extends TwoNodeTest {
  private static JsonObject frame(String type, String sid, long seq) {
    return new JsonObject().put("type", type).put("sid", sid).put("seq", seq);
  }

  private static java.util.function.Predicate<JsonObject> change(String sid, String msgType) {
    return f -> "message".equals(f.getString("type")) && sid.equals(f.getString("sid")) && msgType.equals(f.getString("msgType"));
  }

  private static JsonObject at(List<JsonObject> history, long seq) {
    return history.stream().filter(m -> m.getLong("seq") == seq).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("An author's edit on node A reaches a member on node B live, and history there shows the new text, marked edited")
  void editReachesOtherNodeLive() {
    User alice = a.http().newUser("Alice");
    User bob = a.http().newUser("Bob");
    String sid = a.http().newGroup(alice, "Edits", bob);
    try (WsClient aliceOnA = a.ws(alice); WsClient bobOnB = b.ws(bob)) {
      long seq = aliceOnA.send(sid, "c1", "helo").getLong("seq");
      bobOnB.next(WsClient.messageWith(sid, "helo"));
      JsonObject ok = aliceOnA.request(frame("edit", sid, seq).put("content", "hello"));
      assertEquals("ok", ok.getString("type"), ok.encode());
      assertEquals(seq, ok.getLong("target"));
      JsonObject live = bobOnB.next(change(sid, "edit"));
      assertEquals(seq, live.getLong("target"));
      assertEquals("hello", live.getString("content"));
      assertEquals(ok.getLong("seq"), live.getLong("seq"));
      List<JsonObject> history = b.http().history(bob, sid);
      Http.assertGapFree(history);
      JsonObject edited = at(history, seq);
      assertEquals("hello", edited.getString("content"));
      assertNotNull(edited.getLong("editedAt"));
    }
  }

  @Test
  @DisplayName("A client offline during an edit and a delete learns of both by sync from its last seq, and neither counts as unread")
  void offlineClientLearnsBySync() {
    User alice = a.http().newUser("Alice");
    User bob = a.http().newUser("Bob");
    String sid = a.http().newGroup(alice, "Away", bob);
    long first;
    long second;
    try (WsClient bobOnB = b.ws(bob)) {
      first = a.http().send(alice, sid, "c1", "first draft").seq();
      second = a.http().send(alice, sid, "c2", "regrettable").seq();
      bobOnB.next(WsClient.messageWith(sid, "regrettable"));
      assertEquals(200, b.http().read(bob, sid, second).status());
    }
    // Bob is gone; Alice edits one message and deletes the other.
    assertEquals(200, a.http().patch("/sessions/" + sid + "/messages/" + first, alice.token(),
        new JsonObject().put("content", "final text")).status());
    assertEquals(200, a.http().delete("/sessions/" + sid + "/messages/" + second, alice.token()).status());
    assertEquals(0L, b.http().listed(bob, sid).getLong("unread"));
    try (WsClient back = b.ws(bob)) {
      JsonObject synced = back.sync(sid, second);
      assertEquals("synced", synced.getString("type"), synced.encode());
      List<JsonObject> missed = back.received(f -> "message".equals(f.getString("type")) && sid.equals(f.getString("sid")));
      assertEquals(2, missed.size(), missed.toString());
      assertEquals("edit", missed.get(0).getString("msgType"));
      assertEquals(first, missed.get(0).getLong("target"));
      assertEquals("final text", missed.get(0).getString("content"));
      assertEquals("delete", missed.get(1).getString("msgType"));
      assertEquals(second, missed.get(1).getLong("target"));
    }
  }

  @Test
  @DisplayName("A group owner deletes a member's message for everyone; a member deleting the owner's is refused forbidden")
  void ownerDeletesAnyMessage() {
    User alice = a.http().newUser("Alice");
    User bob = a.http().newUser("Bob");
    String sid = a.http().newGroup(alice, "Moderated", bob);
    try (WsClient aliceOnA = a.ws(alice); WsClient bobOnB = b.ws(bob)) {
      long owners = aliceOnA.send(sid, "a1", "house rules").getLong("seq");
      long bobs = bobOnB.send(sid, "b1", "spam").getLong("seq");
      JsonObject refused = bobOnB.request(frame("delete", sid, owners));
      assertEquals("error", refused.getString("type"));
      assertEquals("forbidden", refused.getString("code"));
      JsonObject ok = aliceOnA.request(frame("delete", sid, bobs));
      assertEquals(Boolean.TRUE, ok.getBoolean("deleted"), ok.encode());
      JsonObject live = bobOnB.next(f -> "messageDeleted".equals(f.getString("type")) && sid.equals(f.getString("sid")));
      assertEquals(bobs, live.getLong("seq"));
      bobOnB.next(change(sid, "delete"));
      List<JsonObject> history = b.http().history(bob, sid);
      Http.assertGapFree(history);
      assertEquals(Boolean.TRUE, at(history, bobs).getBoolean("deleted"));
      assertNull(at(history, bobs).getValue("content"));
      assertFalse(at(history, owners).containsKey("deleted"));
    }
  }

  @Test
  @DisplayName("Reactions over the socket and REST reach members live, with counts and who reacted in history")
  void reactionsLiveAndInHistory() {
    User alice = a.http().newUser("Alice");
    User bob = a.http().newUser("Bob");
    String sid = a.http().newGroup(alice, "Reactions", bob);
    try (WsClient aliceOnA = a.ws(alice); WsClient bobOnB = b.ws(bob)) {
      long seq = aliceOnA.send(sid, "a1", "party?").getLong("seq");
      JsonObject ok = bobOnB.request(frame("react", sid, seq).put("emoji", "🎉"));
      assertEquals("ok", ok.getString("type"), ok.encode());
      JsonObject live = aliceOnA.next(change(sid, "reaction"));
      assertEquals("🎉", live.getString("emoji"));
      assertEquals(true, live.getBoolean("on"));
      assertEquals(bob.uid(), live.getString("uid"));
      String emoji = URLEncoder.encode("🎉", StandardCharsets.UTF_8);
      assertEquals(200, a.http().put("/sessions/" + sid + "/messages/" + seq + "/reactions/" + emoji, alice.token(), null).status());
      JsonObject reactions = at(b.http().history(bob, sid), seq).getJsonObject("reactions");
      assertEquals(new JsonArray().add(bob.uid()).add(alice.uid()), reactions.getJsonArray("🎉"));
      assertEquals(200, a.http().delete("/sessions/" + sid + "/messages/" + seq + "/reactions/" + emoji, alice.token()).status());
      assertEquals(new JsonArray().add(bob.uid()),
          at(b.http().history(bob, sid), seq).getJsonObject("reactions").getJsonArray("🎉"));
    }
  }

  @Test
  @DisplayName("A reply carries its target's seq and a quote; a reply to a seq of another session is refused not_found")
  void replies() {
    User alice = a.http().newUser("Alice");
    User bob = a.http().newUser("Bob");
    String sid = a.http().newGroup(alice, "Replies", bob);
    String other = a.http().newGroup(alice, "Elsewhere");
    for (int i = 0; i < 6; i++) {
      a.http().send(alice, other, "o" + i, "elsewhere " + i);
    }
    try (WsClient bobOnB = b.ws(bob)) {
      long seq = a.http().send(alice, sid, "a1", "lunch at noon?").seq();
      JsonObject ack = bobOnB.request(WsClient.text(sid, "b1", "yes!").put("replyTo", seq));
      assertEquals("ack", ack.getString("type"), ack.encode());
      JsonObject reply = at(a.http().history(alice, sid), ack.getLong("seq")).getJsonObject("replyTo");
      assertEquals(seq, reply.getLong("seq"));
      assertEquals("lunch at noon?", reply.getString("quote"));
      assertEquals(alice.uid(), reply.getString("uid"));
      JsonObject refused = bobOnB.request(WsClient.text(sid, "b2", "what?").put("replyTo", 7));
      assertEquals("not_found", refused.getString("code"), refused.encode());
    }
  }

  @Test
  @DisplayName("Bad changes over the socket are refused with a clear code and store nothing")
  void badChangesRefused() {
    User alice = a.http().newUser("Alice");
    User bob = a.http().newUser("Bob");
    User stranger = a.http().newUser("Stranger");
    String sid = a.http().newGroup(alice, "Strict", bob);
    try (WsClient aliceOnA = a.ws(alice); WsClient bobOnB = b.ws(bob); WsClient out = b.ws(stranger)) {
      long seq = aliceOnA.send(sid, "a1", "original").getLong("seq");
      assertEquals("forbidden", bobOnB.request(frame("edit", sid, seq).put("content", "hijack")).getString("code"));
      assertEquals("too_large", aliceOnA.request(frame("edit", sid, seq).put("content", "x".repeat(16 * 1024 + 1)))
          .getString("code"));
      assertEquals("invalid", aliceOnA.request(frame("edit", sid, seq).put("seq", "1").put("content", "x")).getString("code"));
      assertEquals("invalid", aliceOnA.request(frame("edit", sid, seq)
          .put("content", new JsonObject().put("$set", "x"))).getString("code"));
      assertEquals("forbidden", out.request(frame("react", sid, seq).put("emoji", "👍")).getString("code"));
      assertEquals("invalid", bobOnB.request(frame("react", sid, seq).put("emoji", "$where")).getString("code"));
      assertEquals("invalid", bobOnB.request(frame("react", sid, seq).put("emoji", "👍").put("on", "yes")).getString("code"));
      List<JsonObject> history = a.http().history(alice, sid);
      assertEquals(seq, history.size(), history.toString());
      assertEquals("original", at(history, seq).getString("content"));
      assertNull(at(history, seq).getValue("reactions"));
    }
  }
}
