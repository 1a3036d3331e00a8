package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Field;
import palaver.message.Neighbours.Member;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;

@DisplayName("message-service: edits, deletions, reactions and replies as seq'd change events")
class MessageChangesTest {
  private static final Neighbours NEIGHBOURS = new Neighbours();
  private static ServiceUnderTest service;

  @BeforeAll
  static void start() {
    service = Neighbours.start(NEIGHBOURS, new JsonObject());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  // ---- edit ----

  @Test
  @DisplayName("An author's edit is appended as an edit event with its own seq, targeting the message")
  void editAppendsEvent() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "helo");
    JsonObject ack = edit(m, 1, "hello");
    assertEquals(2L, ack.getLong(Field.SEQ));
    assertEquals(1L, ack.getLong(Field.TARGET));
    JsonObject event = stored(m.sid()).get(1);
    assertEquals("edit", event.getString(Field.MSG_TYPE));
    assertEquals(1L, event.getLong(Field.TARGET));
    assertEquals("hello", event.getString(Field.CONTENT));
  }

  @Test
  @DisplayName("After an edit history shows the message's new content with editedAt and editSeq, and the event at its seq")
  void historyShowsEditedMessage() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "helo");
    edit(m, 1, "hello");
    JsonArray page = history(m).getJsonArray(Field.MESSAGES);
    assertEquals(2, page.size());
    JsonObject message = page.getJsonObject(0);
    assertEquals("hello", message.getString(Field.CONTENT));
    assertNotNull(message.getLong(Field.EDITED_AT));
    assertEquals(2L, message.getLong(Field.EDIT_SEQ));
    assertEquals("edit", page.getJsonObject(1).getString(Field.MSG_TYPE));
  }

  @Test
  @DisplayName("A client that synced before an edit learns of it by sync from its last seq")
  void syncReplaysEdit() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "helo");
    edit(m, 1, "hello");
    JsonArray missed = service.request(Address.MESSAGE_SYNC, new JsonObject().put(Field.UID, m.uid())
        .put(Field.POSITIONS, new JsonObject().put(m.sid(), 1))).getJsonObject(Field.SESSIONS).getJsonArray(m.sid());
    assertEquals(1, missed.size());
    assertEquals("edit", missed.getJsonObject(0).getString(Field.MSG_TYPE));
    assertEquals("hello", missed.getJsonObject(0).getString(Field.CONTENT));
  }

  @Test
  @DisplayName("Two edits leave the newest content, whatever order they are applied in")
  void newestEditWins() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "one");
    edit(m, 1, "two");
    edit(m, 1, "three");
    assertEquals("three", stored(m.sid()).get(0).getString(Field.CONTENT));
    // The older edit event applied again (a late retry) changes nothing.
    JsonObject older = stored(m.sid()).get(1);
    Await.result(new MessageStore(service.mongo()).applyEdit(older));
    assertEquals("three", stored(m.sid()).get(0).getString(Field.CONTENT));
  }

  @Test
  @DisplayName("An edit event stored before a crash is applied by the retry with the same cid, and stored once")
  void retryCompletesEdit() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "helo");
    JsonObject first = edit(m, 1, "hello", "e1");
    // As if the node died after appending: the target is put back to its old content.
    Await.result(service.mongo().updateCollection(MessageStore.MESSAGES, new JsonObject().put(Field.SID, m.sid())
        .put(Field.SEQ, 1), new JsonObject().put("$set", new JsonObject().put(Field.CONTENT, "helo"))
        .put("$unset", new JsonObject().put(Field.EDIT_SEQ, "").put(Field.EDITED_AT, ""))));
    JsonObject again = edit(m, 1, "hello", "e1");
    assertEquals(first.getLong(Field.SEQ), again.getLong(Field.SEQ));
    assertEquals(true, again.getBoolean(Field.DUPLICATE));
    assertEquals("hello", stored(m.sid()).get(0).getString(Field.CONTENT));
    assertEquals(2, stored(m.sid()).size());
  }

  @Test
  @DisplayName("An edit of someone else's message is refused with 403 and stores nothing")
  void editOfOthersRefused() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "mine");
    String bob = Neighbours.fresh("bob");
    NEIGHBOURS.join(bob, m.sid());
    assertEquals(403, service.failureCode(Address.MESSAGE_EDIT, editBody(new Member(bob, m.sid()), 1, "his")));
    assertEquals(1, stored(m.sid()).size());
  }

  @Test
  @DisplayName("An edit of a notice is refused with 400")
  void editOfNoticeRefused() {
    Member m = NEIGHBOURS.member();
    service.request(Address.MESSAGE_SYSTEM, new JsonObject().put(Field.UID, m.uid()).put(Field.SID, m.sid())
        .put(Field.CONTENT, new JsonObject().put("event", "join")));
    assertEquals(400, service.failureCode(Address.MESSAGE_EDIT, editBody(m, 1, "x")));
    assertEquals(1, stored(m.sid()).size());
  }

  @Test
  @DisplayName("An edit of a change event is refused with 400")
  void editOfEventRefused() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "one");
    edit(m, 1, "two");
    assertEquals(400, service.failureCode(Address.MESSAGE_EDIT, editBody(m, 2, "x")));
  }

  @Test
  @DisplayName("An edit of a deleted message is refused with 409")
  void editOfDeletedRefused() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "one");
    delete(m, 1);
    assertEquals(409, service.failureCode(Address.MESSAGE_EDIT, editBody(m, 1, "x")));
    assertEquals(2, stored(m.sid()).size());
  }

  @Test
  @DisplayName("An edit longer than a send may be is refused with 413, a blank one with 400")
  void editLimits() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "one");
    assertEquals(413, service.failureCode(Address.MESSAGE_EDIT, editBody(m, 1, "x".repeat(MessageVerticle.MAX_CONTENT + 1))));
    assertEquals(400, service.failureCode(Address.MESSAGE_EDIT, editBody(m, 1, "   ")));
    assertEquals(400, service.failureCode(Address.MESSAGE_EDIT, editBody(m, 1, "x").put(Field.SEQ, "one")));
    assertEquals(1, stored(m.sid()).size());
  }

  @Test
  @DisplayName("An edit of a seq with no message is refused with 404; a non-member's with 403")
  void editMissingOrForeign() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "one");
    assertEquals(404, service.failureCode(Address.MESSAGE_EDIT, editBody(m, 9, "x")));
    assertEquals(403, service.failureCode(Address.MESSAGE_EDIT, editBody(new Member(Neighbours.fresh("x"), m.sid()), 1, "x")));
  }

  @Test
  @DisplayName("Change events move the head's lastSeq but not its lastMessage, and are listed in changeSeqs")
  void headsKeepLastMessage() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "helo");
    edit(m, 1, "hello");
    JsonObject head = service.request(Address.MESSAGE_HEADS, new JsonObject().put(Field.SIDS, new JsonArray().add(m.sid())))
        .getJsonObject(Field.HEADS).getJsonObject(m.sid());
    assertEquals(2L, head.getLong(Field.LAST_SEQ));
    assertEquals(1L, head.getJsonObject(Field.LAST_MESSAGE).getLong(Field.SEQ));
    assertEquals("hello", head.getJsonObject(Field.LAST_MESSAGE).getString(Field.CONTENT));
    assertEquals(new JsonArray().add(2L), head.getJsonArray(Field.CHANGE_SEQS));
  }

  // ---- delete ----

  @Test
  @DisplayName("An author's delete leaves a tombstone at the seq and appends a delete event")
  void authorDeletes() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "oops");
    JsonObject answer = delete(m, 1);
    assertEquals(true, answer.getBoolean(Field.DELETED));
    assertEquals(2L, answer.getLong(Field.EVENT));
    List<JsonObject> all = stored(m.sid());
    assertTrue(all.get(0).getBoolean(Field.DELETED));
    assertNull(all.get(0).getValue(Field.CONTENT));
    assertEquals("delete", all.get(1).getString(Field.MSG_TYPE));
    assertEquals(1L, all.get(1).getLong(Field.TARGET));
  }

  @Test
  @DisplayName("A member's delete of another's message is refused with 403 and stores nothing")
  void memberCannotDeleteOthers() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "mine");
    String bob = Neighbours.fresh("bob");
    NEIGHBOURS.join(bob, m.sid());
    assertEquals(403, service.failureCode(Address.MESSAGE_DELETE, deleteBody(new Member(bob, m.sid()), 1)));
    assertEquals(1, stored(m.sid()).size());
    assertFalse(stored(m.sid()).get(0).getBoolean(Field.DELETED, false));
  }

  @Test
  @DisplayName("The session's owners and admins delete anyone's message")
  void moderatorsDelete() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "one");
    send(m, "c2", "two");
    String owner = Neighbours.fresh("owner");
    String admin = Neighbours.fresh("admin");
    NEIGHBOURS.joinAs(owner, m.sid(), "owner");
    NEIGHBOURS.joinAs(admin, m.sid(), "admin");
    delete(new Member(owner, m.sid()), 1);
    delete(new Member(admin, m.sid()), 2);
    assertTrue(stored(m.sid()).get(0).getBoolean(Field.DELETED));
    assertTrue(stored(m.sid()).get(1).getBoolean(Field.DELETED));
  }

  @Test
  @DisplayName("A server admin's delete (admin:true, the gateway's admin API) needs no membership")
  void serverAdminDeletes() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "one");
    service.request(Address.MESSAGE_DELETE, deleteBody(new Member(Neighbours.fresh("root"), m.sid()), 1).put(Field.ADMIN, true));
    assertTrue(stored(m.sid()).get(0).getBoolean(Field.DELETED));
  }

  @Test
  @DisplayName("Deleting a tombstone again answers it and appends nothing")
  void deleteTwice() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "one");
    delete(m, 1);
    JsonObject again = delete(m, 1);
    assertEquals(true, again.getBoolean(Field.DELETED));
    assertNull(again.getValue(Field.EVENT));
    assertEquals(2, stored(m.sid()).size());
  }

  // ---- reactions ----

  @Test
  @DisplayName("Members' reactions are counted per emoji, one per user, and shown in history")
  void reactionsInHistory() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "nice");
    String bob = Neighbours.fresh("bob");
    NEIGHBOURS.join(bob, m.sid());
    react(m, 1, "👍", true);
    react(new Member(bob, m.sid()), 1, "👍", true);
    react(new Member(bob, m.sid()), 1, "🎉", true);
    JsonObject message = history(m).getJsonArray(Field.MESSAGES).getJsonObject(0);
    JsonObject reactions = message.getJsonObject(Field.REACTIONS);
    assertEquals(new JsonArray().add(m.uid()).add(bob), reactions.getJsonArray("👍"));
    assertEquals(new JsonArray().add(bob), reactions.getJsonArray("🎉"));
    assertEquals(4L, message.getLong(Field.REACT_SEQ));
  }

  @Test
  @DisplayName("Reacting twice with one emoji appends nothing the second time (unchanged)")
  void reactTwice() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "nice");
    react(m, 1, "👍", true);
    JsonObject again = react(m, 1, "👍", true);
    assertEquals(true, again.getBoolean("unchanged"));
    assertEquals(2, stored(m.sid()).size());
  }

  @Test
  @DisplayName("Removing a reaction appends an event with on:false and takes the user off the emoji")
  void removeReaction() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "nice");
    react(m, 1, "👍", true);
    react(m, 1, "👍", false);
    assertNull(history(m).getJsonArray(Field.MESSAGES).getJsonObject(0).getValue(Field.REACTIONS));
    JsonObject event = stored(m.sid()).get(2);
    assertEquals("reaction", event.getString(Field.MSG_TYPE));
    assertEquals(false, event.getBoolean(Field.ON));
  }

  @Test
  @DisplayName("A reaction in a session one is not a member of is refused with 403 and stores nothing")
  void reactionOfStranger() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "nice");
    assertEquals(403, service.failureCode(Address.MESSAGE_REACT, reactBody(new Member(Neighbours.fresh("x"), m.sid()), 1, "👍")));
    assertEquals(1, stored(m.sid()).size());
  }

  @Test
  @DisplayName("Reactions with '$', '.', spaces, too long, or of the wrong type are refused with 400")
  void badReactions() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "nice");
    for (String bad : List.of("$set", "a.b", "a b", "x".repeat(MessageVerticle.MAX_EMOJI + 1), "")) {
      assertEquals(400, service.failureCode(Address.MESSAGE_REACT, reactBody(m, 1, bad)), bad);
    }
    assertEquals(400, service.failureCode(Address.MESSAGE_REACT, reactBody(m, 1, "👍").put(Field.EMOJI, 1)));
    assertEquals(400, service.failureCode(Address.MESSAGE_REACT, reactBody(m, 1, "👍").put(Field.ON, "yes")));
    assertEquals(1, stored(m.sid()).size());
  }

  @Test
  @DisplayName("A deleted message takes no reactions (409)")
  void reactToDeleted() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "nice");
    delete(m, 1);
    assertEquals(409, service.failureCode(Address.MESSAGE_REACT, reactBody(m, 1, "👍")));
  }

  // ---- replies ----

  @Test
  @DisplayName("A reply carries its target's seq, sender and a short quote")
  void replyQuotes() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "x".repeat(500));
    service.request(Address.MESSAGE_SEND, Neighbours.text(m, "c2", "answer").put(Field.REPLY_TO, 1));
    JsonObject reply = history(m).getJsonArray(Field.MESSAGES).getJsonObject(1).getJsonObject(Field.REPLY_TO);
    assertEquals(1L, reply.getLong(Field.SEQ));
    assertEquals(m.uid(), reply.getString(Field.UID));
    assertEquals(MessageVerticle.QUOTE_LENGTH, reply.getString(Field.QUOTE).length());
  }

  @Test
  @DisplayName("A reply to a seq this session does not have (another session's, or none) is refused with 404")
  void replyToForeignRefused() {
    Member a = NEIGHBOURS.member();
    Member b = new Member(a.uid(), Neighbours.fresh("sid"));
    NEIGHBOURS.join(b.uid(), b.sid());
    send(a, "a1", "in a");
    send(a, "a2", "in a again");
    send(b, "b1", "in b");
    assertEquals(404, service.failureCode(Address.MESSAGE_SEND, Neighbours.text(b, "b2", "re").put(Field.REPLY_TO, 2)));
    assertEquals(400, service.failureCode(Address.MESSAGE_SEND, Neighbours.text(b, "b3", "re").put(Field.REPLY_TO, "1")));
    assertEquals(1, stored(b.sid()).size());
  }

  // ---- helpers ----


  private static JsonObject send(Member m, String cid, String content) {
    return service.request(Address.MESSAGE_SEND, Neighbours.text(m, cid, content));
  }

  private static JsonObject editBody(Member m, long seq, String content) {
    return new JsonObject().put(Field.UID, m.uid()).put(Field.SID, m.sid()).put(Field.SEQ, seq).put(Field.CONTENT, content);
  }

  private static JsonObject edit(Member m, long seq, String content) {
    return service.request(Address.MESSAGE_EDIT, editBody(m, seq, content));
  }

  private static JsonObject edit(Member m, long seq, String content, String cid) {
    return service.request(Address.MESSAGE_EDIT, editBody(m, seq, content).put(Field.CID, cid));
  }

  private static JsonObject deleteBody(Member m, long seq) {
    return new JsonObject().put(Field.UID, m.uid()).put(Field.SID, m.sid()).put(Field.SEQ, seq);
  }

  private static JsonObject delete(Member m, long seq) {
    return service.request(Address.MESSAGE_DELETE, deleteBody(m, seq));
  }

  private static JsonObject reactBody(Member m, long seq, String emoji) {
    return new JsonObject().put(Field.UID, m.uid()).put(Field.SID, m.sid()).put(Field.SEQ, seq).put(Field.EMOJI, emoji);
  }

  private static JsonObject react(Member m, long seq, String emoji, boolean on) {
    return service.request(Address.MESSAGE_REACT, reactBody(m, seq, emoji).put(Field.ON, on));
  }

  private static JsonObject history(Member m) {
    return service.request(Address.MESSAGE_HISTORY, new JsonObject().put(Field.UID, m.uid()).put(Field.SID, m.sid()));
  }

  private static List<JsonObject> stored(String sid) {
    return Await.result(service.mongo().findWithOptions(MessageStore.MESSAGES, new JsonObject().put(Field.SID, sid),
        new FindOptions().setSort(new JsonObject().put(Field.SEQ, 1))));
  }
}
