package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Field;
import palaver.api.PushNames;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;

@DisplayName("message-service's push inboxes: append, since, delivered, retention, isolation from chat")
class PushInboxesTest {
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

  // ---- append ----

  @Test
  @DisplayName("Pushes to one inbox are acked with seqs 1, 2, 3 and stored as msgType push")
  void appendsAreSequenced() {
    String sid = inbox();
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      seqs.add(append(sid, "c" + i, content(i)).getLong(Field.SEQ));
    }
    assertEquals(List.of(1L, 2L, 3L), seqs);
    assertEquals("push", stored(sid).get(0).getString(Field.MSG_TYPE));
  }

  @Test
  @DisplayName("A new push is published on the inbox's address as {sid, seq, msgId, content, at}")
  void appendIsPublishedOnInboxAddress() {
    String sid = inbox();
    List<JsonObject> seen = service.listen(Address.fanoutInbox(sid));
    JsonObject ack = append(sid, "m1", content(7));
    Await.until("the push is published", 5_000, () -> seen.size() == 1);
    JsonObject published = seen.get(0);
    assertEquals(sid, published.getString(Field.SID));
    assertEquals(ack.getLong(Field.SEQ), published.getLong(Field.SEQ));
    assertEquals("m1", published.getString(Field.MSG_ID));
    assertEquals(content(7), published.getJsonObject(Field.CONTENT));
    assertEquals(ack.getLong(Field.AT), published.getLong(Field.AT));
  }

  @Test
  @DisplayName("A push is never published on the chat's session address")
  void appendIsNotPublishedAsChat() {
    String sid = inbox();
    List<JsonObject> chat = service.listen(Address.fanoutSession(sid));
    List<JsonObject> inbox = service.listen(Address.fanoutInbox(sid));
    append(sid, "m1", content(1));
    Await.until("the push is published", 5_000, () -> inbox.size() == 1);
    assertTrue(chat.isEmpty());
  }

  @Test
  @DisplayName("A repeated (uid, cid) is acked with the first seq, marked duplicate, stored and published once")
  void repeatIsIdempotent() {
    String sid = inbox();
    List<JsonObject> seen = service.listen(Address.fanoutInbox(sid));
    JsonObject first = append(sid, "sign:ABC", content(1));
    JsonObject again = append(sid, "sign:ABC", content(1));
    assertEquals(first.getLong(Field.SEQ), again.getLong(Field.SEQ));
    assertNull(first.getValue(Field.DUPLICATE));
    assertEquals(true, again.getBoolean(Field.DUPLICATE));
    append(sid, "after", content(2));
    Await.until("the later push is published", 5_000, () -> seen.size() == 2);
    assertEquals(List.of(1L, 2L), seqs(new JsonArray(new ArrayList<>(seen))));
    assertEquals(2, stored(sid).size());
  }

  @Test
  @DisplayName("An append to a sid that is not a push inbox is refused as invalid")
  void appendNeedsInboxSid() {
    assertEquals(400, service.failureCode(Address.MESSAGE_PUSH_APPEND, push("chat-session", "c1", content(1))));
  }

  @Test
  @DisplayName("An append whose content is not an object is refused as invalid")
  void appendNeedsObjectContent() {
    JsonObject body = push(inbox(), "c1", content(1)).put(Field.CONTENT, "text");
    assertEquals(400, service.failureCode(Address.MESSAGE_PUSH_APPEND, body));
  }

  @Test
  @DisplayName("An append without a cid is refused as invalid")
  void appendNeedsCid() {
    JsonObject body = push(inbox(), "c1", content(1));
    body.remove(Field.CID);
    assertEquals(400, service.failureCode(Address.MESSAGE_PUSH_APPEND, body));
  }

  @Test
  @DisplayName("An append with a huge content is refused as too large")
  void appendRefusesHugeContent() {
    JsonObject big = new JsonObject().put("data", "x".repeat(PushInboxes.MAX_CONTENT_BYTES + 1));
    assertEquals(413, service.failureCode(Address.MESSAGE_PUSH_APPEND, push(inbox(), "c1", big)));
  }

  // ---- since and delivered ----

  @Test
  @DisplayName("Since without after answers every push after the delivered mark, ascending, with the mark")
  void sinceStartsAfterDeliveredMark() {
    String sid = inboxWith(5);
    service.request(Address.MESSAGE_PUSH_DELIVERED, new JsonObject().put(Field.SID, sid).put(Field.SEQ, 2L));
    JsonObject since = since(new JsonObject().put(Field.SID, sid));
    assertEquals(List.of(3L, 4L, 5L), seqs(since.getJsonArray(Field.MESSAGES)));
    assertEquals(2L, since.getLong(Field.DELIVERED));
    assertFalse(since.getBoolean(Field.MORE));
  }

  @Test
  @DisplayName("Since answers each push as {sid, seq, msgId, content, at}")
  void sinceAnswersDeliveries() {
    String sid = inbox();
    JsonObject ack = append(sid, "m9", content(9));
    JsonObject push = since(new JsonObject().put(Field.SID, sid)).getJsonArray(Field.MESSAGES).getJsonObject(0);
    assertEquals(new JsonObject().put(Field.SID, sid).put(Field.SEQ, 1L).put(Field.MSG_ID, "m9")
        .put(Field.CONTENT, content(9)).put(Field.AT, ack.getLong(Field.AT)), push);
  }

  @Test
  @DisplayName("Since with after answers the pushes after that seq whatever the mark")
  void sinceAfterSeq() {
    String sid = inboxWith(4);
    service.request(Address.MESSAGE_PUSH_DELIVERED, new JsonObject().put(Field.SID, sid).put(Field.SEQ, 3L));
    JsonObject since = since(new JsonObject().put(Field.SID, sid).put(Field.AFTER, 1L));
    assertEquals(List.of(2L, 3L, 4L), seqs(since.getJsonArray(Field.MESSAGES)));
  }

  @Test
  @DisplayName("Since answers a bounded page and says more follow")
  void sinceIsPaged() {
    String sid = inboxWith(5);
    JsonObject since = since(new JsonObject().put(Field.SID, sid).put(Field.LIMIT, 2L));
    assertEquals(List.of(1L, 2L), seqs(since.getJsonArray(Field.MESSAGES)));
    assertTrue(since.getBoolean(Field.MORE));
  }

  @Test
  @DisplayName("The delivered mark is kept as a max: a lower report does not lower it")
  void deliveredIsAMax() {
    String sid = inboxWith(4);
    service.request(Address.MESSAGE_PUSH_DELIVERED, new JsonObject().put(Field.SID, sid).put(Field.SEQ, 3L));
    service.request(Address.MESSAGE_PUSH_DELIVERED, new JsonObject().put(Field.SID, sid).put(Field.SEQ, 1L));
    assertEquals(3L, since(new JsonObject().put(Field.SID, sid)).getLong(Field.DELIVERED));
  }

  @Test
  @DisplayName("A delivered report beyond the inbox's last seq is ignored")
  void deliveredNotPastHead() {
    String sid = inboxWith(2);
    service.request(Address.MESSAGE_PUSH_DELIVERED, new JsonObject().put(Field.SID, sid).put(Field.SEQ, 99L));
    assertEquals(0L, since(new JsonObject().put(Field.SID, sid)).getLong(Field.DELIVERED));
  }

  @Test
  @DisplayName("An inbox with a delivered mark still takes new pushes with the next seq")
  void appendAfterMark() {
    String sid = inboxWith(2);
    service.request(Address.MESSAGE_PUSH_DELIVERED, new JsonObject().put(Field.SID, sid).put(Field.SEQ, 2L));
    assertEquals(3L, append(sid, "later", content(3)).getLong(Field.SEQ));
    assertEquals(List.of(3L), seqs(since(new JsonObject().put(Field.SID, sid)).getJsonArray(Field.MESSAGES)));
  }

  // ---- retention ----

  @Test
  @DisplayName("A push whose expiresAt has passed is never returned by since")
  void expiredIsNotReturned() {
    String sid = inbox();
    service.request(Address.MESSAGE_PUSH_APPEND, push(sid, "old", content(1)).put(Field.EXPIRES_AT, 1L));
    append(sid, "new", content(2));
    assertEquals(List.of(2L), seqs(since(new JsonObject().put(Field.SID, sid)).getJsonArray(Field.MESSAGES)));
  }

  @Test
  @DisplayName("The sweep deletes expired pushes and keeps unexpired ones and chat messages")
  void sweepDeletesExpired() {
    String sid = inbox();
    service.request(Address.MESSAGE_PUSH_APPEND, push(sid, "old", content(1)).put(Field.EXPIRES_AT, 1L));
    append(sid, "new", content(2));
    String chatUid = Neighbours.fresh("uid");
    String chatSid = Neighbours.fresh("sid");
    NEIGHBOURS.join(chatUid, chatSid);
    service.request(Address.MESSAGE_SEND, text(chatUid, chatSid));
    long removed = Await.result(new MessageStore(service.mongo()).deleteExpired(System.currentTimeMillis()));
    assertTrue(removed >= 1);
    assertEquals(List.of("new"), stored(sid).stream().map(m -> m.getString(Field.CID)).toList());
    assertEquals(1, stored(chatSid).size());
  }

  // ---- isolation from chat ----

  @Test
  @DisplayName("A chat send to an inbox sid is forbidden even when session-service calls the user a member")
  void chatCannotSendToInbox() {
    String sid = inbox();
    String uid = Neighbours.fresh("uid");
    NEIGHBOURS.join(uid, sid);
    assertEquals(403, service.failureCode(Address.MESSAGE_SEND, text(uid, sid)));
    assertTrue(stored(sid).isEmpty());
  }

  @Test
  @DisplayName("A chat history of an inbox sid is forbidden even when session-service calls the user a member")
  void chatCannotReadInboxHistory() {
    String sid = inboxWith(1);
    String uid = Neighbours.fresh("uid");
    NEIGHBOURS.join(uid, sid);
    assertEquals(403, service.failureCode(Address.MESSAGE_HISTORY,
        new JsonObject().put(Field.UID, uid).put(Field.SID, sid)));
  }

  @Test
  @DisplayName("A chat sync of an inbox sid answers it as forbidden, with none of its pushes")
  void chatCannotSyncInbox() {
    String sid = inboxWith(1);
    String uid = Neighbours.fresh("uid");
    NEIGHBOURS.join(uid, sid);
    JsonObject sync = service.request(Address.MESSAGE_SYNC, new JsonObject().put(Field.UID, uid)
        .put(Field.POSITIONS, new JsonObject().put(sid, 0L)));
    assertEquals(new JsonArray().add(sid), sync.getJsonArray(Field.FORBIDDEN));
    assertFalse(sync.encode().contains("\"seq\":1"), sync.encode());
  }

  @Test
  @DisplayName("Heads leave inbox sids out")
  void headsLeaveInboxesOut() {
    String sid = inboxWith(1);
    JsonObject heads = service.request(Address.MESSAGE_HEADS, new JsonObject().put(Field.SIDS, new JsonArray().add(sid)));
    assertTrue(heads.getJsonObject(Field.HEADS).isEmpty());
  }

  // ---- helpers ----

  private static String inbox() {
    return PushNames.inbox("app1", Neighbours.fresh("user"));
  }

  private static String inboxWith(int n) {
    String sid = inbox();
    for (int i = 0; i < n; i++) {
      append(sid, "c" + i, content(i));
    }
    return sid;
  }

  private static JsonObject content(int i) {
    return new JsonObject().put(Field.EVENT, "e").put(Field.DATA, new JsonObject().put("n", i));
  }

  private static JsonObject push(String sid, String cid, JsonObject content) {
    return new JsonObject().put(Field.SID, sid).put(Field.UID, senderOf(sid)).put(Field.CID, cid)
        .put(Field.CONTENT, content).put(Field.EXPIRES_AT, System.currentTimeMillis() + 60_000);
  }

  /** One sender per inbox: a sender's cids are unique across all its inboxes, as (uid, cid) is. */
  private static String senderOf(String sid) {
    return PushNames.appServer(sid.substring(PushNames.INBOX_PREFIX.length()));
  }

  private static JsonObject append(String sid, String cid, JsonObject content) {
    return service.request(Address.MESSAGE_PUSH_APPEND, push(sid, cid, content));
  }

  private static JsonObject since(JsonObject query) {
    return service.request(Address.MESSAGE_PUSH_SINCE, query);
  }

  private static JsonObject text(String uid, String sid) {
    return new JsonObject().put(Field.UID, uid).put(Field.SID, sid).put(Field.CID, Neighbours.fresh("c"))
        .put(Field.MSG_TYPE, "text").put(Field.CONTENT, "hello");
  }

  private static List<JsonObject> stored(String sid) {
    return Await.result(service.mongo().findWithOptions(MessageStore.MESSAGES, new JsonObject().put(Field.SID, sid),
        new FindOptions().setSort(new JsonObject().put(Field.SEQ, 1))));
  }

  private static List<Long> seqs(JsonArray messages) {
    List<Long> seqs = new ArrayList<>();
    messages.forEach(m -> seqs.add(((JsonObject) m).getLong(Field.SEQ)));
    return seqs;
  }
}
