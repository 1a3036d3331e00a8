package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static palaver.user.Users.PASSWORD;
import static palaver.user.Users.register;
import static palaver.user.Users.registration;
import static palaver.user.Users.token;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.runtime.Setting;
import palaver.testing.Await;
import palaver.testing.FakeNeighbour;
import palaver.testing.ServiceUnderTest;
import palaver.user.Users.Account;

/** Server admins: who is one, deactivation, account deletion, connected users; over the bus. */
class AdministrationTest {
  private static final String CONFIGURED_ADMIN = "boss@example.org";
  private static ServiceUnderTest sut;
  private static FakeNeighbour sessions;
  private static FakeNeighbour messages;
  /** The first account registered: admin by that rule. */
  private static Account first;

  @BeforeAll
  static void start() {
    sessions = Users.sessionService().reply(Address.SESSION_LEAVE, new JsonObject());
    messages = new FakeNeighbour("message-service")
        .reply(Address.MESSAGE_FORGET_USER, new JsonObject())
        .reply(Address.FILE_DELETE_OWNED, new JsonObject().put(Field.FILES, 0));
    sut = ServiceUnderTest.start(new JsonObject().put(Setting.ADMINS.key(), " Boss@Example.org ,other@example.org"),
        List.of(sessions, messages), UserVerticle::new);
    first = register(sut, "First");
  }

  @AfterAll
  static void stop() {
    sut.close();
  }

  private static JsonObject onUser(Account admin, Account target) {
    return new JsonObject().put(Field.UID, admin.uid()).put(Field.TARGET, target.uid());
  }

  private static JsonObject caller(Account who) {
    return new JsonObject().put(Field.UID, who.uid());
  }

  private static JsonObject login(Account who) {
    return new JsonObject().put(Field.LOGIN, who.login()).put(Field.PASSWORD, PASSWORD);
  }

  private static long count(String collection, JsonObject query) {
    return Await.result(sut.mongo().count(collection, query));
  }

  // ---- who is an admin

  @Test
  @DisplayName("The first account registered is a server admin, and its token says so when authenticated")
  void firstAccountIsAdmin() {
    assertTrue(sut.request(Address.ADMIN_CHECK, caller(first)).getBoolean(Field.ADMIN));
    assertTrue(sut.request(Address.USER_AUTHENTICATE, token(first.token())).getBoolean(Field.ADMIN));
  }

  @Test
  @DisplayName("Accounts registered after the first are not admins: admin requests answer 403 forbidden")
  void laterAccountsAreNotAdmins() {
    Account later = register(sut, "Later");
    assertFalse(sut.request(Address.USER_AUTHENTICATE, token(later.token())).getBoolean(Field.ADMIN));
    Account other = Users.create(sut, "Other");
    for (String address : List.of(Address.ADMIN_CHECK, Address.ADMIN_USERS, Address.ADMIN_INVITE_CREATE,
        Address.ADMIN_INVITES, Address.ADMIN_CONNECTED)) {
      assertEquals(ErrorCode.FORBIDDEN.failure(), sut.failureCode(address, caller(later)), address);
    }
    for (String address : List.of(Address.ADMIN_DEACTIVATE, Address.ADMIN_REACTIVATE, Address.ADMIN_DELETE_USER)) {
      assertEquals(ErrorCode.FORBIDDEN.failure(), sut.failureCode(address, onUser(later, other)), address);
    }
    assertNotNull(Await.result(new UserStore(sut.mongo()).byId(other.uid())));
  }

  @Test
  @DisplayName("A login listed in the admins setting is an admin, whatever its letter case there")
  void configuredLoginIsAdmin() {
    String uid = "configured-" + Users.unique("a");
    Await.result(new UserStore(sut.mongo()).insert(uid, CONFIGURED_ADMIN, "Boss", "no password"));
    assertTrue(sut.request(Address.ADMIN_CHECK, new JsonObject().put(Field.UID, uid)).getBoolean(Field.ADMIN));
  }

  @Test
  @DisplayName("A deactivated admin is no admin: its admin requests answer 403")
  void deactivatedAdminLosesRights() {
    String uid = "deposed-" + Users.unique("a");
    Await.result(new UserStore(sut.mongo()).insert(uid, "other@example.org", "Deposed", "no password"));
    Account deposed = new Account(uid, "other@example.org", "Deposed", null);
    assertTrue(sut.request(Address.ADMIN_CHECK, caller(deposed)).getBoolean(Field.ADMIN));
    sut.request(Address.ADMIN_DEACTIVATE, onUser(first, deposed));
    assertEquals(ErrorCode.FORBIDDEN.failure(), sut.failureCode(Address.ADMIN_CHECK, caller(deposed)));
  }

