package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static palaver.user.Users.PASSWORD;
import static palaver.user.Users.register;
import static palaver.user.Users.registration;
import static palaver.user.Users.token;
import static palaver.user.Users.uid;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Frames;
import palaver.api.Ids;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;
import palaver.user.Users.Account;

/** Register, login, tokens and their revocation, over the bus. */
class AccountsTest {
  private static ServiceUnderTest sut;

  @BeforeAll
  static void start() {
    sut = Users.start(Users.sessionService());
  }

  @AfterAll
  static void stop() {
    sut.close();
  }

  // ---- register

  @Test
  @DisplayName("Registering answers the new user's uid and a token that authenticates as that user")
  void registerAnswersToken() {
    Account alice = register(sut, "Alice");
    assertNotNull(alice.uid());
    assertEquals(alice.uid(), sut.request(Address.USER_AUTHENTICATE, token(alice.token())).getString(Field.UID));
  }

  @Test
  @DisplayName("Registering stores the login lower-cased and an Argon2id hash, never the password")
  void registerStoresHashNotPassword() {
    String login = Users.unique("Mixed") + "@Example.org";
    String uid = sut.request(Address.USER_REGISTER, registration(login, PASSWORD, "Mixed")).getString(Field.UID);
    JsonObject stored = storedUser(uid);
    assertEquals(login.toLowerCase(), stored.getString(Field.LOGIN));
    assertTrue(stored.getString(UserStore.HASH).startsWith("$argon2id$"));
    assertFalse(stored.encode().contains(PASSWORD));
  }

  @Test
  @DisplayName("Registering a login that is taken, in any letter case, is a conflict (409)")
  void duplicateLoginConflicts() {
    Account alice = register(sut, "Alice");
    assertEquals(ErrorCode.CONFLICT.status(), sut.failureCode(Address.USER_REGISTER,
        registration(alice.login().toUpperCase(), PASSWORD, "Impostor")));
  }

  @Test
  @DisplayName("Registering with a login that is not an email address is invalid (400)")
  void loginMustBeEmail() {
    assertInvalid(Address.USER_REGISTER, registration("not-an-email", PASSWORD, "Bob"));
  }

  @Test
  @DisplayName("Registering with a password shorter than eight characters is invalid (400)")
  void passwordTooShort() {
    assertInvalid(Address.USER_REGISTER, registration(Users.unique("b") + "@example.org", "short", "Bob"));
  }

  @Test
  @DisplayName("Registering with a common password, in any letter case or with separators, is refused as weak_password and creates nothing")
  void commonPasswordRefused() {
    for (String weak : new String[] {"password123", "PassWord123", "Password-123", "P@ssw0rd", "iloveyou2024"}) {
      String login = Users.unique("weak") + "@example.org";
      assertEquals(ErrorCode.WEAK_PASSWORD.failure(), sut.failureCode(Address.USER_REGISTER, registration(login, weak, "Weak")),
          weak);
      assertEquals(0L, Await.result(sut.mongo().count(UserStore.USERS, new JsonObject().put(Field.LOGIN, login))));
    }
  }

  @Test
  @DisplayName("The weak-password refusal says why, in its message")
  void commonPasswordMessage() {
    Throwable refused = sut.failure(Address.USER_REGISTER,
        registration(Users.unique("weak") + "@example.org", "qwertyuiop", "Weak"));
    assertTrue(refused.getMessage().contains("too common"), refused.getMessage());
  }

  @Test
  @DisplayName("Registering with a blank nickname is invalid (400)")
  void blankNickname() {
    assertInvalid(Address.USER_REGISTER, registration(Users.unique("b") + "@example.org", PASSWORD, "   "));
  }

  @Test
  @DisplayName("Registering with a nickname holding NUL, a newline or a right-to-left override is invalid (400)")
  void nicknameWithHiddenCharacters() {
    for (String nickname : new String[] {"Bo\u0000b", "Bo\nb", "Bob\u202Egpj.exe"}) {
      assertInvalid(Address.USER_REGISTER, registration(Users.unique("b") + "@example.org", PASSWORD, nickname));
    }
  }

