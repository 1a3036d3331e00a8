package palaver.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import palaver.api.Address;
import palaver.api.Field;
import palaver.testing.Await;

@DisplayName("Membership changes: join, invite, leave, remove, roles")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MembershipsTest {
  private SessionService s;

  @BeforeAll
  void start() {
    s = SessionService.start();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private JsonObject remove(String uid, String sid, String target) {
    return s.request(Address.SESSION_REMOVE, SessionService.of(uid, sid).put(Field.MEMBER, target));
  }

  private int removeFails(String uid, String sid, String target) {
    return s.failureCode(Address.SESSION_REMOVE, SessionService.of(uid, sid).put(Field.MEMBER, target));
  }

  private void leave(String uid, String sid) {
    s.request(Address.SESSION_LEAVE, SessionService.of(uid, sid));
  }

  private static boolean about(JsonObject event, String action, String uid) {
    return "session".equals(event.getString(Field.EVENT)) && action.equals(event.getString(Field.ACTION))
        && uid.equals(event.getString(Field.UID));
  }

  // join

  @Test
  @DisplayName("Joining a public group makes the user a member")
  void join() {
    String bob = s.user("Bob");
    String sid = s.group(s.user("Ann"), "public");
    s.join(bob, sid);
    assertEquals(SessionStore.MEMBER, s.storedRole(sid, bob));
  }

  @Test
  @DisplayName("Joining a private group is refused with 403")
  void joinPrivate() {
    String bob = s.user("Bob");
    String sid = s.group(s.user("Ann"), "private");
    assertEquals(403, s.failureCode(Address.SESSION_JOIN, SessionService.of(bob, sid)));
    assertNull(s.storedRole(sid, bob));
  }

  @Test
  @DisplayName("Joining a private session of two users is refused with 403")
  void joinPair() {
    String sid = s.privateSession(s.user("Ann"), s.user("Bob")).getString(Field.SID);
    assertEquals(403, s.failureCode(Address.SESSION_JOIN, SessionService.of(s.user("Eve"), sid)));
  }

  @Test
  @DisplayName("Joining again is not an error and stores no second join message")
  void joinAgain() {
    String bob = s.user("Bob");
    String sid = s.group(s.user("Ann"), "public");
    s.join(bob, sid);
    s.join(bob, sid);
    assertEquals(List.of("create", "join"), s.messages.systemActions(sid));
  }

  @Test
  @DisplayName("A join stores a join system message by the joiner")
  void joinSystemMessage() {
    String bob = s.user("Bob");
    String sid = s.group(s.user("Ann"), "public");
    s.join(bob, sid);
    JsonObject content = s.messages.systemMessages(sid).get(1);
    assertEquals("join", content.getString(Field.ACTION));
    assertEquals(bob, content.getString(Field.UID));
  }

  @Test
  @DisplayName("A join is told to the session's members and to the joiner's gateways")
  void joinEvents() {
    String bob = s.user("Bob");
    String sid = s.group(s.user("Ann"), "public");
    List<JsonObject> toMembers = s.listen(Address.fanoutSession(sid));
    List<JsonObject> toBob = s.listen(Address.fanoutUser(bob));
    s.join(bob, sid);
    JsonObject event = SessionService.awaitOne(toMembers, "the join event", e -> about(e, "join", bob));
    assertEquals(SessionStore.MEMBER, event.getString(Field.ROLE));
    assertEquals(sid, event.getString(Field.SID));
    SessionService.awaitOne(toBob, "the added event", e -> about(e, "added", bob));
  }

  @Test
  @DisplayName("A join is announced as a membership change")
  void joinAnnounced() {
    String bob = s.user("Bob");
    String sid = s.group(s.user("Ann"), "public");
    List<JsonObject> changes = s.listen(Address.SESSION_MEMBERSHIP_CHANGED);
    s.join(bob, sid);
    SessionService.awaitOne(changes, "the announcement",
        c -> sid.equals(c.getString(Field.SID)) && bob.equals(c.getString(Field.UID)));
  }

  @Test
  @DisplayName("A join whose system message can't be stored fails with 503 and leaves the joiner out")
  void joinRolledBack() {
    String bob = s.user("Bob");
    String sid = s.group(s.user("Ann"), "public");
    s.messages.storing(false);
    try {
      assertEquals(503, s.failureCode(Address.SESSION_JOIN, SessionService.of(bob, sid)));
    } finally {
      s.messages.storing(true);
    }
    assertNull(s.storedRole(sid, bob));
  }

  @Test
  @DisplayName("Whoever joins a group nobody is left in becomes its owner")
  void joinOwnerless() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "public");
    leave(ann, sid);
    s.join(bob, sid);
    assertEquals(SessionStore.OWNER, s.storedRole(sid, bob));
    assertEquals(bob, s.storedSession(sid).getString(Field.OWNER));
  }

  // invite

  @Test
  @DisplayName("A member invites a user into a private group")
  void invite() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "private");
    s.invite(ann, sid, bob);
    assertEquals(SessionStore.MEMBER, s.storedRole(sid, bob));
  }

  @Test
  @DisplayName("An invitation stores an invite system message naming the invitee")
  void inviteSystemMessage() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "private");
    s.invite(ann, sid, bob);
    JsonObject content = s.messages.systemMessages(sid).get(1);
    assertEquals("invite", content.getString(Field.ACTION));
    assertEquals(ann, content.getString(Field.UID));
    assertEquals(bob, content.getString(Field.MEMBER));
  }

  @Test
  @DisplayName("The invitee is sent an inviteSession notification with the group's name and the inviter")
  void inviteNotification() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "private");
    s.invite(ann, sid, bob);
    // Sent after the invitation is answered: its failure does not undo the invitation.
    Await.until("the notification", SessionService.WAIT_MS, () -> !s.users.notificationsOf(bob).isEmpty());
    JsonObject notification = s.users.notificationsOf(bob).get(0);
    assertEquals("inviteSession", notification.getString(Field.KIND));
    JsonObject data = notification.getJsonObject(Field.DATA);
    assertEquals(sid, data.getString(Field.SID));
    assertEquals("group of " + ann, data.getString(Field.NAME));
    assertEquals(ann, data.getString(Field.BY));
  }

  @Test
  @DisplayName("An invitation by a non-member is refused with 403")
  void inviteByOutsider() {
    String sid = s.group(s.user("Ann"), "private");
    assertEquals(403, s.failureCode(Address.SESSION_INVITE,
        SessionService.of(s.user("Eve"), sid).put(Field.MEMBER, s.user("Bob"))));
  }

  @Test
  @DisplayName("Inviting a user who does not exist is refused with 404")
  void inviteUnknownUser() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "private");
    assertEquals(404, s.failureCode(Address.SESSION_INVITE, SessionService.of(ann, sid).put(Field.MEMBER, "nobody")));
  }

  @Test
  @DisplayName("Inviting a member is refused with 409")
  void inviteMember() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "private");
    s.invite(ann, sid, bob);
    assertEquals(409, s.failureCode(Address.SESSION_INVITE, SessionService.of(ann, sid).put(Field.MEMBER, bob)));
  }

  @Test
  @DisplayName("Inviting into a private session of two users is refused with 400")
  void inviteIntoPair() {
    String ann = s.user("Ann");
    String sid = s.privateSession(ann, s.user("Bob")).getString(Field.SID);
    assertEquals(400, s.failureCode(Address.SESSION_INVITE, SessionService.of(ann, sid).put(Field.MEMBER, s.user("Cy"))));
  }

  // leave

  @Test
  @DisplayName("A member who leaves is no longer a member, and a leave system message is stored")
  void leaveGroup() {
    String bob = s.user("Bob");
    String sid = s.group(s.user("Ann"), "public");
    s.join(bob, sid);
    leave(bob, sid);
    assertNull(s.storedRole(sid, bob));
    assertEquals(List.of("create", "join", "leave"), s.messages.systemActions(sid));
  }

  @Test
  @DisplayName("A leaver's gateways are told to unsubscribe")
  void leaveEvent() {
    String bob = s.user("Bob");
    String sid = s.group(s.user("Ann"), "public");
    s.join(bob, sid);
    List<JsonObject> toBob = s.listen(Address.fanoutUser(bob));
    leave(bob, sid);
    SessionService.awaitOne(toBob, "the removed event", e -> about(e, "removed", bob));
  }

  @Test
  @DisplayName("A leaving owner's role passes to the longest-standing admin")
  void ownerLeavesToAdmin() {
    String ann = s.user("Ann");
    String admin = s.user("Adam");
    String sid = s.groupWithAdmin(ann, admin, s.user("Mo"));
    leave(ann, sid);
    assertEquals(SessionStore.OWNER, s.storedRole(sid, admin));
    assertEquals(admin, s.storedSession(sid).getString(Field.OWNER));
    assertEquals(admin, s.messages.systemMessages(sid).get(s.messages.systemMessages(sid).size() - 1).getString(Field.OWNER));
  }

  @Test
  @DisplayName("Leaving a session one is not in is refused with 403")
  void leaveAsOutsider() {
    String sid = s.group(s.user("Ann"), "public");
    assertEquals(403, s.failureCode(Address.SESSION_LEAVE, SessionService.of(s.user("Eve"), sid)));
  }

  // remove

  @Test
  @DisplayName("The owner removes an admin")
  void ownerRemovesAdmin() {
    String ann = s.user("Ann");
    String admin = s.user("Adam");
    String sid = s.groupWithAdmin(ann, admin, s.user("Mo"));
    remove(ann, sid, admin);
    assertNull(s.storedRole(sid, admin));
  }

  @Test
  @DisplayName("An admin removes a member, and a remove system message naming them is stored")
  void adminRemovesMember() {
    String admin = s.user("Adam");
    String mo = s.user("Mo");
    String sid = s.groupWithAdmin(s.user("Ann"), admin, mo);
    remove(admin, sid, mo);
    assertNull(s.storedRole(sid, mo));
    List<JsonObject> system = s.messages.systemMessages(sid);
    JsonObject last = system.get(system.size() - 1);
    assertEquals("remove", last.getString(Field.ACTION));
    assertEquals(mo, last.getString(Field.MEMBER));
  }

  @Test
  @DisplayName("A removal is told to the members and the removed user's gateways")
  void removeEvents() {
    String ann = s.user("Ann");
    String mo = s.user("Mo");
    String sid = s.groupWithAdmin(ann, s.user("Adam"), mo);
    List<JsonObject> toMembers = s.listen(Address.fanoutSession(sid));
    List<JsonObject> toMo = s.listen(Address.fanoutUser(mo));
    remove(ann, sid, mo);
    assertEquals(ann, SessionService.awaitOne(toMembers, "the remove event", e -> about(e, "remove", mo)).getString(Field.BY));
    SessionService.awaitOne(toMo, "the removed event", e -> about(e, "removed", mo));
  }

  @Test
  @DisplayName("An admin removing another admin is refused with 403")
  void adminRemovesAdmin() {
    String ann = s.user("Ann");
    String admin = s.user("Adam");
    String other = s.user("Ada");
    String sid = s.groupWithAdmin(ann, admin, other);
    s.setRole(ann, sid, other, SessionStore.ADMIN);
    assertEquals(403, removeFails(admin, sid, other));
    assertEquals(SessionStore.ADMIN, s.storedRole(sid, other));
  }

  @Test
  @DisplayName("A plain member removing anyone is refused with 403")
  void memberRemoves() {
    String ann = s.user("Ann");
    String mo = s.user("Mo");
    String sid = s.groupWithAdmin(ann, s.user("Adam"), mo);
    String zed = s.user("Zed");
    s.join(zed, sid);
    assertEquals(403, removeFails(mo, sid, zed));
    assertEquals(SessionStore.MEMBER, s.storedRole(sid, zed));
  }

  @Test
  @DisplayName("Removing someone who is not a member is answered with 404")
  void removeNonMember() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "public");
    assertEquals(404, removeFails(ann, sid, s.user("Eve")));
  }

  @Test
  @DisplayName("Removing oneself is leaving")
  void removeSelf() {
    String bob = s.user("Bob");
    String sid = s.group(s.user("Ann"), "public");
    s.join(bob, sid);
    remove(bob, sid, bob);
    assertEquals("leave", s.messages.systemActions(sid).get(2));
  }

  // roles

  @Test
  @DisplayName("The owner makes a member admin, told to the members")
  void setRole() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "public");
    s.join(bob, sid);
    List<JsonObject> toMembers = s.listen(Address.fanoutSession(sid));
    s.setRole(ann, sid, bob, SessionStore.ADMIN);
    assertEquals(SessionStore.ADMIN, s.storedRole(sid, bob));
    assertEquals(SessionStore.ADMIN,
        SessionService.awaitOne(toMembers, "the role event", e -> about(e, "role", bob)).getString(Field.ROLE));
  }

  @Test
  @DisplayName("Making a member owner hands the group over, and the old owner becomes admin")
  void handOver() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "public");
    s.join(bob, sid);
    s.setRole(ann, sid, bob, SessionStore.OWNER);
    assertEquals(SessionStore.OWNER, s.storedRole(sid, bob));
    assertEquals(SessionStore.ADMIN, s.storedRole(sid, ann));
    assertEquals(bob, s.storedSession(sid).getString(Field.OWNER));
  }

  @Test
  @DisplayName("An admin changing roles is refused with 403")
  void adminSetsRole() {
    String admin = s.user("Adam");
    String mo = s.user("Mo");
    String sid = s.groupWithAdmin(s.user("Ann"), admin, mo);
    assertEquals(403, s.failureCode(Address.SESSION_SET_ROLE,
        SessionService.of(admin, sid).put(Field.MEMBER, mo).put(Field.ROLE, SessionStore.ADMIN)));
    assertEquals(SessionStore.MEMBER, s.storedRole(sid, mo));
  }

  @Test
  @DisplayName("A role change stores a role system message")
  void roleSystemMessage() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "public");
    s.join(bob, sid);
    s.setRole(ann, sid, bob, SessionStore.ADMIN);
    JsonObject last = s.messages.systemMessages(sid).get(2);
    assertEquals("role", last.getString(Field.ACTION));
    assertEquals(SessionStore.ADMIN, last.getString(Field.ROLE));
  }
}
