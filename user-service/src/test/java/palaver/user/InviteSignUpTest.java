package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static palaver.user.Users.PASSWORD;
import static palaver.user.Users.register;
import static palaver.user.Users.registration;

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
import palaver.testing.ServiceUnderTest;
import palaver.user.Users.Account;

/** Invite-only sign-up ({@code registration: invite}): single-use codes made by admins. */
class InviteSignUpTest {
  private static ServiceUnderTest sut;
  private static Account admin;

  @BeforeAll
  static void start() {
    sut = ServiceUnderTest.start(new JsonObject().put(Setting.REGISTRATION.key(), "invite"),
        List.of(Users.sessionService()), UserVerticle::new);
    admin = register(sut, "Admin");
  }

  @AfterAll
  static void stop() {
    sut.close();
  }

  private static JsonObject newRegistration() {
    return registration(Users.unique("inv").toLowerCase() + "@example.org", PASSWORD, "Invited");
  }

  private static String invite() {
    return sut.request(Address.ADMIN_INVITE_CREATE, new JsonObject().put(Field.UID, admin.uid())).getString(Field.CODE);
  }

  @Test
  @DisplayName("The first account of an invite-only server needs no code (it becomes the admin who makes them)")
  void firstAccountNeedsNoCode() {
    assertEquals(Boolean.TRUE, sut.request(Address.ADMIN_CHECK, new JsonObject().put(Field.UID, admin.uid()))
        .getBoolean(Field.ADMIN));
  }

  @Test
  @DisplayName("Signing up without an invite code is refused with 403 invite_required")
  void noCodeRefused() {
    assertEquals(ErrorCode.INVITE_REQUIRED.failure(), sut.failureCode(Address.USER_REGISTER, newRegistration()));
  }

  @Test
  @DisplayName("Signing up with an unknown invite code is refused with 403 invite_required")
  void unknownCodeRefused() {
    assertEquals(ErrorCode.INVITE_REQUIRED.failure(), sut.failureCode(Address.USER_REGISTER,
        newRegistration().put(Field.INVITE, "made-up")));
  }

  @Test
  @DisplayName("An admin's invite code signs one account up, and only one")
  void codeIsSingleUse() {
    String code = invite();
    assertNotNull(sut.request(Address.USER_REGISTER, newRegistration().put(Field.INVITE, code)).getString(Field.TOKEN));
    assertEquals(ErrorCode.INVITE_REQUIRED.failure(), sut.failureCode(Address.USER_REGISTER,
        newRegistration().put(Field.INVITE, code)));
  }

  @Test
  @DisplayName("A code spent on a sign-up that failed (login taken) is given back and still works")
  void failedSignUpGivesCodeBack() {
    String code = invite();
    JsonObject taken = registration(admin.login(), PASSWORD, "Copy").put(Field.INVITE, code);
    assertEquals(ErrorCode.CONFLICT.failure(), sut.failureCode(Address.USER_REGISTER, taken));
    assertNotNull(sut.request(Address.USER_REGISTER, newRegistration().put(Field.INVITE, code)).getString(Field.UID));
  }

  @Test
  @DisplayName("Admins list the unused codes; a used one is no longer listed")
  void unusedCodesListed() {
    String unused = invite();
    String used = invite();
    sut.request(Address.USER_REGISTER, newRegistration().put(Field.INVITE, used));
    String listed = sut.request(Address.ADMIN_INVITES, new JsonObject().put(Field.UID, admin.uid())).encode();
    assertEquals(true, listed.contains(unused));
    assertEquals(false, listed.contains(used));
  }
}
