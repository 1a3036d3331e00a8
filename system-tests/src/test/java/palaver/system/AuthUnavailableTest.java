package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.store.EmbeddedStore;

@DisplayName("A socket whose token can't be checked right now")
class AuthUnavailableTest {
  @Test
  @DisplayName("is told unavailable and closed with 1013, not 4401: a good token must not be thrown away")
  void tryAgainLater() {
    // A gateway alone: no user-service answers the token check.
    try (EmbeddedStore store = TestServer.newStore();
        TestServer gatewayOnly = TestServer.on(store, new JsonObject(), "gateway");
        WsClient ws = WsClient.open(gatewayOnly.node().vertx(), gatewayOnly.httpPort(), "/ws", null)) {
      ws.send(new JsonObject().put("type", "auth").put("token", "some.valid.looking-token").put("rid", "a"));
      JsonObject error = ws.next(f -> "error".equals(f.getString("type")));
      assertEquals("unavailable", error.getString("code"));
      assertEquals("a", error.getString("rid"));
      assertEquals(1013, ws.awaitClose());
    }
  }
}
