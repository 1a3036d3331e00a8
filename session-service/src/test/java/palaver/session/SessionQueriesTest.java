package palaver.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import palaver.api.Address;
import palaver.api.Field;

@DisplayName("Looking at sessions: a session's page, a user's list, membership checks")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionQueriesTest {
  private SessionService s;

  @BeforeAll
  void start() {
    s = SessionService.start();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private JsonObject get(String uid, String sid) {
    return s.request(Address.SESSION_GET, SessionService.of(uid, sid));
  }

  private static JsonObject member(JsonObject page, String uid) {
    return page.getJsonArray(Field.MEMBERS).stream().map(JsonObject.class::cast)
        .filter(m -> uid.equals(m.getString(Field.UID))).findFirst().orElseThrow();
  }

  /** The caller's list as {sid: entry}. */
  private Map<String, JsonObject> list(String uid) {
    return s.request(Address.SESSION_LIST, new JsonObject().put(Field.UID, uid)).getJsonArray(Field.SESSIONS).stream()
        .map(JsonObject.class::cast).collect(Collectors.toMap(e -> e.getString(Field.SID), e -> e));
  }

  private List<String> listedSids(String uid) {
    return s.request(Address.SESSION_LIST, new JsonObject().put(Field.UID, uid)).getJsonArray(Field.SESSIONS).stream()
        .map(e -> ((JsonObject) e).getString(Field.SID)).toList();
  }

  @Test
  @DisplayName("A session's page lists its members with role, profile and presence")
  void getWithMembers() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "public");
    s.join(bob, sid);
    s.users.show(bob, "away");
    JsonObject page = get(ann, sid);
    assertEquals(sid, page.getString(Field.SID));
    assertEquals(2, page.getJsonArray(Field.MEMBERS).size());
    JsonObject b = member(page, bob);
    assertEquals(SessionStore.MEMBER, b.getString(Field.ROLE));
    assertEquals("Bob", b.getString(Field.NICKNAME));
    assertEquals("avatar-Bob", b.getString(Field.AVATAR));
    assertEquals("away", b.getString(Field.STATE));
    assertTrue(b.getBoolean(Field.ONLINE));
  }

  @Test
  @DisplayName("A member nobody sees online shows offline on a session's page")
  void getShowsOffline() {
    String ann = s.user("Ann");
    JsonObject a = member(get(ann, s.group(ann, "public")), ann);
    assertEquals(SessionStore.OWNER, a.getString(Field.ROLE));
    assertEquals("offline", a.getString(Field.STATE));
    assertFalse(a.getBoolean(Field.ONLINE));
  }

  @Test
  @DisplayName("Anyone may look at a public group's page")
  void getPublicAsOutsider() {
    String sid = s.group(s.user("Ann"), "public");
    assertEquals(1, get(s.user("Eve"), sid).getJsonArray(Field.MEMBERS).size());
  }

  @Test
  @DisplayName("A private group's page is refused to a non-member with 403")
  void getPrivateAsOutsider() {
    String sid = s.group(s.user("Ann"), "private");
    assertEquals(403, s.failureCode(Address.SESSION_GET, SessionService.of(s.user("Eve"), sid)));
  }

  @Test
  @DisplayName("A session that does not exist is answered with 404")
  void getUnknown() {
    assertEquals(404, s.failureCode(Address.SESSION_GET, SessionService.of(s.user("Ann"), "nosuchsession")));
  }

  @Test
  @DisplayName("A user's list has lastSeq, readSeq and unread from the session's head and their read position")
  void listWithHeads() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "public");
    s.join(bob, sid);
    s.messages.send(sid, ann);
    long last = s.messages.send(sid, ann);
    s.request(Address.SESSION_READ, SessionService.of(bob, sid).put(Field.SEQ, last - 1));
    JsonObject entry = list(bob).get(sid);
    assertEquals(last, entry.getLong(Field.LAST_SEQ));
    assertEquals(last - 1, entry.getLong(Field.READ_SEQ));
    assertEquals(1, entry.getLong(Field.UNREAD));
    assertEquals(last, entry.getJsonObject(Field.LAST_MESSAGE).getLong(Field.SEQ));
  }

  @Test
  @DisplayName("A user's own messages never count as unread")
  void listOwnMessagesRead() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "public");
    long mine = s.messages.send(sid, ann);
    JsonObject entry = list(ann).get(sid);
    assertEquals(mine, entry.getLong(Field.READ_SEQ));
    assertEquals(0, entry.getLong(Field.UNREAD));
  }

  @Test
  @DisplayName("A user's list shows the most recently active session first")
  void listOrder() {
    String ann = s.user("Ann");
    String older = s.group(ann, "public");
    String newer = s.group(ann, "public");
    s.messages.sendAt(older, ann, System.currentTimeMillis() + 60_000);
    assertEquals(List.of(older, newer), listedSids(ann));
  }

  @Test
  @DisplayName("A private session is listed with the other user's profile as peer")
  void listPeer() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.privateSession(ann, bob).getString(Field.SID);
    JsonObject peer = list(ann).get(sid).getJsonObject(Field.PEER);
    assertEquals(bob, peer.getString(Field.UID));
    assertEquals("Bob", peer.getString(Field.NICKNAME));
  }

  @Test
  @DisplayName("A user in no session has an empty list")
  void listEmpty() {
    assertTrue(listedSids(s.user("Nobody")).isEmpty());
  }

  @Test
  @DisplayName("A left session is no longer listed, also after the list was read once")
  void listAfterLeave() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "public");
    s.join(bob, sid);
    assertTrue(listedSids(bob).contains(sid));
    s.request(Address.SESSION_LEAVE, SessionService.of(bob, sid));
    assertFalse(listedSids(bob).contains(sid));
  }

  @Test
  @DisplayName("A joined session is listed, also after the list was read once")
  void listAfterJoin() {
    String bob = s.user("Bob");
    String sid = s.group(s.user("Ann"), "public");
    assertFalse(listedSids(bob).contains(sid));
    s.join(bob, sid);
    assertTrue(listedSids(bob).contains(sid));
  }

  @Test
  @DisplayName("A user's memberships give each session's info with their role and read position")
  void memberships() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "private");
    JsonArray sessions = s.request(Address.SESSION_MEMBERSHIPS, new JsonObject().put(Field.UID, ann))
        .getJsonArray(Field.SESSIONS);
    assertEquals(1, sessions.size());
    JsonObject entry = sessions.getJsonObject(0);
    assertEquals(sid, entry.getString(Field.SID));
    assertEquals(SessionStore.OWNER, entry.getString(Field.ROLE));
    assertEquals(0L, entry.getLong(Field.READ_SEQ));
  }

  @Test
  @DisplayName("Checking a member answers their role")
  void checkMember() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "public");
    assertEquals(SessionStore.OWNER, s.request(Address.SESSION_CHECK_MEMBER, SessionService.of(ann, sid)).getString(Field.ROLE));
  }

  @Test
  @DisplayName("Checking a member answers whether the session is a group or a private pair")
  void checkMemberType() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    assertEquals("group", s.request(Address.SESSION_CHECK_MEMBER, SessionService.of(ann, s.group(ann, "public")))
        .getString(Field.TYPE));
    String pair = s.privateSession(ann, bob).getString(Field.SID);
    assertEquals("private", s.request(Address.SESSION_CHECK_MEMBER, SessionService.of(ann, pair)).getString(Field.TYPE));
  }

  @Test
  @DisplayName("Checking a member with uids (a send's mentions) answers which of them are members now")
  void checkMemberWithUids() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String eve = s.user("Eve");
    String sid = s.group(ann, "public");
    s.join(bob, sid);
    JsonObject answer = s.request(Address.SESSION_CHECK_MEMBER, SessionService.of(ann, sid)
        .put(Field.UIDS, new JsonArray().add(bob).add(eve).add(bob)));
    assertEquals(new JsonArray().add(bob), answer.getJsonArray(Field.MEMBERS));
    s.request(Address.SESSION_LEAVE, SessionService.of(bob, sid));
    assertEquals(new JsonArray(), s.request(Address.SESSION_CHECK_MEMBER, SessionService.of(ann, sid)
        .put(Field.UIDS, new JsonArray().add(bob))).getJsonArray(Field.MEMBERS));
  }

  @Test
  @DisplayName("Checking a member with uids that are not an array of at most 100 strings is refused with 400")
  void checkMemberBadUids() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "public");
    assertEquals(400, s.failureCode(Address.SESSION_CHECK_MEMBER, SessionService.of(ann, sid).put(Field.UIDS, "bob")));
    assertEquals(400, s.failureCode(Address.SESSION_CHECK_MEMBER, SessionService.of(ann, sid)
        .put(Field.UIDS, new JsonArray().add(1))));
    JsonArray many = new JsonArray();
    for (int i = 0; i <= UserSessions.MAX_ASKED_MEMBERS; i++) {
      many.add("u" + i);
    }
    assertEquals(400, s.failureCode(Address.SESSION_CHECK_MEMBER, SessionService.of(ann, sid).put(Field.UIDS, many)));
  }

  @Test
  @DisplayName("The session list asks message-service for unread mentions above each read position and shows them")
  void listShowsMentions() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "public");
    s.join(bob, sid);
    s.messages.send(sid, ann);
    long seq = s.messages.send(sid, ann);
    s.request(Address.SESSION_READ, SessionService.of(bob, sid).put(Field.SEQ, seq - 1));
    s.messages.mentions(bob, sid, 1);
    assertEquals(1L, list(bob).get(sid).getLong(Field.MENTIONS));
    assertEquals(seq - 1, s.messages.lastReadSeqs().getLong(sid));
    assertEquals(0L, list(ann).get(sid).getLong(Field.MENTIONS));
  }

  @Test
  @DisplayName("Checking a non-member is refused with 403")
  void checkNonMember() {
    String sid = s.group(s.user("Ann"), "public");
    assertEquals(403, s.failureCode(Address.SESSION_CHECK_MEMBER, SessionService.of(s.user("Eve"), sid)));
  }

  @Test
  @DisplayName("Checking membership of a session that does not exist is answered with 404")
  void checkUnknownSession() {
    assertEquals(404, s.failureCode(Address.SESSION_CHECK_MEMBER, SessionService.of(s.user("Eve"), "nosuchsession")));
  }

  @Test
  @DisplayName("A checked member who leaves is refused at the next check, although the first answer was cached")
  void checkAfterLeave() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "public");
    s.join(bob, sid);
    s.request(Address.SESSION_CHECK_MEMBER, SessionService.of(bob, sid));
    s.request(Address.SESSION_LEAVE, SessionService.of(bob, sid));
    assertEquals(403, s.failureCode(Address.SESSION_CHECK_MEMBER, SessionService.of(bob, sid)));
  }

  @Test
  @DisplayName("A checked member whose role changes is answered with the new role")
  void checkAfterRoleChange() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "public");
    s.join(bob, sid);
    s.request(Address.SESSION_CHECK_MEMBER, SessionService.of(bob, sid));
    s.setRole(ann, sid, bob, SessionStore.ADMIN);
    assertEquals(SessionStore.ADMIN, s.request(Address.SESSION_CHECK_MEMBER, SessionService.of(bob, sid)).getString(Field.ROLE));
  }

  @Test
  @DisplayName("A group's page shows no peer")
  void groupHasNoPeer() {
    String ann = s.user("Ann");
    assertNull(get(ann, s.group(ann, "public")).getJsonObject(Field.PEER));
  }
}
