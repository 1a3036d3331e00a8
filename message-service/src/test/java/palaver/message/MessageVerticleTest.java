package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Field;
import palaver.api.Frames;
import palaver.message.Neighbours.Member;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;

@DisplayName("message-service on the bus: send, system, history, sync, heads")
class MessageVerticleTest {
  private static final Neighbours NEIGHBOURS = new Neighbours();
  private static ServiceUnderTest service;

  /** A member of a session of their own. */
  @BeforeAll
  static void start() {
    service = Neighbours.start(NEIGHBOURS, new JsonObject());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  // ---- send ----

  @Test
  @DisplayName("A member's send is acked with the session, the cid, an id, seq 1 and a time")
  void sendIsAckedWithSeq() {
    Member m = NEIGHBOURS.member();
    JsonObject ack = send(m, "c1", "hello");
    assertEquals(m.sid(), ack.getString(Field.SID));
    assertEquals("c1", ack.getString(Field.CID));
    assertNotNull(ack.getString(Field.ID));
    assertEquals(1L, ack.getLong(Field.SEQ));
    assertNotNull(ack.getLong(Field.AT));
  }

  @Test
  @DisplayName("Sends one after another get seqs 1, 2, 3, ... without gaps")
  void sequentialSeqsAreGapFree() {
    Member m = NEIGHBOURS.member();
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      seqs.add(send(m, "c" + i, "text " + i).getLong(Field.SEQ));
    }
    assertEquals(LongStream.rangeClosed(1, 10).boxed().toList(), seqs);
  }

  @Test
  @DisplayName("Concurrent sends to one session are given each of the seqs 1..n exactly once")
  void concurrentSeqsAreGapFree() {
    Member m = NEIGHBOURS.member();
    List<Long> seqs = sendAll(m, 40).stream().map(ack -> ack.getLong(Field.SEQ)).sorted().toList();
    assertEquals(LongStream.rangeClosed(1, 40).boxed().toList(), seqs);
  }