  // ---- deactivation

  @Test
  @DisplayName("A deactivated account can't log in (403 deactivated), its tokens are refused and can't be refreshed")
  void deactivatedCantLogIn() {
    Account bob = register(sut, "Bob");
    sut.request(Address.ADMIN_DEACTIVATE, onUser(first, bob));
    assertEquals(ErrorCode.DEACTIVATED.failure(), sut.failureCode(Address.USER_LOGIN, login(bob)));
    assertEquals(ErrorCode.UNAUTHENTICATED.failure(), sut.failureCode(Address.USER_AUTHENTICATE, token(bob.token())));
    assertEquals(ErrorCode.UNAUTHENTICATED.failure(), sut.failureCode(Address.USER_REFRESH, token(bob.token())));
  }

  @Test
  @DisplayName("A wrong password for a deactivated account is just a wrong login (401), not a hint that it exists")
  void deactivatedWrongPasswordIsUnauthenticated() {
    Account bob = register(sut, "Bob");
    sut.request(Address.ADMIN_DEACTIVATE, onUser(first, bob));
    assertEquals(ErrorCode.UNAUTHENTICATED.failure(), sut.failureCode(Address.USER_LOGIN,
        login(bob).put(Field.PASSWORD, "not the password")));
  }

  @Test
  @DisplayName("Deactivating tells every gateway to close the user's sockets (the logout event on their fan-out)")
  void deactivationClosesSockets() {
    Account bob = Users.create(sut, "Bob");
    List<JsonObject> seen = sut.listen(Address.fanoutUser(bob.uid()));
    sut.request(Address.ADMIN_DEACTIVATE, onUser(first, bob));
    assertEquals("account deactivated", Users.awaitEvent(seen, UserVerticle.LOGOUT_EVENT).getString(Field.MESSAGE));
  }

  @Test
  @DisplayName("A reactivated account logs in again")
  void reactivatedLogsIn() {
    Account bob = register(sut, "Bob");
    sut.request(Address.ADMIN_DEACTIVATE, onUser(first, bob));
    JsonObject shown = sut.request(Address.ADMIN_REACTIVATE, onUser(first, bob));
    assertFalse(shown.getBoolean(Field.DEACTIVATED));
    assertEquals(bob.uid(), sut.request(Address.USER_LOGIN, login(bob)).getString(Field.UID));
  }

  @Test
  @DisplayName("An admin can't deactivate or delete their own account (400)")
  void adminCantDeactivateSelf() {
    assertEquals(ErrorCode.INVALID.failure(), sut.failureCode(Address.ADMIN_DEACTIVATE, onUser(first, first)));
    assertEquals(ErrorCode.INVALID.failure(), sut.failureCode(Address.ADMIN_DELETE_USER, onUser(first, first)));
  }

  @Test
  @DisplayName("Deactivating an unknown uid answers 404")
  void deactivateUnknown() {
    assertEquals(ErrorCode.NOT_FOUND.failure(), sut.failureCode(Address.ADMIN_DEACTIVATE,
        caller(first).put(Field.TARGET, "nobody")));
  }

  // ---- listing

  @Test
  @DisplayName("Admins list accounts by search with login, admin flag and state, never the hash")
  void adminListsUsers() {
    Account bob = register(sut, Users.unique("Findme"));
    sut.request(Address.ADMIN_DEACTIVATE, onUser(first, bob));
    JsonObject page = sut.request(Address.ADMIN_USERS, caller(first).put(Field.QUERY, bob.nickname()));
    assertEquals(1, page.getJsonArray(Field.USERS).size());
    JsonObject shown = page.getJsonArray(Field.USERS).getJsonObject(0);
    assertEquals(bob.login(), shown.getString(Field.LOGIN));
    assertTrue(shown.getBoolean(Field.DEACTIVATED));
    assertFalse(shown.getBoolean(Field.ADMIN));
    assertFalse(page.encode().contains("argon2"));
  }

  @Test
  @DisplayName("Admins see which users the gateways report connected, and on how many nodes")
  void adminSeesConnected() {
    Account bob = Users.create(sut, "Connected");
    sut.vertx().eventBus().publish(Address.USER_PRESENCE_REPORT, new JsonObject().put(Field.NODE, "gw-test")
        .put(Field.UIDS, new io.vertx.core.json.JsonArray().add(bob.uid())));
    Await.until("connected listed", Users.PUBLISH_WAIT_MS, () -> sut.request(Address.ADMIN_CONNECTED, caller(first))
        .getJsonArray(Field.USERS).stream().anyMatch(u -> bob.uid().equals(((JsonObject) u).getString(Field.UID))));
    JsonObject listed = sut.request(Address.ADMIN_CONNECTED, caller(first));
    assertTrue(listed.getInteger(Field.NODES) >= 1);
  }

