package palaver.gateway;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A {@code POST /api/v1/files} written byte for byte over a plain socket, so malformed bodies reach the server as sent. */
final class RawMultipart {
  static final String BOUNDARY = "palaver-test-boundary-7d9";
  /** Generous: an answer comes in milliseconds; a hang is what this catches. */
  private static final int ANSWER_WITHIN_MS = 10_000;

  private RawMultipart() {
  }

  /** A well-formed body with one small file. */
  static String oneFile(String name, String content) {
    return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n"
        + "Content-Type: text/plain\r\n\r\n" + content + "\r\n--" + BOUNDARY + "--\r\n";
  }

  /** Sends the request and returns what came back before the server closed or went quiet (maybe nothing). */
  static String post(int port, String token, String body) throws Exception {
    return post(port, token, body.getBytes(StandardCharsets.UTF_8));
  }

  /** As {@link #post(int, String, String)}, with the body's bytes exactly as given. */
  static String post(int port, String token, byte[] bytes) throws Exception {
    return post(port, token, bytes, 0);
  }

  /**
   * As {@link #post(int, String, byte[])}, the body sent {@code bodyAfterMs} after the head: by then the gateway
   * has authenticated the request and reads the body as it comes, not from what it buffered meanwhile.
   */
  static String post(int port, String token, byte[] bytes, long bodyAfterMs) throws Exception {
    String head = "POST /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY
        + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(ANSWER_WITHIN_MS);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      if (bodyAfterMs > 0) {
        socket.getOutputStream().flush();
        Thread.sleep(bodyAfterMs);
      }
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      try {
        for (int n; (n = in.read(buffer)) > 0; ) {
          got.write(buffer, 0, n);
          if (got.toString(StandardCharsets.UTF_8).contains("}")) {
            break;
          }
        }
      } catch (SocketTimeoutException quiet) {
        // what came so far is the answer
      }
      return got.toString(StandardCharsets.UTF_8);
    }
  }
}
