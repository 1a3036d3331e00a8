package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A Pusher socket's life: the handshake's refusals, connection_established, ping/pong, bad frames. */
class PusherConnectionTest {
  private final PusherUnderTest pusher = new PusherUnderTest();

  @AfterEach
  void stop() {
    pusher.close();
  }

  private static JsonObject ping() {
    return new JsonObject().put("event", "pusher:ping").put("data", new JsonObject());
  }

  /** The error frame, then the close code, both {@code code}. */
  private static void refusedWith(PusherSocket socket, int code) {
    JsonObject error = socket.next();
    assertEquals("pusher:error", error.getString("event"), error.encode());
    assertEquals(code, error.getJsonObject("data").getInteger("code"), error.encode());
    assertEquals(code, socket.closeCode());
  }

  /** The next frame is a pusher:error without a code, and the socket still answers a ping. */
  private static void errorAndStillOpen(PusherSocket socket) {
    JsonObject error = socket.next();
    assertEquals("pusher:error", error.getString("event"), error.encode());
    assertNull(error.getJsonObject("data").getValue("code"), error.encode());
    socket.send(ping());
    assertEquals("pusher:pong", socket.next().getString("event"));
  }

  @Test
  @DisplayName("A socket gets connection_established whose data is a JSON string with a digits.digits socket id and activity_timeout 120")
  void connectionEstablished() {
    try (PusherSocket socket = pusher.open("/app/key1?protocol=7&client=js&version=8.4.0", null)) {
      JsonObject frame = socket.next();
      assertEquals("pusher:connection_established", frame.getString("event"));
      JsonObject data = new JsonObject(frame.getString("data"));
      assertTrue(data.getString("socket_id").matches("\\d+\\.\\d+"), data.encode());
      assertEquals(120, data.getInteger("activity_timeout"));
    }
  }

  @Test
  @DisplayName("Two sockets get different socket ids")
  void socketIdsDiffer() {
    try (PusherSocket a = pusher.connect("key1"); PusherSocket b = pusher.connect("key1")) {
      assertNotEquals(pusher.socketId(a), pusher.socketId(b));
    }
  }

  @Test
  @DisplayName("pusher-java-client's protocol 5 is served too")
  void protocolFive() {
    try (PusherSocket socket = pusher.open("/app/key1?client=java-client&protocol=5&version=2.4.4", null)) {
      assertEquals("pusher:connection_established", socket.next().getString("event"));
    }
  }

  @Test
  @DisplayName("An unknown app key gets pusher:error 4001 and close 4001")
  void unknownKey() {
    try (PusherSocket socket = pusher.open("/app/nope?protocol=7", null)) {
      refusedWith(socket, 4001);
    }
  }

  @Test
  @DisplayName("An unsupported protocol version gets pusher:error 4007 and close 4007")
  void unsupportedProtocol() {
    try (PusherSocket socket = pusher.open("/app/key1?protocol=3", null)) {
      refusedWith(socket, 4007);
    }
  }

  @Test
  @DisplayName("A connection without a protocol version gets pusher:error 4008 and close 4008")
  void noProtocol() {
    try (PusherSocket socket = pusher.open("/app/key1?client=js", null)) {
      refusedWith(socket, 4008);
    }
  }

  @Test
  @DisplayName("A browser origin the app does not allow gets pusher:error 4009 and close 4009")
  void originRefused() {
    try (PusherSocket socket = pusher.open("/app/key1?protocol=7", "https://evil.example")) {
      refusedWith(socket, 4009);
    }
  }

  @Test
  @DisplayName("A browser origin the app allows connects")
  void originAllowed() {
    try (PusherSocket socket = pusher.open("/app/key1?protocol=7", PusherUnderTest.ORIGIN)) {
      assertEquals("pusher:connection_established", socket.next().getString("event"));
    }
  }

  @Test
  @DisplayName("One socket over the app's maxConnections gets pusher:error 4100 and close 4100")
  void overCapacity() {
    PusherSocket[] sockets = new PusherSocket[PusherUnderTest.MAX_CONNECTIONS];
    for (int i = 0; i < sockets.length; i++) {
      sockets[i] = pusher.connect("key1");
    }
    try (PusherSocket extra = pusher.open("/app/key1?protocol=7", null)) {
      refusedWith(extra, 4100);
    } finally {
      for (PusherSocket s : sockets) {
        s.close();
      }
    }
  }

  @Test
  @DisplayName("A closed socket frees its slot of the app's maxConnections")
  void slotFreedOnClose() {
    PusherSocket[] sockets = new PusherSocket[PusherUnderTest.MAX_CONNECTIONS];
    for (int i = 0; i < sockets.length; i++) {
      sockets[i] = pusher.connect("key1");
    }
    sockets[0].close();
    palaver.testing.Await.until("the slot to be free", 5_000, () -> {
      try (PusherSocket again = pusher.open("/app/key1?protocol=7", null)) {
        return "pusher:connection_established".equals(again.next().getString("event"));
      }
    });
    for (PusherSocket s : sockets) {
      s.close();
    }
  }