  // ---- deletion

  @Test
  @DisplayName("Deleting an account leaves no record, friend edge, block or notification of it, its sessions were left and its invitations dropped")
  void deletionLeavesNothing() {
    Account bob = register(sut, "Doomed");
    Account carol = Users.create(sut, "Carol");
    FriendStore friends = new FriendStore(sut.mongo());
    Await.result(friends.insertRequest(bob.uid(), carol.uid()));
    Await.result(friends.insertRequest(carol.uid(), bob.uid()));
    Await.result(new NotificationStore(sut.mongo()).insert(bob.uid(), "test", new JsonObject()));
    Await.result(new InviteStore(sut.mongo()).create(bob.uid()));
    BlockStore blocks = new BlockStore(sut.mongo());
    Await.result(blocks.insert(bob.uid(), carol.uid()));
    Await.result(blocks.insert(carol.uid(), bob.uid()));

    assertTrue(sut.request(Address.ADMIN_DELETE_USER, onUser(first, bob)).getBoolean(Field.DELETED));

    assertEquals(0, count(UserStore.USERS, new JsonObject().put(UserStore.ID, bob.uid())));
    assertEquals(0, count(UserStore.USERS, new JsonObject().put(Field.LOGIN, bob.login())));
    assertEquals(0, count(FriendStore.FRIENDS, new JsonObject().put(Field.UID, bob.uid())));
    assertEquals(0, count(FriendStore.FRIENDS, new JsonObject().put(FriendStore.FRIEND, bob.uid())));
    assertEquals(0, count(NotificationStore.NOTIFICATIONS, new JsonObject().put(Field.UID, bob.uid())));
    assertEquals(0, count(InviteStore.INVITES, new JsonObject().put(Field.CREATED_BY, bob.uid())));
    assertEquals(0, count(BlockStore.BLOCKS, new JsonObject().put(Field.UID, bob.uid())));
    assertEquals(0, count(BlockStore.BLOCKS, new JsonObject().put(Field.PEER, bob.uid())));
    assertTrue(sessions.requests(Address.SESSION_FORGET_USER).stream().anyMatch(r -> bob.uid().equals(r.getString(Field.UID))),
        "session-service was asked to drop the invitations to and from the account");
    assertTrue(sessions.requests(Address.SESSION_LEAVE).stream().anyMatch(r -> bob.uid().equals(r.getString(Field.UID))
        && Users.sessionOf(bob.uid()).equals(r.getString(Field.SID))));
    assertTrue(messages.requests(Address.MESSAGE_FORGET_USER).stream().anyMatch(r -> bob.uid().equals(r.getString(Field.UID))));
    assertTrue(messages.requests(Address.FILE_DELETE_OWNED).stream().anyMatch(r -> bob.uid().equals(r.getString(Field.UID))));
  }

  @Test
  @DisplayName("After deletion the old login and token are refused, and the login may be registered again as a new account")
  void deletedLoginIsFree() {
    Account bob = register(sut, "Doomed");
    sut.request(Address.ADMIN_DELETE_USER, onUser(first, bob));
    assertEquals(ErrorCode.UNAUTHENTICATED.failure(), sut.failureCode(Address.USER_LOGIN, login(bob)));
    assertEquals(ErrorCode.UNAUTHENTICATED.failure(), sut.failureCode(Address.USER_AUTHENTICATE, token(bob.token())));
    String again = sut.request(Address.USER_REGISTER, registration(bob.login(), PASSWORD, "Reborn")).getString(Field.UID);
    assertFalse(bob.uid().equals(again));
  }

  @Test
  @DisplayName("A user deletes their own account with their password; a wrong password (403) deletes nothing")
  void selfDeletion() {
    Account bob = register(sut, "Leaving");
    JsonObject wrong = caller(bob).put(Field.PASSWORD, "not the password");
    assertEquals(ErrorCode.FORBIDDEN.failure(), sut.failureCode(Address.USER_DELETE, wrong));
    assertEquals(1, count(UserStore.USERS, new JsonObject().put(UserStore.ID, bob.uid())));
    sut.request(Address.USER_DELETE, caller(bob).put(Field.PASSWORD, PASSWORD));
    assertEquals(0, count(UserStore.USERS, new JsonObject().put(UserStore.ID, bob.uid())));
  }
}
