package palaver.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import palaver.api.Address;
import palaver.api.Field;

@DisplayName("Invitations: a stranger's invite waits for acceptance, a friend's adds at once")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvitationsTest {
  private SessionService s;

  @BeforeAll
  void start() {
    s = SessionService.start();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  /** A stranger's invite, as the gateway sends it; its answer. */
  private JsonObject strangerInvite(String uid, String sid, String invitee) {
    return s.request(Address.SESSION_INVITE, SessionService.of(uid, sid).put(Field.MEMBER, invitee));
  }

  private JsonArray invitations(String uid) {
    return s.request(Address.SESSION_INVITATIONS, new JsonObject().put(Field.UID, uid)).getJsonArray(Field.INVITATIONS);
  }

  private JsonArray sessionList(String uid) {
    return s.request(Address.SESSION_LIST, new JsonObject().put(Field.UID, uid)).getJsonArray(Field.SESSIONS);
  }

  @Test
  @DisplayName("A stranger's invite makes no membership: it is pending, and the invitee's list does not show the group")
  void strangerIsPending() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "private");
    assertTrue(strangerInvite(ann, sid, bob).getBoolean(Field.PENDING));
    assertNull(s.storedRole(sid, bob));
    assertTrue(sessionList(bob).isEmpty());
    assertEquals(sid, invitations(bob).getJsonObject(0).getString(Field.SID));
  }

  @Test
  @DisplayName("A stranger's invite notifies the invitee once, and inviting again notifies no more")
  void oneNotification() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "private");
    strangerInvite(ann, sid, bob);
    strangerInvite(ann, sid, bob);
    assertEquals(1, s.users.notificationsOf(bob).size());
    assertTrue(s.users.notificationsOf(bob).get(0).getJsonObject(Field.DATA).getBoolean(Field.PENDING));
  }

  @Test
  @DisplayName("Accepting an invitation makes the invitee a member and removes the invitation")
  void accept() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "private");
    strangerInvite(ann, sid, bob);
    s.request(Address.SESSION_ACCEPT, SessionService.of(bob, sid));
    assertEquals(SessionStore.MEMBER, s.storedRole(sid, bob));
    assertTrue(invitations(bob).isEmpty());
    assertEquals(sid, sessionList(bob).getJsonObject(0).getString(Field.SID));
  }

  @Test
  @DisplayName("Declining an invitation removes it without a membership")
  void decline() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "private");
    strangerInvite(ann, sid, bob);
    s.request(Address.SESSION_DECLINE, SessionService.of(bob, sid));
    assertNull(s.storedRole(sid, bob));
    assertTrue(invitations(bob).isEmpty());
  }

  @Test
  @DisplayName("Accepting without an invitation is 404")
  void acceptUninvited() {
    String sid = s.group(s.user("Ann"), "private");
    assertEquals(404, s.failureCode(Address.SESSION_ACCEPT, SessionService.of(s.user("Bob"), sid)));
  }

  @Test
  @DisplayName("An invitation whose inviter has left the group lapses: accepting it is 404, no membership, and it is gone")
  void inviterLeftLapses() {
    String ann = s.user("Ann");
    String cat = s.user("Cat");
    String bob = s.user("Bob");
    String sid = s.group(ann, "private");
    s.invite(ann, sid, cat); // a friend: a member at once, so the group still has a member after Ann leaves
    strangerInvite(cat, sid, bob);
    s.request(Address.SESSION_LEAVE, SessionService.of(cat, sid));
    assertEquals(404, s.failureCode(Address.SESSION_ACCEPT, SessionService.of(bob, sid)));
    assertNull(s.storedRole(sid, bob));
    assertTrue(invitations(bob).isEmpty());
  }

  @Test
  @DisplayName("Forgetting a user (account deletion) drops the invitations to them and those they sent")
  void forgetUserDropsInvitations() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String cat = s.user("Cat");
    String annGroup = s.group(ann, "private");
    String bobGroup = s.group(bob, "private");
    strangerInvite(ann, annGroup, bob);
    strangerInvite(bob, bobGroup, cat);
    assertEquals(2L, s.request(Address.SESSION_FORGET_USER, new JsonObject().put(Field.UID, bob)).getLong(Field.REMOVED));
    assertTrue(invitations(bob).isEmpty());
    assertTrue(invitations(cat).isEmpty());
  }

  @Test
  @DisplayName("A friend's invite adds the invitee at once")
  void friendAdds() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "private");
    s.users.befriend(ann, bob);
    assertFalse(strangerInvite(ann, sid, bob).containsKey(Field.PENDING));
    assertEquals(SessionStore.MEMBER, s.storedRole(sid, bob));
  }

  @Test
  @DisplayName("Inviting someone who blocks the inviter is refused with 403 and nothing is stored")
  void blockedInvite() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "private");
    s.users.block(bob, ann);
    assertEquals(403, s.failureCode(Address.SESSION_INVITE, SessionService.of(ann, sid).put(Field.MEMBER, bob)));
    assertTrue(invitations(bob).isEmpty());
    assertTrue(s.users.notificationsOf(bob).isEmpty());
  }

  @Test
  @DisplayName("Opening a private session with someone who blocks you is refused with 403")
  void blockedPrivateSession() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    s.users.block(bob, ann);
    assertEquals(403, s.failureCode(Address.SESSION_CREATE, new JsonObject().put(Field.UID, ann)
        .put(Field.TYPE, "private").put(Field.PEER, bob)));
  }

  @Test
  @DisplayName("A private session whose users became blocked answers checkMember with blocked, once the block is announced")
  void blockedExistingPrivateSession() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.privateSession(ann, bob).getString(Field.SID);
    assertFalse(s.request(Address.SESSION_CHECK_MEMBER, SessionService.of(ann, sid)).containsKey(Field.BLOCKED));
    s.users.block(bob, ann);
    s.service.vertx().eventBus().publish(Address.USER_BLOCK_CHANGED,
        new JsonObject().put(Field.UID, bob).put(Field.PEER, ann).put(Field.BLOCKED, true));
    palaver.testing.Await.until("the block is seen", SessionService.WAIT_MS, () -> s.request(
        Address.SESSION_CHECK_MEMBER, SessionService.of(ann, sid)).getBoolean(Field.BLOCKED, false));
  }
}
