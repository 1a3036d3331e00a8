package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Multipart forms the gateway refuses are answered 400, not dropped without an answer (issue 20 item 10). */
@DisplayName("POST /files with a malformed multipart body")
class MalformedUploadTest {
  private static final String BOUNDARY = RawMultipart.BOUNDARY;
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

  @Test
  @DisplayName("A filename broken by CRLF (or a bare CR or LF) gets an answer: the name is cut there, not left hanging")
  void crlfInFilenameIsAnswered() throws Exception {
    for (String name : new String[] {"a\r\nb.txt", "a\rb.txt", "a\nb.txt", "a\r\n\r\nb.txt", "a\r\nContent-Type: x\r\n"}) {
      String answer = post(RawMultipart.oneFile(name, "hello"));
      assertTrue(answer.startsWith("HTTP/1.1 201"), "expected an answer, got: " + answer);
    }
  }

  @Test
  @DisplayName("A part header parameter without '=' (Netty's decoder then stops without a word) is answered 400 invalid")
  void parameterWithoutEqualsSign() throws Exception {
    String part = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name-broken\r\n\r\nx\r\n";
    assertInvalid(post(part + RawMultipart.oneFile("a.txt", "hello")));
  }

  @Test
  @DisplayName("A part without a name, after which more body follows, gets its 400 intact rather than a reset")
  void partWithoutName() throws Exception {
    String part = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; nme=\"a.txt\"\r\n\r\nhello\r\n";
    assertInvalid(post(part + RawMultipart.oneFile("b.txt", "x".repeat(64 * 1024))));
  }

  @Test
  @DisplayName("A part header parameter without '=' that arrives after the request was authenticated is answered 400 invalid")
  void parameterWithoutEqualsSignLate() throws Exception {
    String part = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name-broken\r\n\r\nx\r\n";
    byte[] body = (part + RawMultipart.oneFile("a.txt", "hello")).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertInvalid(RawMultipart.post(gateway.port(), GatewayUnderTest.token("alice"), body, 300));
  }

  private static void assertInvalid(String answer) {
    assertTrue(answer.startsWith("HTTP/1.1 400"), "expected 400, got: " + answer);
    assertTrue(answer.contains("\"invalid\""), "expected the invalid code, got: " + answer);
  }

  private static String post(String body) throws Exception {
    return RawMultipart.post(gateway.port(), GatewayUnderTest.token("alice"), body);
  }
}
