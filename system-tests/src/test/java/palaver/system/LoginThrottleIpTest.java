package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Its own server: the failures it makes would throttle every other test's logins from 127.0.0.1. */
@DisplayName("Failed logins are throttled per client IP")
class LoginThrottleIpTest extends OneNodeTest {

  @Test
  @DisplayName("After 20 failures on different logins from one IP, every login from it is 429 with Retry-After")
  void perIpThrottle() {
    Http.User u = http.newUser("Innocent");
    for (int i = 0; i < 20; i++) {
      Http.Response r = http.post("/auth/login", null, new JsonObject()
          .put("login", "guess-" + i + "-" + System.nanoTime() + "@test.palaver").put("password", "plover-kettle-41"));
      assertEquals(401, r.status());
    }
    Http.Response limited = http.post("/auth/login", null, new JsonObject().put("login", u.login())
        .put("password", "plover-kettle-41"));
    assertEquals(429, limited.status());
    assertEquals("rate_limited", limited.errorCode());
    assertNotNull(limited.headers().get("Retry-After"));
    // Registering and tokens are not affected: only logins are throttled.
    assertEquals(200, http.get("/users/me", u.token()).status());
  }
}
