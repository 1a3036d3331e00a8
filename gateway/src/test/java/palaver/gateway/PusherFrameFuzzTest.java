package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import palaver.runtime.Setting;

/**
 * Fuzzes the Pusher protocol end to end: each input is one text frame on a
 * real {@code /app/{key}} socket of the real gateway. After it the connection
 * must still answer {@code pusher:ping} with {@code pusher:pong}, or have been
 * closed with one of Pusher's 4000-4399 codes (or 1009 for size); and no
 * handler may have thrown on the gateway's event loops.
 */
class PusherFrameFuzzTest {
  private static final List<Throwable> thrown = new CopyOnWriteArrayList<>();
  private static PusherUnderTest pusher;
  private static PusherSocket socket;

  private static synchronized PusherSocket socket() {
    if (pusher == null) {
      // No frame-rate limit in the way: the fuzzer sends thousands of frames a second. Nor the per-address
      // connection cap: it reconnects from 127.0.0.1 after every input that closed the socket.
      pusher = new PusherUnderTest(new JsonObject().put(Setting.MAX_CONNECTIONS_PER_IP.key(), 0)
          .put(Setting.WS_FRAMES_PER_SECOND.key(), 1_000_000)
          .put(Setting.WS_FRAME_BURST.key(), 1_000_000).put(Setting.WS_USER_FRAMES_PER_SECOND.key(), 1_000_000)
          .put(Setting.WS_USER_FRAME_BURST.key(), 1_000_000));
      pusher.sut.vertx().exceptionHandler(thrown::add);
    }
    if (socket == null || socket.isClosed()) {
      socket = pusher.connect(PusherUnderTest.OTHER_KEY);
    }
    return socket;
  }

  @AfterAll
  static void stop() {
    if (pusher != null) {
      pusher.close();
    }
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(60) // above the 30 s budget (JUnit times the whole fuzzing run); Jazzer reports an input slower than this as a hang
  @DisplayName("After any frame a Pusher socket still answers ping, or was closed with a Pusher error code")
  void socketSurvivesOrClosesWithPusherCode(byte[] input) {
    PusherSocket s = socket();
    s.sendText(new String(input, StandardCharsets.UTF_8));
    try {
      s.sendText("{\"event\":\"pusher:ping\",\"data\":{}}");
    } catch (RuntimeException | AssertionError e) {
      if (!s.isClosed()) {
        throw e;
      }
    }
    long deadline = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject frame = s.poll(100);
      if (frame != null && "pusher:pong".equals(frame.getString("event"))) {
        assertTrue(thrown.isEmpty(), "a handler threw: " + thrown);
        return;
      }
      if (frame == null && s.isClosed()) {
        int code = s.closeCode();
        assertTrue((code >= 4000 && code < 4400) || code == 1009, "closed with " + code);
        assertTrue(thrown.isEmpty(), "a handler threw: " + thrown);
        return;
      }
    }
    fail("no pong within 5 s and the socket is still open");
  }
}
