package palaver.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import palaver.testing.Await;

/**
 * A WebSocket peer that completes the upgrade and then never answers anything,
 * not even a WebSocket ping (every WebSocket library answers those by itself):
 * a dead client as the server sees it. Reads the server's frames as raw bytes.
 */
final class SilentPeer implements AutoCloseable {
  private final NetClient client;
  private final NetSocket socket;
  private final Buffer received = Buffer.buffer();

  SilentPeer(Vertx vertx, int port, String uri) {
    client = vertx.createNetClient();
    socket = Await.result(client.connect(port, "127.0.0.1"));
    socket.handler(bytes -> {
      synchronized (received) {
        received.appendBuffer(bytes);
      }
    });
    String upgrade = "GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    Await.result(socket.write(Buffer.buffer(upgrade, "US-ASCII")));
  }

  /** The code of the server's close frame, waiting up to {@code millis}; -1 when none came. */
  int closeCode(long millis) {
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      int code = parseClose();
      if (code >= 0) {
        return code;
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
    return parseClose();
  }

  /** Text frames received so far, decoded. */
  String texts() {
    StringBuilder out = new StringBuilder();
    frames((opcode, payload) -> {
      if (opcode == 1) {
        out.append(new String(payload, StandardCharsets.UTF_8)).append('\n');
      }
    });
    return out.toString();
  }

  private int parseClose() {
    int[] code = {-1};
    frames((opcode, payload) -> {
      if (opcode == 8 && payload.length >= 2 && code[0] < 0) {
        code[0] = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
      }
    });
    return code[0];
  }

  private interface FrameVisitor {
    void frame(int opcode, byte[] payload);
  }

  /** Walks the server's (unmasked) frames after the HTTP response. */
  private void frames(FrameVisitor visitor) {
    byte[] bytes;
    synchronized (received) {
      bytes = received.getBytes();
    }
    String head = new String(bytes, StandardCharsets.ISO_8859_1);
    int at = head.indexOf("\r\n\r\n");
    if (at < 0) {
      return;
    }
    at += 4;
    while (at + 2 <= bytes.length) {
      int opcode = bytes[at] & 0x0F;
      long length = bytes[at + 1] & 0x7F;
      int header = 2;
      if (length == 126) {
        if (at + 4 > bytes.length) {
          return;
        }
        length = ((bytes[at + 2] & 0xFF) << 8) | (bytes[at + 3] & 0xFF);
        header = 4;
      } else if (length == 127) {
        return; // the server sends nothing that big here
      }
      if (at + header + length > bytes.length) {
        return;
      }
      byte[] payload = new byte[(int) length];
      System.arraycopy(bytes, at + header, payload, 0, (int) length);
      visitor.frame(opcode, payload);
      at += header + (int) length;
    }
  }

  @Override
  public void close() {
    socket.close();
    client.close();
  }
}
