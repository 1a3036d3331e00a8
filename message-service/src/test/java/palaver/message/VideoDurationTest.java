package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static palaver.message.VideoBytes.box;
import static palaver.message.VideoBytes.concat;
import static palaver.message.VideoBytes.float32;
import static palaver.message.VideoBytes.float64;
import static palaver.message.VideoBytes.ftyp;
import static palaver.message.VideoBytes.info;
import static palaver.message.VideoBytes.mp4;
import static palaver.message.VideoBytes.mvhd0;
import static palaver.message.VideoBytes.mvhd1;
import static palaver.message.VideoBytes.unsigned;
import static palaver.message.VideoBytes.webm;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("VideoDuration: a video upload's length from its head and tail")
class VideoDurationTest {

  @Test
  @DisplayName("An MP4 with a version 0 movie header lasts its duration over its timescale")
  void mp4Version0() {
    assertEquals(OptionalLong.of(12_500), kept("video/mp4", mp4(mvhd0(1000, 12_500), 1000)));
  }

  @Test
  @DisplayName("An MP4 with a version 1 (64-bit) movie header lasts its duration over its timescale")
  void mp4Version1() {
    assertEquals(OptionalLong.of(90_000), kept("video/mp4", mp4(mvhd1(90_000, 90_000L * 90), 1000)));
  }

  @Test
  @DisplayName("An MP4 whose moov follows a large mdat is measured from the tail")
  void mp4MoovAtTheEnd() {
    byte[] file = concat(ftyp(), box("mdat", new byte[500_000]), box("moov", mvhd0(600, 600 * 7)));
    assertEquals(OptionalLong.of(7_000), kept("video/mp4", file));
  }

  @Test
  @DisplayName("An MP4 whose mdat has a 64-bit size is walked past it")
  void mp4LargeSizeBox() {
    byte[] mdat = concat(ByteBuffer.allocate(16).putInt(1).put(VideoBytes.ascii("mdat")).putLong(16 + 300_000).array(),
        new byte[300_000]);
    byte[] file = concat(ftyp(), mdat, box("moov", mvhd1(1000, 4_321)));
    assertEquals(OptionalLong.of(4_321), kept("video/mp4", file));
  }

  @Test
  @DisplayName("A moov beyond both the head and the tail gives no duration")
  void mp4MoovNotKept() {
    byte[] file = concat(ftyp(), box("mdat", new byte[200_000]), box("moov", mvhd0(1000, 5_000)),
        box("free", new byte[200_000]));
    assertEquals(OptionalLong.empty(), kept("video/mp4", file));
  }

  @Test
  @DisplayName("A fragmented MP4 (duration 0) and an unknown duration (all ones) give none")
  void mp4UnknownDuration() {
    assertEquals(OptionalLong.empty(), kept("video/mp4", mp4(mvhd0(1000, 0), 10)));
    assertEquals(OptionalLong.empty(), kept("video/mp4", mp4(mvhd0(1000, 0xFFFFFFFFL), 10)));
    assertEquals(OptionalLong.empty(), kept("video/mp4", mp4(mvhd1(1000, -1L), 10)));
  }

  @Test
  @DisplayName("A zero timescale gives no duration rather than a division by zero")
  void mp4ZeroTimescale() {
    assertEquals(OptionalLong.empty(), kept("video/mp4", mp4(mvhd0(0, 5_000), 10)));
  }

  @Test
  @DisplayName("An MP4 cut short inside its movie header gives no duration")
  void mp4Truncated() {
    byte[] file = mp4(mvhd0(1000, 5_000), 10);
    int mvhd = indexOf(file, "mvhd");
    for (int cut = mvhd; cut < mvhd + 24; cut++) {
      assertEquals(OptionalLong.empty(), kept("video/mp4", Arrays.copyOf(file, cut)), "cut at " + cut);
    }
  }

