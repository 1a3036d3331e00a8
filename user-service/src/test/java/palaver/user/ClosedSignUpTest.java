package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** Closed sign-up ({@code registration: closed}). */
class ClosedSignUpTest {
  private static ServiceUnderTest sut;
  private static Account admin;

  @BeforeAll
  static void start() {
    sut = ServiceUnderTest.start(new JsonObject().put(Setting.REGISTRATION.key(), "closed"),
        List.of(Users.sessionService()), UserVerticle::new);
    admin = register(sut, "Admin");
  }

  @AfterAll
  static void stop() {
    sut.close();
  }

  @Test
  @DisplayName("Once the first account exists, signing up is refused with 403 registration_closed, even with a code")
  void signUpClosed() {
    String code = sut.request(Address.ADMIN_INVITE_CREATE, new JsonObject().put(Field.UID, admin.uid())).getString(Field.CODE);
    JsonObject body = registration(Users.unique("c").toLowerCase() + "@example.org", PASSWORD, "Late").put(Field.INVITE, code);
    assertEquals(ErrorCode.REGISTRATION_CLOSED.failure(), sut.failureCode(Address.USER_REGISTER, body));
  }
}
