package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.Setting;

/** Issue 20 item 6 (slowloris): a connection that sends nothing is not held open forever. */
class SilentConnectionTest {
  private final GatewayUnderTest gateway =
      new GatewayUnderTest(new JsonObject().put(Setting.HTTP_IDLE_TIMEOUT_MS.key(), 1_000).put(Setting.WS_PING_INTERVAL_MS.key(), 200).put(Setting.WS_IDLE_TIMEOUT_MS.key(), 300));

  @AfterEach
  void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("a TCP connection that never sends a byte is closed by the server after the idle timeout")
  void silentConnectionIsClosed() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      // Generous read timeout: the test only fails if the server keeps the socket much longer.
      socket.setSoTimeout(20_000);
      InputStream in = socket.getInputStream();
      int read;
      try {
        read = in.read();
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the silent connection was still open after 20 s", e);
      } catch (java.net.SocketException reset) {
        read = -1;
      }
      assertEquals(-1, read, "the server closed the connection");
    }
  }
}