  @Test
  @DisplayName("The limit is per app: another app's sockets don't count")
  void capacityPerApp() {
    PusherSocket[] sockets = new PusherSocket[PusherUnderTest.MAX_CONNECTIONS];
    for (int i = 0; i < sockets.length; i++) {
      sockets[i] = pusher.connect("key1");
    }
    try (PusherSocket other = pusher.connect("key2")) {
      assertTrue(pusher.socketId(other).matches("\\d+\\.\\d+"));
    } finally {
      for (PusherSocket s : sockets) {
        s.close();
      }
    }
  }

  @Test
  @DisplayName("pusher:ping is answered with pusher:pong")
  void pingPong() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.send(ping());
      assertEquals("pusher:pong", socket.next().getString("event"));
    }
  }

  @Test
  @DisplayName("Text that is not JSON gets a pusher:error and the socket stays open")
  void notJson() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.sendText("{not json");
      errorAndStillOpen(socket);
    }
  }

  @Test
  @DisplayName("A JSON array instead of an object gets a pusher:error and the socket stays open")
  void notAnObject() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.sendText("[1,2]");
      errorAndStillOpen(socket);
    }
  }

  @Test
  @DisplayName("A frame without an event gets a pusher:error")
  void missingEvent() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.send(new JsonObject().put("data", new JsonObject()));
      errorAndStillOpen(socket);
    }
  }

  @Test
  @DisplayName("A frame whose event is a number gets a pusher:error")
  void eventNotAString() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.send(new JsonObject().put("event", 42));
      errorAndStillOpen(socket);
    }
  }

  @Test
  @DisplayName("An unknown pusher: event gets a pusher:error")
  void unknownPusherEvent() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.send(new JsonObject().put("event", "pusher:frobnicate").put("data", new JsonObject()));
      errorAndStillOpen(socket);
    }
  }

  @Test
  @DisplayName("pusher:subscribe whose data is a number gets a pusher:error")
  void subscribeDataWrongType() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.send(new JsonObject().put("event", "pusher:subscribe").put("data", 7));
      errorAndStillOpen(socket);
    }
  }

  @Test
  @DisplayName("A message far over the app's event size gets a pusher:error and is not acted on")
  void tooBig() {
    try (PusherSocket socket = pusher.connect("key1")) {
      String channel = "x".repeat(20_000);
      socket.send(PusherUnderTest.subscribe(channel));
      errorAndStillOpen(socket);
    }
  }

  @Test
  @DisplayName("A binary frame gets a pusher:error")
  void binary() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.sendBinary(Buffer.buffer(new byte[] {1, 2, 3}));
      errorAndStillOpen(socket);
    }
  }

  @Test
  @DisplayName("A text message that is not UTF-8 closes the socket with 1007 before it is read")
  void invalidUtf8() {
    try (PusherSocket socket = pusher.connect("key1")) {
      socket.sendTextFragments(new byte[] {'{', '"', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
      assertEquals(1007, socket.closeCode());
    }
  }

  @Test
  @DisplayName("A message in fragments, a character split between two of them, is read as one message")
  void fragmentedMessage() {
    try (PusherSocket socket = pusher.connect("key1")) {
      byte[] ping = "{\"event\":\"pusher:ping\",\"data\":{\"note\":\"caf\u00e9\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int insideE = new String(ping, java.nio.charset.StandardCharsets.UTF_8).indexOf('\u00e9') + 1;
      socket.sendTextFragments(ping, 5, insideE);
      assertEquals("pusher:pong", socket.next().getString("event"));
    }
  }

  @Test
  @DisplayName("A flood of WebSocket pings is charged to the socket's rate and closes it with 4301")
  void pingFlood() {
    try (PusherSocket socket = pusher.connect("key1")) {
      for (int i = 0; i < 2_000 && socket.whileOpen(socket::sendPing); i++) {
        // the server closes the socket somewhere in here
      }
      assertEquals(4301, socket.closeCode());
    }
  }

  @Test
  @DisplayName("A message over 256 KiB in small fragments closes the socket with 1009 as it grows")
  void fragmentedTooLarge() {
    try (PusherSocket socket = pusher.connect("key1")) {
      byte[] big = new byte[300 * 1024];
      java.util.Arrays.fill(big, (byte) 'a');
      int[] cuts = new int[299];
      for (int i = 0; i < cuts.length; i++) {
        cuts[i] = (i + 1) * 1024;
      }
      try {
        socket.sendTextFragments(big, cuts);
      } catch (RuntimeException closedWhileSending) {
        // the server may close before the last fragment is written
      }
      assertEquals(1009, socket.closeCode());
    }
  }
}
