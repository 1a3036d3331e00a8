package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.eventbus.ReplyException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Field;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;

@DisplayName("message-service: mentions (validated, stored with the message, counted as unread, notified)")
class MentionsTest {
  private static final Neighbours NEIGHBOURS = new Neighbours();
  private static ServiceUnderTest service;

  /** A group with its owner and two plain members. */
  private record Group(String sid, String owner, String ann, String bob) {
  }

  @BeforeAll
  static void start() {
    service = Neighbours.start(NEIGHBOURS, new JsonObject());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  // ---- validation ----

  @Test
  @DisplayName("A send mentioning members is stored with their uids, and history shows them")
  void mentionsStored() {
    Group g = group();
    send(g.owner(), g, "c1", "hi @ann @bob", mentions(g.ann(), g.bob()));
    JsonObject shown = history(g).getJsonObject(0);
    assertEquals(new JsonArray().add(g.ann()).add(g.bob()), shown.getJsonArray(Field.MENTIONS));
    assertNull(shown.getValue(Field.MENTION_ALL));
  }

  @Test
  @DisplayName("A mention of someone who is not a member is refused with 400 naming them, and nothing is stored")
  void nonMemberRefused() {
    Group g = group();
    String stranger = Neighbours.fresh("stranger");
    ReplyException refused = service.failure(Address.MESSAGE_SEND,
        text(g.owner(), g, "c1", "hi @x").put(Field.MENTIONS, mentions(g.ann(), stranger)));
    assertEquals(400, refused.failureCode());
    assertTrue(refused.getMessage().contains(stranger), refused.getMessage());
    assertEquals(0, history(g).size());
  }

  @Test
  @DisplayName("mentions that are not an array of uids, or more than 20, are refused with 400")
  void malformedRefused() {
    Group g = group();
    assertEquals(400, service.failureCode(Address.MESSAGE_SEND, text(g.owner(), g, "c1", "x").put(Field.MENTIONS, g.ann())));
    assertEquals(400, service.failureCode(Address.MESSAGE_SEND,
        text(g.owner(), g, "c2", "x").put(Field.MENTIONS, new JsonArray().add(42))));
    JsonArray many = new JsonArray();
    for (int i = 0; i <= MessageVerticle.MAX_MENTIONS; i++) {
      many.add(g.ann() + i);
    }
    assertEquals(400, service.failureCode(Address.MESSAGE_SEND, text(g.owner(), g, "c3", "x").put(Field.MENTIONS, many)));
    assertEquals(400, service.failureCode(Address.MESSAGE_SEND, text(g.owner(), g, "c4", "x").put(Field.MENTION_ALL, "yes")));
    assertEquals(0, history(g).size());
  }

  @Test
  @DisplayName("@all by a plain member of a group is refused with 403 and stores nothing")
  void allByMemberRefused() {
    Group g = group();
    assertEquals(403, service.failureCode(Address.MESSAGE_SEND,
        text(g.ann(), g, "c1", "@all look").put(Field.MENTION_ALL, true)));
    assertEquals(0, history(g).size());
  }

  @Test
  @DisplayName("@all in a private session is refused with 400 and stores nothing")
  void allInPrivateRefused() {
    String sid = Neighbours.fresh("pair");
    String a = Neighbours.fresh("a");
    NEIGHBOURS.joinAs(a, sid, "owner");
    NEIGHBOURS.pair(sid);
    JsonObject body = new JsonObject().put(Field.UID, a).put(Field.SID, sid).put(Field.CID, "c1")
        .put(Field.MSG_TYPE, "text").put(Field.CONTENT, "@all").put(Field.MENTION_ALL, true);
    assertEquals(400, service.failureCode(Address.MESSAGE_SEND, body));
    assertEquals(0, service.request(Address.MESSAGE_HISTORY, new JsonObject().put(Field.UID, a).put(Field.SID, sid))
        .getJsonArray(Field.MESSAGES).size());
  }

  @Test
  @DisplayName("The sender mentioning themselves is dropped from the mentions")
  void selfDropped() {
    Group g = group();
    send(g.ann(), g, "c1", "me @ann and @bob", mentions(g.ann(), g.bob(), g.bob()));
    assertEquals(new JsonArray().add(g.bob()), history(g).getJsonObject(0).getJsonArray(Field.MENTIONS));
  }

  // ---- counting ----

  @Test
  @DisplayName("A user's unread mentions count the messages after their read position that mention them")
  void countedAboveReadPosition() {
    Group g = group();
    send(g.owner(), g, "c1", "@ann one", mentions(g.ann()));
    send(g.owner(), g, "c2", "no mention", null);
    send(g.owner(), g, "c3", "@ann @bob three", mentions(g.ann(), g.bob()));
    assertEquals(2L, unreadMentions(g, g.ann(), 0));
    assertEquals(1L, unreadMentions(g, g.ann(), 1));
    assertEquals(0L, unreadMentions(g, g.ann(), 3));
    assertEquals(1L, unreadMentions(g, g.bob(), 0));
    assertEquals(0L, unreadMentions(g, g.owner(), 0));
  }

  @Test
  @DisplayName("@all by an admin counts once for every member but the sender, also one mentioned by uid too")
  void allCountsForEveryone() {
    Group g = group();
    send(g.owner(), g, "c1", "@all @ann", mentions(g.ann()).copy(), true);
    assertEquals(1L, unreadMentions(g, g.ann(), 0));
    assertEquals(1L, unreadMentions(g, g.bob(), 0));
    assertEquals(0L, unreadMentions(g, g.owner(), 0));
  }

  @Test
  @DisplayName("A user's own message counts as read, so mentions before it no longer count")
  void writingClearsMentions() {
    Group g = group();
    send(g.owner(), g, "c1", "@ann", mentions(g.ann()));
    send(g.ann(), g, "c2", "answer", null);
    assertEquals(0L, unreadMentions(g, g.ann(), 0));
  }

  @Test
  @DisplayName("A deleted message's mention no longer counts")
  void deletedNoLongerCounts() {
    Group g = group();
    send(g.owner(), g, "c1", "@ann one", mentions(g.ann()));
    send(g.owner(), g, "c2", "@ann two", mentions(g.ann()));
    service.request(Address.MESSAGE_DELETE, new JsonObject().put(Field.UID, g.owner()).put(Field.SID, g.sid()).put(Field.SEQ, 1));
    assertEquals(1L, unreadMentions(g, g.ann(), 0));
    assertNull(history(g).getJsonObject(0).getValue(Field.MENTIONS), "a tombstone shows no mentions");
  }

  @Test
  @DisplayName("A retried send (same cid) is stored and counted once")
  void retryCountedOnce() {
    Group g = group();
    send(g.owner(), g, "c1", "@ann", mentions(g.ann()));
    JsonObject again = service.request(Address.MESSAGE_SEND, text(g.owner(), g, "c1", "@ann").put(Field.MENTIONS, mentions(g.ann())));
    assertEquals(true, again.getBoolean(Field.DUPLICATE));
    assertEquals(1L, unreadMentions(g, g.ann(), 0));
  }

  @Test
  @DisplayName("A head asked without read positions carries no mentions count")
  void headsWithoutPositions() {
    Group g = group();
    send(g.owner(), g, "c1", "@ann", mentions(g.ann()));
    JsonObject head = service.request(Address.MESSAGE_HEADS, new JsonObject().put(Field.SIDS, new JsonArray().add(g.sid()))
        .put(Field.UID, g.ann())).getJsonObject(Field.HEADS).getJsonObject(g.sid());
    assertNull(head.getValue(Field.MENTIONS));
  }

  // ---- notification ----

  @Test
  @DisplayName("Each user mentioned by uid gets one mention notification, a retry notifies nobody again")
  void mentionedAreNotified() {
    Group g = group();
    send(g.owner(), g, "c1", "hey @ann", mentions(g.ann()));
    service.request(Address.MESSAGE_SEND, text(g.owner(), g, "c1", "hey @ann").put(Field.MENTIONS, mentions(g.ann())));
    // A later mention of bob: once it arrived, any notification of the retry would have too.
    send(g.owner(), g, "c2", "and @bob", mentions(g.bob()));
    awaitNotification(g.bob());
    List<JsonObject> notes = notificationsOf(g.ann());
    assertEquals(1, notes.size());
    JsonObject note = notes.get(0);
    assertEquals(MessageVerticle.MENTION_KIND, note.getString(Field.KIND));
    JsonObject data = note.getJsonObject(Field.DATA);
    assertEquals(g.sid(), data.getString(Field.SID));
    assertEquals(1L, data.getLong(Field.SEQ));
    assertEquals(g.owner(), data.getString(Field.BY));
    assertEquals("hey @ann", data.getString(Field.QUOTE));
    assertEquals(1, notificationsOf(g.bob()).size());
  }

  @Test
  @DisplayName("@all stores no notification per member (the message itself marks the mention)")
  void allStoresNoNotifications() {
    Group g = group();
    send(g.owner(), g, "c1", "@all", null, true);
    send(g.owner(), g, "c2", "@bob", mentions(g.bob()));
    awaitNotification(g.bob());
    assertEquals(0, notificationsOf(g.ann()).size());
    assertEquals(1, notificationsOf(g.bob()).size());
  }

  // ---- helpers ----

  private static Group group() {
    Group g = new Group(Neighbours.fresh("sid"), Neighbours.fresh("owner"), Neighbours.fresh("ann"), Neighbours.fresh("bob"));
    NEIGHBOURS.joinAs(g.owner(), g.sid(), "owner");
    NEIGHBOURS.join(g.ann(), g.sid());
    NEIGHBOURS.join(g.bob(), g.sid());
    return g;
  }

  private static JsonArray mentions(String... uids) {
    return new JsonArray(List.of((Object[]) uids));
  }

  private static JsonObject text(String uid, Group g, String cid, String content) {
    return new JsonObject().put(Field.UID, uid).put(Field.SID, g.sid()).put(Field.CID, uid + cid)
        .put(Field.MSG_TYPE, "text").put(Field.CONTENT, content);
  }

  private static JsonObject send(String uid, Group g, String cid, String content, JsonArray mentions) {
    return send(uid, g, cid, content, mentions, false);
  }

  private static JsonObject send(String uid, Group g, String cid, String content, JsonArray mentions, boolean all) {
    JsonObject body = text(uid, g, cid, content);
    if (mentions != null) {
      body.put(Field.MENTIONS, mentions);
    }
    if (all) {
      body.put(Field.MENTION_ALL, true);
    }
    return service.request(Address.MESSAGE_SEND, body);
  }

  private static JsonArray history(Group g) {
    return service.request(Address.MESSAGE_HISTORY, new JsonObject().put(Field.UID, g.owner()).put(Field.SID, g.sid()))
        .getJsonArray(Field.MESSAGES);
  }

  private static long unreadMentions(Group g, String uid, long readSeq) {
    JsonObject heads = service.request(Address.MESSAGE_HEADS, new JsonObject().put(Field.SIDS, new JsonArray().add(g.sid()))
        .put(Field.UID, uid).put(Field.READ_SEQS, new JsonObject().put(g.sid(), readSeq))).getJsonObject(Field.HEADS);
    return heads.getJsonObject(g.sid()).getLong(Field.MENTIONS);
  }

  /** The notify requests leave with the ack, not before it: waits for {@code uid}'s first. */
  private static void awaitNotification(String uid) {
    Await.until("a notification for " + uid, 5_000, () -> !notificationsOf(uid).isEmpty());
  }

  /** The notifications message-service asked user-service to store for {@code uid}. */
  private static List<JsonObject> notificationsOf(String uid) {
    return NEIGHBOURS.users.requests(Address.USER_NOTIFY).stream().filter(r -> uid.equals(r.getString(Field.UID))).toList();
  }
}
