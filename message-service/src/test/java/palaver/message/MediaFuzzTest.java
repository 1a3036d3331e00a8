package palaver.message;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.eventbus.ReplyException;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import palaver.api.ErrorCode;

/**
 * Fuzzes what an upload's bytes go through in message-service: the content
 * sniffer (with its WebM track walk), the audio and video duration readers and, for what sniffs as an image, the
 * thumbnailer (malformed images). Each may refuse, none may throw anything else.
 */
class MediaFuzzTest {

  @FuzzTest(maxDuration = "30s")
  @Timeout(60) // above the 30 s budget (JUnit times the whole fuzzing run); Jazzer reports an input slower than this as a hang
  @DisplayName("Any upload is typed, measured and thumbnailed or refused as invalid, never crashes")
  void uploadIsTypedOrRefused(byte[] input) {
    String mime = ContentSniffer.sniff(input, input.length, false);
    assertNotNull(mime);
    byte[] tail = Arrays.copyOfRange(input, Math.max(0, input.length - 64 * 1024), input.length);
    AudioDuration.of(mime, input, input.length, tail, input.length);
    OptionalLong video = VideoDuration.measure(mime, input, input.length, tail, input.length);
    assertTrue(video.isEmpty() || video.getAsLong() >= 0 && video.getAsLong() < VideoDuration.MAX_MS, "video of " + video);
    // Also as either container whatever the sniffer said, so the parsers see every input, not only well-headed ones.
    VideoDuration.measure("video/mp4", input, input.length, tail, input.length);
    VideoDuration.measure("video/webm", input, input.length, tail, input.length);
    if (!mime.startsWith("image/")) {
      return;
    }
    try {
      Thumbnails.Thumb thumb = Thumbnails.make(new ByteArrayInputStream(input), mime);
      if (thumb != null) {
        assertTrue(thumb.width() > 0 && thumb.height() > 0, "thumbnail of " + thumb.width() + "x" + thumb.height());
      }
    } catch (ReplyException e) {
      ErrorCode code = ErrorCode.of(e);
      assertTrue(code == ErrorCode.INVALID || code == ErrorCode.TOO_LARGE, "refused with " + code);
    }
  }
}