  @Test
  @DisplayName("A send is stored with the sender's nickname and avatar from user-service")
  void sendCarriesProfile() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "hello");
    JsonObject stored = storedMessages(m.sid()).get(0);
    assertEquals(Neighbours.nickname(m.uid()), stored.getString(Field.NICKNAME));
    assertEquals("avatar-" + m.uid(), stored.getString(Field.AVATAR));
  }

  @Test
  @DisplayName("A retried send (same uid and cid) gets the same ack, marked duplicate")
  void retryGetsSameAck() {
    Member m = NEIGHBOURS.member();
    JsonObject first = send(m, "same", "hello");
    JsonObject again = send(m, "same", "hello");
    assertEquals(first.getString(Field.ID), again.getString(Field.ID));
    assertEquals(first.getLong(Field.SEQ), again.getLong(Field.SEQ));
    assertNull(first.getValue(Field.DUPLICATE));
    assertEquals(true, again.getBoolean(Field.DUPLICATE));
  }

  @Test
  @DisplayName("A retried send is stored once and takes no seq of its own")
  void retryIsStoredOnce() {
    Member m = NEIGHBOURS.member();
    send(m, "same", "hello");
    send(m, "same", "hello");
    assertEquals(2L, send(m, "other", "next").getLong(Field.SEQ));
    assertEquals(2, storedMessages(m.sid()).size());
  }

  @Test
  @DisplayName("Concurrent copies of one send (same uid and cid in one batch) are stored once and all get its seq")
  void concurrentRetriesAreStoredOnce() {
    Member m = NEIGHBOURS.member();
    List<Future<JsonObject>> acks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      acks.add(Bus.request(service.vertx(), Address.MESSAGE_SEND, Neighbours.text(m, "same", "hello")));
    }
    Await.result(Future.all(acks));
    assertTrue(acks.stream().allMatch(a -> a.result().getLong(Field.SEQ) == 1L));
    assertEquals(1, storedMessages(m.sid()).size());
  }

  @Test
  @DisplayName("A cid the sender already used in another session is refused with 409 conflict and not stored there")
  void cidOfAnotherSessionConflicts() {
    Member a = NEIGHBOURS.member();
    Member b = new Member(a.uid(), Neighbours.fresh("sid"));
    NEIGHBOURS.join(b.uid(), b.sid());
    send(a, "same", "in a");
    assertEquals(409, service.failureCode(Address.MESSAGE_SEND, Neighbours.text(b, "same", "in b")));
    assertEquals(0, storedMessages(b.sid()).size());
  }

  @Test
  @DisplayName("After a cid was refused in another session, its retry in the first session still gets the original ack")
  void cidConflictKeepsOriginalRetry() {
    Member a = NEIGHBOURS.member();
    Member b = new Member(a.uid(), Neighbours.fresh("sid"));
    NEIGHBOURS.join(b.uid(), b.sid());
    JsonObject first = send(a, "same", "in a");
    service.failureCode(Address.MESSAGE_SEND, Neighbours.text(b, "same", "in b"));
    JsonObject again = send(a, "same", "in a");
    assertEquals(first.getString(Field.ID), again.getString(Field.ID));
    assertEquals(true, again.getBoolean(Field.DUPLICATE));
  }

  @Test
  @DisplayName("A send to a session the sender is not a member of is refused with 403 and not stored")
  void nonMemberIsRefused() {
    Member m = NEIGHBOURS.member();
    String stranger = Neighbours.fresh("stranger");
    assertEquals(403, service.failureCode(Address.MESSAGE_SEND, Neighbours.text(new Member(stranger, m.sid()), "c1", "hi")));
    assertEquals(0, storedMessages(m.sid()).size());
  }

  @Test
  @DisplayName("A client can't send a system message: msgType system is refused with 400")
  void clientSystemMessageIsRefused() {
    Member m = NEIGHBOURS.member();
    assertEquals(400, service.failureCode(Address.MESSAGE_SEND, Neighbours.text(m, "c1", "hi").put(Field.MSG_TYPE, "system")));
  }

  @Test
  @DisplayName("A text send without content is refused with 400")
  void blankTextIsRefused() {
    assertEquals(400, service.failureCode(Address.MESSAGE_SEND, Neighbours.text(NEIGHBOURS.member(), "c1", "  ")));
  }

  @Test
  @DisplayName("A send with content over the limit is refused with 413")
  void oversizedContentIsRefused() {
    String big = "x".repeat(MessageVerticle.MAX_CONTENT + 1);
    assertEquals(413, service.failureCode(Address.MESSAGE_SEND, Neighbours.text(NEIGHBOURS.member(), "c1", big)));
  }

  @Test
  @DisplayName("A system notice on palaver.message.system is stored with msgType system and the next seq")
  void systemMessageIsStored() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "hello");
    JsonObject ack = service.request(Address.MESSAGE_SYSTEM, new JsonObject().put(Field.SID, m.sid()).put(Field.UID, m.uid())
        .put(Field.CONTENT, new JsonObject().put(Field.ACTION, "join")));
    assertEquals(2L, ack.getLong(Field.SEQ));
    JsonObject stored = storedMessages(m.sid()).get(1);
    assertEquals("system", stored.getString(Field.MSG_TYPE));
    assertEquals("join", stored.getJsonObject(Field.CONTENT).getString(Field.ACTION));
  }

  // ---- fan-out ----

  @Test
  @DisplayName("A new message's frame is published on palaver.fanout.session.<sid>")
  void newMessageIsPublished() {
    Member m = NEIGHBOURS.member();
    List<JsonObject> frames = service.listen(Address.fanoutSession(m.sid()));
    JsonObject ack = send(m, "c1", "hello");
    Await.until("the message frame", 5_000, () -> !frames.isEmpty());
    JsonObject frame = frames.get(0);
    assertEquals(Frames.MESSAGE, frame.getString(Field.TYPE));
    assertEquals(ack.getString(Field.ID), frame.getString(Field.ID));
    assertEquals(1L, frame.getLong(Field.SEQ));
    assertEquals("hello", frame.getString(Field.CONTENT));
    assertEquals(Neighbours.nickname(m.uid()), frame.getString(Field.NICKNAME));
  }

  @Test
  @DisplayName("The message frame is published only once the message is stored")
  void publishedAfterStored() {
    Member m = NEIGHBOURS.member();
    List<Boolean> storedWhenPublished = new CopyOnWriteArrayList<>();
    Await.result(service.vertx().eventBus().<JsonObject>consumer(Address.fanoutSession(m.sid()), frame ->
        service.mongo().findOne(MessageStore.MESSAGES, new JsonObject().put("_id", frame.body().getString(Field.ID)), null)
            .onComplete(ar -> storedWhenPublished.add(ar.succeeded() && ar.result() != null))).completion());
    send(m, "c1", "hello");
    Await.until("the message frame", 5_000, () -> !storedWhenPublished.isEmpty());
    assertEquals(List.of(true), storedWhenPublished);
  }

  @Test
  @DisplayName("A retried send is not published a second time")
  void retryIsNotPublished() {
    Member m = NEIGHBOURS.member();
    List<JsonObject> frames = service.listen(Address.fanoutSession(m.sid()));
    send(m, "same", "hello");
    send(m, "same", "hello");
    send(m, "next", "after");
    Await.until("the second message's frame", 5_000, () -> frames.size() >= 2);
    assertEquals(List.of(1L, 2L), frames.stream().map(f -> f.getLong(Field.SEQ)).toList());
  }

  // ---- admission control ----

  @Test
  @DisplayName("A send that says it waits a sensible time (waitMs) is stored")
  void validWaitIsAccepted() {
    assertEquals(1L, service.request(Address.MESSAGE_SEND, Neighbours.text(NEIGHBOURS.member(), "c1", "hi").put(Field.WAIT_MS, 5_000))
        .getLong(Field.SEQ));
  }

  @Test
  @DisplayName("waitMs of 0 is refused with 400")
  void zeroWaitIsRefused() {
    assertEquals(400, service.failureCode(Address.MESSAGE_SEND, Neighbours.text(NEIGHBOURS.member(), "c1", "hi").put(Field.WAIT_MS, 0)));
  }

  @Test
  @DisplayName("waitMs beyond the longest allowed wait is refused with 400")
  void tooLongWaitIsRefused() {
    assertEquals(400, service.failureCode(Address.MESSAGE_SEND,
        Neighbours.text(NEIGHBOURS.member(), "c1", "hi").put(Field.WAIT_MS, MessageVerticle.MAX_WAIT_MS + 1)));
  }

  @Test
  @DisplayName("waitMs that is not an integer is refused with 400")
  void nonNumericWaitIsRefused() {
    assertEquals(400, service.failureCode(Address.MESSAGE_SEND, Neighbours.text(NEIGHBOURS.member(), "c1", "hi").put(Field.WAIT_MS, "soon")));
  }

  // ---- history ----

  @Test
  @DisplayName("History without a position answers the newest page, ascending, and says more are older")
  void historyNewestPage() {
    Member m = memberWithMessages(10);
    JsonObject page = history(m, new JsonObject().put(Field.LIMIT, 4));
    assertEquals(List.of(7L, 8L, 9L, 10L), seqs(page.getJsonArray(Field.MESSAGES)));
    assertTrue(page.getBoolean(Field.MORE));
  }

  @Test
  @DisplayName("History before a seq pages backwards; the oldest page says no more")
  void historyBefore() {
    Member m = memberWithMessages(10);
    JsonObject older = history(m, new JsonObject().put(Field.BEFORE, 7).put(Field.LIMIT, 4));
    assertEquals(List.of(3L, 4L, 5L, 6L), seqs(older.getJsonArray(Field.MESSAGES)));
    assertTrue(older.getBoolean(Field.MORE));
    JsonObject oldest = history(m, new JsonObject().put(Field.BEFORE, 3).put(Field.LIMIT, 4));
    assertEquals(List.of(1L, 2L), seqs(oldest.getJsonArray(Field.MESSAGES)));
    assertFalse(oldest.getBoolean(Field.MORE));
  }

  @Test
  @DisplayName("History after a seq pages forwards; the newest page says no more")
  void historyAfter() {
    Member m = memberWithMessages(10);
    JsonObject forward = history(m, new JsonObject().put(Field.AFTER, 5).put(Field.LIMIT, 3));
    assertEquals(List.of(6L, 7L, 8L), seqs(forward.getJsonArray(Field.MESSAGES)));
    assertTrue(forward.getBoolean(Field.MORE));
    JsonObject last = history(m, new JsonObject().put(Field.AFTER, 8).put(Field.LIMIT, 3));
    assertEquals(List.of(9L, 10L), seqs(last.getJsonArray(Field.MESSAGES)));
    assertFalse(last.getBoolean(Field.MORE));
  }

  @Test
  @DisplayName("History carries message frames' fields (id, seq, uid, nickname, msgType, content)")
  void historyMessageShape() {
    Member m = NEIGHBOURS.member();
    JsonObject ack = send(m, "c1", "hello");
    JsonObject message = history(m, new JsonObject()).getJsonArray(Field.MESSAGES).getJsonObject(0);
    assertEquals(ack.getString(Field.ID), message.getString(Field.ID));
    assertEquals(m.uid(), message.getString(Field.UID));
    assertEquals(Neighbours.nickname(m.uid()), message.getString(Field.NICKNAME));
    assertEquals("text", message.getString(Field.MSG_TYPE));
    assertEquals("hello", message.getString(Field.CONTENT));
  }

  @Test
  @DisplayName("History of a session the caller is not a member of is refused with 403")
  void historyNonMember() {
    Member m = memberWithMessages(1);
    assertEquals(403, service.failureCode(Address.MESSAGE_HISTORY,
        new JsonObject().put(Field.UID, Neighbours.fresh("stranger")).put(Field.SID, m.sid())));
  }

  @Test
  @DisplayName("A history limit over the largest page is refused with 400")
  void historyLimitTooLarge() {
    Member m = NEIGHBOURS.member();
    assertEquals(400, service.failureCode(Address.MESSAGE_HISTORY, new JsonObject().put(Field.UID, m.uid())
        .put(Field.SID, m.sid()).put(Field.LIMIT, MessageVerticle.HISTORY_LIMIT + 1)));
  }

  // ---- sync ----

  @Test
  @DisplayName("Sync answers the messages after each position, per session")
  void syncAfterPositions() {
    Member a = memberWithMessages(5);
    String other = Neighbours.fresh("sid");
    NEIGHBOURS.join(a.uid(), other);
    for (int i = 0; i < 3; i++) {
      send(new Member(a.uid(), other), "o" + i, "other " + i);
    }
    JsonObject result = sync(a.uid(), new JsonObject().put(a.sid(), 3).put(other, 0));
    assertEquals(List.of(4L, 5L), seqs(result.getJsonObject(Field.SESSIONS).getJsonArray(a.sid())));
    assertEquals(List.of(1L, 2L, 3L), seqs(result.getJsonObject(Field.SESSIONS).getJsonArray(other)));
    assertEquals(new JsonArray(), result.getJsonArray(Field.MORE));
  }

  @Test
  @DisplayName("Sync reads from the store a session whose messages this instance never kept (another instance wrote them)")
  void syncFromStore() {
    Member a = NEIGHBOURS.member();
    for (long seq = 1; seq <= 3; seq++) {
      Await.result(service.mongo().insert(MessageStore.MESSAGES, new JsonObject().put("_id", Neighbours.fresh("id"))
          .put(Field.SID, a.sid()).put(Field.SEQ, seq).put(Field.UID, "elsewhere").put(Field.CID, Neighbours.fresh("c"))
          .put(Field.MSG_TYPE, "text").put(Field.CONTENT, "m" + seq).put(Field.AT, 1L)));
    }
    JsonObject result = sync(a.uid(), new JsonObject().put(a.sid(), 1));
    assertEquals(List.of(2L, 3L), seqs(result.getJsonObject(Field.SESSIONS).getJsonArray(a.sid())));
  }

  @Test
  @DisplayName("Sync leaves out a session already up to date")
  void syncUpToDate() {
    Member a = memberWithMessages(3);
    JsonObject result = sync(a.uid(), new JsonObject().put(a.sid(), 3));
    assertNull(result.getJsonObject(Field.SESSIONS).getJsonArray(a.sid()));
    assertEquals(new JsonArray(), result.getJsonArray(Field.MORE));
  }

  @Test
  @DisplayName("Sync of a session with more missed messages than one answer holds lists it in more")
  void syncMore() {
    Member a = NEIGHBOURS.member();
    sendAll(a, SyncReader.PER_SESSION + 5);
    JsonObject result = sync(a.uid(), new JsonObject().put(a.sid(), 0));
    List<Long> seqs = seqs(result.getJsonObject(Field.SESSIONS).getJsonArray(a.sid()));
    assertEquals(LongStream.rangeClosed(1, SyncReader.PER_SESSION).boxed().toList(), seqs);
    assertEquals(new JsonArray().add(a.sid()), result.getJsonArray(Field.MORE));
  }

  @Test
  @DisplayName("Sync lists the sessions the user is not a member of as forbidden, without their messages")
  void syncForbidden() {
    Member a = memberWithMessages(2);
    String stranger = Neighbours.fresh("stranger");
    JsonObject result = sync(stranger, new JsonObject().put(a.sid(), 0));
    assertEquals(new JsonArray().add(a.sid()), result.getJsonArray(Field.FORBIDDEN));
    assertTrue(result.getJsonObject(Field.SESSIONS).isEmpty());
  }

  @Test
  @DisplayName("Sync with a position that is not a number is refused with 400")
  void syncBadPosition() {
    assertEquals(400, service.failureCode(Address.MESSAGE_SYNC, new JsonObject().put(Field.UID, "u")
        .put(Field.POSITIONS, new JsonObject().put("s", "three"))));
  }

  // ---- heads ----

  @Test
  @DisplayName("Heads answer each session's last seq and last message")
  void headsOfSessions() {
    Member a = memberWithMessages(3);
    JsonObject head = heads(new JsonObject().put(Field.SIDS, new JsonArray().add(a.sid()))).getJsonObject(a.sid());
    assertEquals(3L, head.getLong(Field.LAST_SEQ));
    assertEquals(3L, head.getJsonObject(Field.LAST_MESSAGE).getLong(Field.SEQ));
    assertEquals("text 2", head.getJsonObject(Field.LAST_MESSAGE).getString(Field.CONTENT));
  }

  @Test
  @DisplayName("Heads asked with a uid also say the newest seq that user wrote there (ownSeq)")
  void headsOwnSeq() {
    Member a = memberWithMessages(2);
    String bob = Neighbours.fresh("bob");
    NEIGHBOURS.join(bob, a.sid());
    send(new Member(bob, a.sid()), "b1", "from bob");
    JsonObject query = new JsonObject().put(Field.SIDS, new JsonArray().add(a.sid()));
    assertEquals(2L, heads(query.copy().put(Field.UID, a.uid())).getJsonObject(a.sid()).getLong(Field.OWN_SEQ));
    assertEquals(3L, heads(query.copy().put(Field.UID, bob)).getJsonObject(a.sid()).getLong(Field.OWN_SEQ));
  }

  @Test
  @DisplayName("Heads leave out sessions without messages")
  void headsOfEmptySession() {
    JsonObject heads = heads(new JsonObject().put(Field.SIDS, new JsonArray().add(Neighbours.fresh("empty"))));
    assertTrue(heads.isEmpty());
  }

  @Test
  @DisplayName("Heads without an array of sids are refused with 400")
  void headsInvalid() {
    assertEquals(400, service.failureCode(Address.MESSAGE_HEADS,
        new JsonObject().put(Field.SIDS, new JsonArray().add(1))));
  }

  @Test
  @DisplayName("Health answers once the store answers")
  void health() {
    assertNotNull(service.request(Address.HEALTH_MESSAGE, new JsonObject()));
  }

  // ---- helpers ----


  /** A member of a session holding {@code n} of their texts, "text 0" .. "text n-1". */
  private static Member memberWithMessages(int n) {
    Member m = NEIGHBOURS.member();
    for (int i = 0; i < n; i++) {
      send(m, "c" + i, "text " + i);
    }
    return m;
  }

  /** {@code n} texts sent at once (so they are stored in a few batches, not one by one); their acks. */
  private static List<JsonObject> sendAll(Member m, int n) {
    List<Future<JsonObject>> acks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      acks.add(Bus.request(service.vertx(), Address.MESSAGE_SEND, Neighbours.text(m, "c" + i, "text " + i)));
    }
    Await.result(Future.all(acks));
    return acks.stream().map(Future::result).toList();
  }

  private static JsonObject send(Member m, String cid, String content) {
    return service.request(Address.MESSAGE_SEND, Neighbours.text(m, cid, content));
  }

  private static JsonObject history(Member m, JsonObject paging) {
    return service.request(Address.MESSAGE_HISTORY, paging.put(Field.UID, m.uid()).put(Field.SID, m.sid()));
  }

  private static JsonObject sync(String uid, JsonObject positions) {
    return service.request(Address.MESSAGE_SYNC, new JsonObject().put(Field.UID, uid).put(Field.POSITIONS, positions));
  }

  private static JsonObject heads(JsonObject query) {
    return service.request(Address.MESSAGE_HEADS, query).getJsonObject(Field.HEADS);
  }

  private static List<JsonObject> storedMessages(String sid) {
    return Await.result(service.mongo().findWithOptions(MessageStore.MESSAGES, new JsonObject().put(Field.SID, sid),
        new io.vertx.ext.mongo.FindOptions().setSort(new JsonObject().put(Field.SEQ, 1))));
  }

  private static List<Long> seqs(JsonArray messages) {
    List<Long> seqs = new ArrayList<>();
    messages.forEach(m -> seqs.add(((JsonObject) m).getLong(Field.SEQ)));
    return seqs;
  }
}
