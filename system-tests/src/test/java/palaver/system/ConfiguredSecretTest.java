package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.PalaverNode;
import palaver.standalone.StandaloneMain;
import palaver.store.EmbeddedStore;
import palaver.system.Http.User;
import palaver.testing.Await;

@DisplayName("A JWT signing key given by configuration")
class ConfiguredSecretTest {
  private static final String SECRET = "k8Jr2m3Q7v9XyZ1aB4cD6eF8gH0iJ2kL4mN6oP8qR0s=";

  private static JsonObject secret(String secret) {
    return new JsonObject().put("jwtSecret", secret);
  }

  @Test
  @DisplayName("is shared by nodes on different stores: a token from one works on the other")
  void sharedSecret() {
    try (TestServer a = TestServer.standalone(secret(SECRET)); TestServer b = TestServer.standalone(secret(SECRET))) {
      User onA = a.http().newUser("A");
      // b has no such user: the signature is accepted, then the unknown user is refused.
      Http.Response r = b.http().get("/users/me", onA.token());
      assertEquals(401, r.status());
      assertEquals("token revoked", r.json().getJsonObject("error").getString("message"));
    }
  }

  @Test
  @DisplayName("is not accepted by a node with another key")
  void otherSecret() {
    try (EmbeddedStore s1 = TestServer.newStore();
        TestServer a = TestServer.on(s1, secret(SECRET));
        TestServer b = TestServer.on(s1, secret(SECRET.replace('k', 'x')))) {
      User onA = a.http().newUser("A");
      Http.Response r = b.http().get("/users/me", onA.token());
      assertEquals(401, r.status());
      assertEquals("invalid or expired token", r.json().getJsonObject("error").getString("message"));
    }
  }

  @Test
  @DisplayName("shorter than 256 bits stops the node from starting, with a clear message")
  void shortSecret() {
    try (EmbeddedStore store = TestServer.newStore()) {
      Throwable t = Await.failure(PalaverNode.start(TestServer.config(store.connectionString()).mergeIn(secret("too-short")),
          StandaloneMain.services()));
      assertTrue(t.getMessage().contains("jwtSecret must be at least 32 bytes"), t.getMessage());
    }
  }
}