  @Test
  @DisplayName("Registering with a login holding a NUL or a right-to-left override is invalid (400)")
  void loginWithHiddenCharacters() {
    for (String local : new String[] {"b\u0000", "b\u202E"}) {
      assertInvalid(Address.USER_REGISTER, registration(Users.unique(local) + "@example.org", PASSWORD, "Hidden"));
    }
  }

  @Test
  @DisplayName("Registering with fields of the wrong type is invalid (400)")
  void wrongTypes() {
    assertInvalid(Address.USER_REGISTER, registration(Users.unique("b") + "@example.org", PASSWORD, "Bob")
        .put(Field.PASSWORD, 12345678));
    assertInvalid(Address.USER_REGISTER, registration(Users.unique("b") + "@example.org", PASSWORD, "Bob")
        .put(Field.NICKNAME, new JsonObject().put("first", "Bob")));
  }

  @Test
  @DisplayName("Registering with a $-operator as a value is invalid (400) and stores nothing")
  void operatorKeysRefused() {
    JsonObject body = registration("x@example.org", PASSWORD, "Bob")
        .put(Field.LOGIN, new JsonObject().put("$gt", ""));
    assertInvalid(Address.USER_REGISTER, body);
    assertEquals(0L, Await.result(sut.mongo().count(UserStore.USERS, new JsonObject().put(Field.NICKNAME, "Bob"))));
  }

  @Test
  @DisplayName("Logging in with an operator instead of a login is invalid (400), not a match of any user")
  void operatorLoginRefused() {
    register(sut, "Victim");
    assertInvalid(Address.USER_LOGIN, new JsonObject().put(Field.LOGIN, new JsonObject().put("$ne", ""))
        .put(Field.PASSWORD, PASSWORD));
  }

  // ---- login

  @Test
  @DisplayName("Logging in with the right password answers a token of the same user")
  void loginAnswersToken() {
    Account alice = register(sut, "Alice");
    JsonObject reply = sut.request(Address.USER_LOGIN, credentials(alice.login(), PASSWORD));
    assertEquals(alice.uid(), reply.getString(Field.UID));
    assertEquals(alice.uid(), sut.request(Address.USER_AUTHENTICATE, token(reply.getString(Field.TOKEN)))
        .getString(Field.UID));
  }

  @Test
  @DisplayName("Logging in with a wrong password is unauthenticated (401)")
  void wrongPasswordUnauthenticated() {
    Account alice = register(sut, "Alice");
    assertEquals(ErrorCode.UNAUTHENTICATED.status(),
        sut.failureCode(Address.USER_LOGIN, credentials(alice.login(), "not the password")));
  }

  @Test
  @DisplayName("Logging in as an unknown login is unauthenticated (401), like a wrong password")
  void unknownLoginUnauthenticated() {
    assertEquals(ErrorCode.UNAUTHENTICATED.status(),
        sut.failureCode(Address.USER_LOGIN, credentials(Users.unique("nobody") + "@example.org", PASSWORD)));
  }

  // ---- authenticate and refresh

  @Test
  @DisplayName("Authenticating a token answers the profile and token version, without the password hash")
  void authenticateAnswersProfile() {
    Account alice = register(sut, "Alice");
    JsonObject reply = sut.request(Address.USER_AUTHENTICATE, token(alice.token()));
    assertEquals("Alice", reply.getString(Field.NICKNAME));
    assertEquals(0L, reply.getLong(UserStore.TOKEN_VERSION));
    assertFalse(reply.containsKey(UserStore.HASH));
  }

  @Test
  @DisplayName("Authenticating something that is not a token is unauthenticated (401)")
  void authenticateGarbage() {
    assertEquals(ErrorCode.UNAUTHENTICATED.status(), sut.failureCode(Address.USER_AUTHENTICATE, token("garbage")));
  }

