package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.Setting;
import palaver.system.Http.Response;
import palaver.system.Http.User;

/** Invite-only sign-up over REST: {@code registration: invite}. */
@DisplayName("Invite-only sign-up over the HTTP API")
class InviteOnlyTest {
  private static TestServer server;
  private static User admin;

  @BeforeAll
  static void start() {
    server = TestServer.standalone(new JsonObject().put(Setting.REGISTRATION.key(), "invite"));
    admin = server.http().newUser("Admin");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject signUp(String name) {
    return new JsonObject().put("login", name + "-" + System.nanoTime() + "@test.palaver")
        .put("password", "plover-kettle-41").put("nickname", name);
  }

  @Test
  @DisplayName("Sign-up without a code answers 403 invite_required")
  void withoutCode() {
    Response r = server.http().post("/users", null, signUp("Nocode"));
    assertEquals(403, r.status());
    assertEquals("invite_required", r.errorCode());
  }

  @Test
  @DisplayName("An admin's invite code from POST /admin/invites signs one account up; used again it answers 403 invite_required")
  void withCode() {
    Response invite = server.http().post("/admin/invites", admin.token(), null);
    assertEquals(201, invite.status(), invite.text());
    String code = invite.json().getString("code");
    assertEquals(201, server.http().post("/users", null, signUp("Invited").put("invite", code)).status());
    Response again = server.http().post("/users", null, signUp("Second").put("invite", code));
    assertEquals(403, again.status());
    assertEquals("invite_required", again.errorCode());
  }
}