  @Test
  @DisplayName("Box sizes that are huge, too small or past the file end give no duration and end")
  @Timeout(5)
  void mp4HugeSizes() {
    byte[] ftyp = ftyp();
    byte[] hugeMoov = concat(ByteBuffer.allocate(8).putInt(0x7FFFFFFF).put(VideoBytes.ascii("moov")).array(), mvhd0(1000, 1));
    assertEquals(OptionalLong.empty(), kept("video/mp4", concat(ftyp, hugeMoov)));
    byte[] huge64 = ByteBuffer.allocate(16).putInt(1).put(VideoBytes.ascii("mdat")).putLong(Long.MAX_VALUE).array();
    assertEquals(OptionalLong.empty(), kept("video/mp4", concat(ftyp, huge64)));
    byte[] negative64 = ByteBuffer.allocate(16).putInt(1).put(VideoBytes.ascii("mdat")).putLong(-16).array();
    assertEquals(OptionalLong.empty(), kept("video/mp4", concat(ftyp, negative64)));
    byte[] tooSmall = ByteBuffer.allocate(8).putInt(4).put(VideoBytes.ascii("free")).array();
    assertEquals(OptionalLong.empty(), kept("video/mp4", concat(ftyp, tooSmall)));
    assertEquals(OptionalLong.empty(), kept("video/mp4", mp4(mvhd1(1, Long.MAX_VALUE), 10)));
  }

  @Test
  @DisplayName("A WebM lasts its Info's Duration in TimecodeScale units (8- or 4-byte float)")
  void webmDuration() {
    byte[] file = webm(info(unsigned(Ebml.TIMECODE_SCALE, 1_000_000), float64(Ebml.DURATION, 3_250.0)));
    assertEquals(OptionalLong.of(3_250), kept("video/webm", file));
    byte[] scaled = webm(info(unsigned(Ebml.TIMECODE_SCALE, 100_000), float32(Ebml.DURATION, 20_000f)));
    assertEquals(OptionalLong.of(2_000), kept("video/webm", scaled));
  }

  @Test
  @DisplayName("Without a TimecodeScale a WebM's duration is in milliseconds (the default scale)")
  void webmDefaultScale() {
    assertEquals(OptionalLong.of(1_500), kept("video/webm", webm(info(float64(Ebml.DURATION, 1_500.0)))));
  }

  @Test
  @DisplayName("A live WebM recording (Info without Duration) gives no duration")
  void webmWithoutDuration() {
    assertEquals(OptionalLong.empty(), kept("video/webm", webm(info(unsigned(Ebml.TIMECODE_SCALE, 1_000_000)))));
  }

  @Test
  @DisplayName("A WebM cut short, or with a NaN, infinite or negative Duration, gives none")
  void webmBroken() {
    byte[] file = webm(info(float64(Ebml.DURATION, 1_500.0)));
    for (int cut = 0; cut < file.length; cut++) {
      assertEquals(OptionalLong.empty(), kept("video/webm", Arrays.copyOf(file, cut)), "cut at " + cut);
    }
    assertEquals(OptionalLong.empty(), kept("video/webm", webm(info(float64(Ebml.DURATION, Double.NaN)))));
    assertEquals(OptionalLong.empty(), kept("video/webm", webm(info(float64(Ebml.DURATION, Double.POSITIVE_INFINITY)))));
    assertEquals(OptionalLong.empty(), kept("video/webm", webm(info(float64(Ebml.DURATION, -5.0)))));
    assertEquals(OptionalLong.empty(), kept("video/webm", webm(info(float64(Ebml.DURATION, 1e300)))));
  }

  @Test
  @DisplayName("Random junk of any length is never measured and never throws")
  @Timeout(10)
  void junk() {
    Random random = new Random(17);
    for (int i = 0; i < 20_000; i++) {
      byte[] junk = new byte[random.nextInt(300)];
      random.nextBytes(junk);
      assertEquals(OptionalLong.empty(), kept("video/mp4", junk));
      assertEquals(OptionalLong.empty(), kept("video/webm", junk));
    }
  }

  @Test
  @DisplayName("Other types are not measured here")
  void otherTypes() {
    assertEquals(OptionalLong.empty(), kept("audio/mp4", mp4(mvhd0(1000, 5_000), 10)));
  }

  /** What an upload keeps: the head and the tail. */
  private static OptionalLong kept(String mime, byte[] file) {
    byte[] head = Arrays.copyOf(file, Math.min(file.length, ContentSniffer.HEAD));
    byte[] tail = Arrays.copyOfRange(file, Math.max(0, file.length - AudioDuration.TAIL), file.length);
    return VideoDuration.of(mime, head, head.length, tail, file.length);
  }

  private static int indexOf(byte[] b, String ascii) {
    String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    return s.indexOf(ascii);
  }
}