  @Test
  @DisplayName("Refreshing a valid token answers a new token that authenticates as the same user")
  void refreshAnswersNewToken() {
    Account alice = register(sut, "Alice");
    String fresh = sut.request(Address.USER_REFRESH, token(alice.token())).getString(Field.TOKEN);
    assertEquals(alice.uid(), sut.request(Address.USER_AUTHENTICATE, token(fresh)).getString(Field.UID));
  }

  // ---- logout

  @Test
  @DisplayName("Logging out revokes every token of the user, so it no longer authenticates")
  void logoutRevokes() {
    Account alice = register(sut, "Alice");
    sut.request(Address.USER_LOGOUT, uid(alice.uid()));
    assertEquals(ErrorCode.UNAUTHENTICATED.status(), sut.failureCode(Address.USER_AUTHENTICATE, token(alice.token())));
  }

  @Test
  @DisplayName("A token revoked by logout can't be refreshed")
  void revokedCantRefresh() {
    Account alice = register(sut, "Alice");
    sut.request(Address.USER_LOGOUT, uid(alice.uid()));
    assertEquals(ErrorCode.UNAUTHENTICATED.status(), sut.failureCode(Address.USER_REFRESH, token(alice.token())));
  }

  @Test
  @DisplayName("Logging out bumps the stored token version")
  void logoutBumpsVersion() {
    Account alice = register(sut, "Alice");
    sut.request(Address.USER_LOGOUT, uid(alice.uid()));
    assertEquals(1L, storedUser(alice.uid()).getLong(UserStore.TOKEN_VERSION));
  }

  @Test
  @DisplayName("Logging out publishes a logout event to the user's connections, so gateways close them")
  void logoutPublishesEvent() {
    Account alice = register(sut, "Alice");
    List<JsonObject> seen = sut.listen(Address.fanoutUser(alice.uid()));
    sut.request(Address.USER_LOGOUT, uid(alice.uid()));
    JsonObject event = Users.awaitEvent(seen, UserVerticle.LOGOUT_EVENT);
    assertEquals(Frames.EVENT, event.getString(Field.TYPE));
    assertEquals(alice.uid(), event.getString(Field.UID));
    assertEquals("logged out", event.getString(Field.MESSAGE));
  }

  @Test
  @DisplayName("The token check (a connected socket's re-check) holds for the current version and fails with 401 after logout")
  void tokenCheckSeesLogout() {
    Account alice = register(sut, "Alice");
    JsonObject check = uid(alice.uid()).put(Field.TOKEN_VERSION, 0L);
    assertEquals(new JsonObject(), sut.request(Address.USER_TOKEN_CHECK, check));
    sut.request(Address.USER_LOGOUT, uid(alice.uid()));
    assertEquals(ErrorCode.UNAUTHENTICATED.status(), sut.failureCode(Address.USER_TOKEN_CHECK, check));
  }

  @Test
  @DisplayName("The token check of an unknown user fails with 401, and without a version with 400")
  void tokenCheckUnknownOrInvalid() {
    assertEquals(ErrorCode.UNAUTHENTICATED.status(),
        sut.failureCode(Address.USER_TOKEN_CHECK, uid("no-such-user").put(Field.TOKEN_VERSION, 0L)));
    assertEquals(ErrorCode.INVALID.status(), sut.failureCode(Address.USER_TOKEN_CHECK, uid("no-such-user")));
  }

  @Test
  @DisplayName("Logging out an unknown user is not found (404)")
  void logoutUnknown() {
    assertEquals(ErrorCode.NOT_FOUND.status(), sut.failureCode(Address.USER_LOGOUT, uid("no-such-user")));
  }

  // ---- password change

