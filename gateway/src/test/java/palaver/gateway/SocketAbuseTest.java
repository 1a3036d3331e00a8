package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.CloseCode;
import palaver.api.Field;
import palaver.runtime.Setting;

/** Limits on what one user or socket may hold or send that frames alone did not cover (issue 20, item 12). */
class SocketAbuseTest {
  private static final int CAP = 3;
  private static GatewayUnderTest gateway;

  @BeforeAll
  static void start() {
    gateway = new GatewayUnderTest(new JsonObject().put(Setting.WS_MAX_SOCKETS_PER_USER.key(), CAP)
        .put(Setting.WS_FRAMES_PER_SECOND.key(), 5).put(Setting.WS_FRAME_BURST.key(), 10)
        .put(Setting.WS_MAX_REJECTED_FRAMES.key(), 20));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("A user's socket over wsMaxSocketsPerUser is closed with 4409; the ones before it stay ready")
  void socketOverCapRefused() {
    List<TestSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < CAP; i++) {
        held.add(gateway.socketOf("hoarder"));
      }
      try (TestSocket extra = TestSocket.open(gateway.sut.vertx(), gateway.port())) {
        extra.send(new JsonObject().put(Field.TYPE, "auth").put(Field.TOKEN, GatewayUnderTest.token("hoarder")));
        assertEquals(CloseCode.TOO_MANY_SOCKETS.code(), extra.closeCode());
      }
      held.get(0).send(new JsonObject().put(Field.TYPE, "ping").put(Field.RID, 1));
      assertEquals("pong", held.get(0).next().getString(Field.TYPE));
    } finally {
      held.forEach(TestSocket::close);
    }
  }

  @Test
  @DisplayName("Once one of the user's sockets closed, a new one is accepted again")
  void capFreedByClose() {
    List<TestSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < CAP; i++) {
        held.add(gateway.socketOf("rotator"));
      }
      held.remove(0).close();
      // The gateway counts the close once it saw it; until then a new socket may still be refused.
      palaver.testing.Await.until("a new socket accepted", 10_000, () -> {
        TestSocket socket = TestSocket.open(gateway.sut.vertx(), gateway.port());
        boolean ready = "ready".equals(socket.auth(GatewayUnderTest.token("rotator")).getString(Field.TYPE));
        if (ready) {
          held.add(socket);
        } else {
          socket.close();
        }
        return ready;
      });
    } finally {
      held.forEach(TestSocket::close);
    }
  }

  @Test
  @DisplayName("A socket flooding WebSocket ping frames is closed with 4429 like one flooding text frames")
  void pingFloodClosed() {
    try (TestSocket socket = gateway.socketOf("pinger")) {
      for (int i = 0; i < 500; i++) {
        socket.sendPing();
      }
      assertEquals(CloseCode.RATE_LIMITED.code(), socket.closeCode());
    }
  }
}
