package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.testing.Await;

/** The server's pings to silent sockets, the close of dead ones, and the close of all sockets when the gateway stops. */
class PusherLivenessTest {
  /** Silent for 300 ms: pinged; checked every 100 ms, so unanswered for 100-200 ms more: closed. */
  private static final JsonObject FAST = new JsonObject().put("wsIdleTimeoutMs", 300).put("wsPingIntervalMs", 100);

  @Test
  @DisplayName("A silent socket gets a pusher:ping from the server")
  void serverPings() {
    try (PusherUnderTest pusher = new PusherUnderTest(FAST); PusherSocket socket = pusher.connect("key1")) {
      assertEquals("pusher:ping", socket.next().getString("event"));
    }
  }

  @Test
  @DisplayName("A socket that answers the server's ping stays open")
  void answeredPingKeepsSocket() throws InterruptedException {
    try (PusherUnderTest pusher = new PusherUnderTest(FAST); PusherSocket socket = pusher.connect("key1")) {
      for (int i = 0; i < 3; i++) {
        assertEquals("pusher:ping", socket.next().getString("event"));
        socket.send(new JsonObject().put("event", "pusher:pong").put("data", new JsonObject()));
      }
      Thread.sleep(200);
      assertFalse(socket.isClosed());
    }
  }

  @Test
  @DisplayName("A socket that answers neither pusher:ping nor the WebSocket ping is closed with 4201")
  void deadPeerClosed() {
    try (PusherUnderTest pusher = new PusherUnderTest(FAST);
        SilentPeer peer = new SilentPeer(pusher.sut.vertx(), pusher.sut.httpPort(), "/app/key1?protocol=7")) {
      assertEquals(4201, peer.closeCode(5_000));
      assertTrue(peer.texts().contains("\"pusher:ping\""), peer.texts());
    }
  }

  @Test
  @DisplayName("A stopping gateway closes its Pusher sockets with 4200 (reconnect now)")
  void stopCloses4200() {
    Vertx clientSide = Vertx.vertx();
    PusherUnderTest pusher = new PusherUnderTest();
    try (PusherSocket socket = PusherSocket.open(clientSide, pusher.sut.httpPort(), "/app/key1?protocol=7", null)) {
      assertEquals("pusher:connection_established", socket.next().getString("event"));
      pusher.close();
      assertEquals(4200, socket.closeCode());
    } finally {
      Await.result(clientSide.close());
    }
  }
}