  @Test
  @DisplayName("Changing the password revokes the old tokens and answers a new one that works")
  void passwordChangeRevokesOldTokens() {
    Account alice = register(sut, "Alice");
    String fresh = sut.request(Address.USER_PASSWORD, passwordChange(alice.uid(), PASSWORD, "another password"))
        .getString(Field.TOKEN);
    assertEquals(ErrorCode.UNAUTHENTICATED.status(), sut.failureCode(Address.USER_AUTHENTICATE, token(alice.token())));
    assertEquals(alice.uid(), sut.request(Address.USER_AUTHENTICATE, token(fresh)).getString(Field.UID));
  }

  @Test
  @DisplayName("After a password change only the new password logs in")
  void passwordChangeSwapsPassword() {
    Account alice = register(sut, "Alice");
    sut.request(Address.USER_PASSWORD, passwordChange(alice.uid(), PASSWORD, "another password"));
    assertEquals(ErrorCode.UNAUTHENTICATED.status(),
        sut.failureCode(Address.USER_LOGIN, credentials(alice.login(), PASSWORD)));
    assertEquals(alice.uid(), sut.request(Address.USER_LOGIN, credentials(alice.login(), "another password"))
        .getString(Field.UID));
  }

  @Test
  @DisplayName("Changing the password publishes a logout event to the user's connections")
  void passwordChangePublishesLogout() {
    Account alice = register(sut, "Alice");
    List<JsonObject> seen = sut.listen(Address.fanoutUser(alice.uid()));
    sut.request(Address.USER_PASSWORD, passwordChange(alice.uid(), PASSWORD, "another password"));
    assertEquals("password changed", Users.awaitEvent(seen, UserVerticle.LOGOUT_EVENT).getString(Field.MESSAGE));
  }

  @Test
  @DisplayName("Changing the password with a wrong old password is forbidden (403) and changes nothing")
  void wrongOldPasswordForbidden() {
    Account alice = register(sut, "Alice");
    assertEquals(ErrorCode.FORBIDDEN.status(),
        sut.failureCode(Address.USER_PASSWORD, passwordChange(alice.uid(), "not the password", "another password")));
    assertEquals(alice.uid(), sut.request(Address.USER_AUTHENTICATE, token(alice.token())).getString(Field.UID));
  }

  @Test
  @DisplayName("A new password shorter than eight characters is invalid (400)")
  void newPasswordTooShort() {
    Account alice = register(sut, "Alice");
    assertInvalid(Address.USER_PASSWORD, passwordChange(alice.uid(), PASSWORD, "short"));
  }

  @Test
  @DisplayName("A common new password is refused as weak_password and the old one still logs in")
  void commonNewPasswordRefused() {
    Account alice = register(sut, "Alice");
    assertEquals(ErrorCode.WEAK_PASSWORD.failure(),
        sut.failureCode(Address.USER_PASSWORD, passwordChange(alice.uid(), PASSWORD, "Sunshine1")));
    assertEquals(alice.uid(), sut.request(Address.USER_LOGIN, credentials(alice.login(), PASSWORD)).getString(Field.UID));
  }

  @Test
  @DisplayName("An account made before the check, with a common password, still logs in")
  void oldCommonPasswordStillLogsIn() {
    String uid = Ids.random();
    String login = Users.unique("old").toLowerCase() + "@example.org";
    Await.result(new UserStore(sut.mongo()).insert(uid, login, "Old", Passwords.hash("password123")));
    assertEquals(uid, sut.request(Address.USER_LOGIN, credentials(login, "password123")).getString(Field.UID));
  }

  private static JsonObject credentials(String login, String password) {
    return new JsonObject().put(Field.LOGIN, login).put(Field.PASSWORD, password);
  }

  private static JsonObject passwordChange(String uid, String oldPassword, String newPassword) {
    return uid(uid).put(Field.OLD_PASSWORD, oldPassword).put(Field.NEW_PASSWORD, newPassword);
  }

  private static JsonObject storedUser(String uid) {
    return Await.result(sut.mongo().findOne(UserStore.USERS, new JsonObject().put(UserStore.ID, uid), null));
  }

  private static void assertInvalid(String address, JsonObject body) {
    assertEquals(ErrorCode.INVALID.status(), sut.failureCode(address, body));
  }
}
