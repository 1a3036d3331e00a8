package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The streaming multipart/form-data parser of uploads")
class MultipartParserTest {
  private static final String B = "xyzBOUNDARY";

  /** What the parser reported, as text: "begin name/filename/type", "data ...", "end", "form end". */
  private static final class Recorder implements MultipartParser.Receiver {
    final List<String> events = new ArrayList<>();
    final StringBuilder content = new StringBuilder();

    @Override
    public void partBegin(MultipartParser.Part part) {
      flush();
      events.add("begin " + part.name() + "/" + part.filename() + "/" + part.contentType());
    }

    @Override
    public void partData(Buffer data) {
      assertTrue(data.length() > 0, "an empty data call");
      content.append(data.toString(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void partEnd() {
      flush();
      events.add("end");
    }

    @Override
    public void formEnd() {
      events.add("form end");
    }

    private void flush() {
      if (content.length() > 0) {
        events.add("data " + content);
        content.setLength(0);
      }
    }
  }

  private static String form(String... parts) {
    StringBuilder body = new StringBuilder();
    for (String part : parts) {
      body.append("--").append(B).append("\r\n").append(part).append("\r\n");
    }
    return body.append("--").append(B).append("--\r\n").toString();
  }

  private static final String FILE = "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
      + "Content-Type: text/plain\r\n\r\nhello world";

  private static List<String> parse(String body, int... cuts) {
    Recorder recorder = new Recorder();
    MultipartParser parser = new MultipartParser(B, 10, recorder);
    byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
    int from = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int to = i < cuts.length ? cuts[i] : bytes.length;
      parser.feed(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, from, to)));
      from = to;
    }
    return recorder.events;
  }

  @Test
  @DisplayName("A one-file form gives the part's name, filename, type and content, then the form's end")
  void oneFile() {
    assertEquals(List.of("begin file/a.txt/text/plain", "data hello world", "end", "form end"), parse(form(FILE)));
  }

  @Test
  @DisplayName("The same events come however the body is cut into chunks, down to one byte each")
  void anyChunking() {
    String body = form("Content-Disposition: form-data; name=\"caption\"\r\n\r\nhi", FILE);
    List<String> whole = parse(body);
    for (int cut = 1; cut < body.length(); cut++) {
      assertEquals(whole, parse(body, cut), "cut at " + cut);
    }
    int[] everyByte = new int[body.length() - 1];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = i + 1;
    }
    assertEquals(whole, parse(body, everyByte));
  }

  @Test
  @DisplayName("Content that looks like the start of a delimiter, but is not one, is content")
  void delimiterLookalike() {
    String content = "a\r\n--xyzBOUNDAR\r\n-b\r\n--xyz";
    String body = form("Content-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\n" + content);
    assertEquals(List.of("begin file/f/null", "data " + content, "end", "form end"), parse(body, 40, 47, 60));
  }

  @Test
  @DisplayName("A preamble before the first delimiter and an epilogue after the last are ignored")
  void preambleAndEpilogue() {
    String body = "this is a preamble\r\n" + form(FILE) + "and an epilogue --" + B + "\r\n";
    assertEquals(List.of("begin file/a.txt/text/plain", "data hello world", "end", "form end"), parse(body));
  }

  @Test
  @DisplayName("Spaces after a delimiter (RFC 2046 transport padding) are allowed")
  void transportPadding() {
    String body = "--" + B + "  \r\n" + FILE + "\r\n--" + B + "--";
    assertEquals(List.of("begin file/a.txt/text/plain", "data hello world", "end", "form end"), parse(body));
  }

  @Test
  @DisplayName("A quoted filename may hold semicolons and escaped quotes")
  void quotedFilename() {
    String body = form("Content-Disposition: form-data; name=\"file\"; filename=\"a;b \\\"c\\\".txt\"\r\n\r\nx");
    assertEquals("begin file/a;b \"c\".txt/null", parse(body).get(0));
  }

  @Test
  @DisplayName("A body that ends inside a part reports no end for it and is not complete")
  void truncated() {
    Recorder recorder = new Recorder();
    MultipartParser parser = new MultipartParser(B, 10, recorder);
    parser.feed(Buffer.buffer("--" + B + "\r\n" + FILE));
    assertFalse(parser.complete());
    assertFalse(recorder.events.contains("end"));
  }

  @Test
  @DisplayName("A Content-Disposition parameter without '=' is malformed")
  void parameterWithoutValue() {
    assertMalformed(form("Content-Disposition: form-data; name-broken\r\n\r\nx"), "without a value");
  }

  @Test
  @DisplayName("A part without a name is malformed")
  void withoutName() {
    assertMalformed(form("Content-Disposition: form-data; nme=\"a\"\r\n\r\nx"), "without a name");
  }

  @Test
  @DisplayName("A part without Content-Disposition, or not form-data, is malformed")
  void withoutDisposition() {
    assertMalformed(form("Content-Type: text/plain\r\n\r\nx"), "Content-Disposition");
    assertMalformed(form("Content-Disposition: attachment; name=\"file\"\r\n\r\nx"), "not form-data");
  }

  @Test
  @DisplayName("A delimiter followed by anything but '--' or a line break is malformed")
  void badDelimiterLine() {
    assertMalformed("--" + B + "junk\r\n" + FILE, "line break");
  }

  @Test
  @DisplayName("More parts than allowed are malformed")
  void tooManyParts() {
    String[] parts = new String[11];
    java.util.Arrays.fill(parts, "Content-Disposition: form-data; name=\"f\"\r\n\r\nx");
    assertMalformed(form(parts), "more than 10");
  }

  @Test
  @DisplayName("A part header block over the limit is malformed, even before it ends")
  void headersTooLong() {
    String huge = "X-Padding: " + "a".repeat(MultipartParser.MAX_HEADER_BYTES);
    assertMalformed("--" + B + "\r\n" + huge, "longer than");
  }

  @Test
  @DisplayName("The boundary comes from the Content-Type, quoted or not; none, or an empty one, is null")
  void boundaryOfContentType() {
    assertEquals("abc", MultipartParser.boundary("multipart/form-data; boundary=abc"));
    assertEquals("a b", MultipartParser.boundary("multipart/form-data; boundary=\"a b\"; charset=utf-8"));
    assertEquals(null, MultipartParser.boundary("multipart/form-data"));
    assertEquals(null, MultipartParser.boundary("multipart/form-data; boundary="));
    assertEquals(null, MultipartParser.boundary("multipart/form-data; boundary=" + "x".repeat(71)));
  }

  private static void assertMalformed(String body, String says) {
    MultipartParser.Malformed e = assertThrows(MultipartParser.Malformed.class, () -> parse(body));
    assertTrue(e.getMessage().contains(says), e.getMessage());
  }
}
