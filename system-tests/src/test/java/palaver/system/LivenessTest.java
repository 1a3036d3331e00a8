package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.system.Http.User;

/** Server pings every 200 ms here, and a socket silent for 1.5 s is closed. */
@DisplayName("Liveness: server pings, and silent sockets are closed")
class LivenessTest {
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() {
    server = TestServer.standalone(new JsonObject().put("wsPingIntervalMs", 200).put("wsIdleTimeoutMs", 1_500));
    http = server.http();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("A peer that never answers the server's pings is closed with 4408")
  void deadPeerIsClosed() {
    User u = http.newUser("Ghost");
    try (RawWsClient ghost = RawWsClient.connect(server.httpPort(), 64 * 1024).auth(u.token())) {
      RawWsClient.Frame frame = ghost.read();
      while (frame.isText()) {
        frame = ghost.read();
      }
      assertEquals(9, frame.opcode(), "the server pings");
      assertEquals(4408, ghost.readUntilClosed());
    }
  }

  @Test
  @DisplayName("A client that answers pings (as every WebSocket library does) stays connected while idle")
  void livePeerStays() throws InterruptedException {
    User u = http.newUser("Alive");
    try (WsClient ws = server.ws(u)) {
      Thread.sleep(3_000);
      assertFalse(ws.isClosed());
      assertEquals("pong", ws.request(new JsonObject().put("type", "ping")).getString("type"));
    }
  }
}
