package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Real recordings: what browsers write is typed and measured as such")
class RecordedMediaTest {

  @Test
  @DisplayName("Chromium's MediaRecorder WebM of a canvas (VP8, unknown Segment size, no Duration) is video/webm without a duration")
  void chromiumWebm() throws IOException {
    byte[] webm = resource("chromium-recorded.webm");
    assertEquals("video/webm", ContentSniffer.sniff(webm, Math.min(webm.length, ContentSniffer.HEAD), webm.length > ContentSniffer.HEAD));
    assertEquals(java.util.OptionalLong.empty(), VideoDuration.of("video/webm", webm, webm.length, webm, webm.length));
  }

  @Test
  @DisplayName("The fuzzer's video seeds are what they claim: mp4 v0 (2.5 s), mp4 with moov last and v1 (3 s), webm (1.5 s)")
  void videoSeeds() throws IOException {
    assertEquals(java.util.OptionalLong.of(2_500), measured("tiny-v0.mp4"));
    assertEquals(java.util.OptionalLong.of(3_000), measured("moov-last-v1.mp4"));
    assertEquals(java.util.OptionalLong.of(1_500), measured("duration.webm"));
  }

  private static java.util.OptionalLong measured(String name) throws IOException {
    byte[] b = resource(name);
    String mime = ContentSniffer.sniff(b, b.length, false);
    return VideoDuration.of(mime, b, b.length, b, b.length);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = RecordedMediaTest.class.getResourceAsStream("MediaFuzzTestInputs/uploadIsTypedOrRefused/" + name)) {
      return in.readAllBytes();
    }
  }
}
