package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Multipart forms the gateway refuses are answered 400, not dropped without an answer (issue 20 item 10). */
@DisplayName("POST /files with a malformed multipart body")
class MalformedUploadTest {
  private static final String BOUNDARY = "palaver-test-boundary-7d9";
  /** Generous: an answer comes in milliseconds; a hang is what this catches. */
  private static final int ANSWER_WITHIN_MS = 10_000;
  private static GatewayUnderTest gateway;

  @BeforeAll
  static void start() {
    gateway = new GatewayUnderTest();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("A form with more fields than the decoder allows is answered 400 invalid")
  void tooManyFields() throws Exception {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      body.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"f").append(i)
          .append("\"\r\n\r\nx\r\n");
    }
    body.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n")
        .append("Content-Type: text/plain\r\n\r\nhello\r\n--").append(BOUNDARY).append("--\r\n");
    assertInvalid(post(body.toString()));
  }

  private static void assertInvalid(String answer) {
    assertTrue(answer.startsWith("HTTP/1.1 400"), "expected 400, got: " + answer);
    assertTrue(answer.contains("\"invalid\""), "expected the invalid code, got: " + answer);
  }

  /** Sends the whole request over a raw socket and returns what came back before the server closed or went quiet. */
  private static String post(String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "POST /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
        + GatewayUnderTest.token("alice") + "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY
        + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(ANSWER_WITHIN_MS);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
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
        // what came so far is the answer, maybe none
      }
      return got.toString(StandardCharsets.UTF_8);
    }
  }
}
