package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("AudioDuration: a voice upload's length from its head and tail")
class AudioDurationTest {
  private static final byte[] NO_TAIL = new byte[0];

  @Test
  @DisplayName("A WAV's duration is its data size over the byte rate of its fmt chunk")
  void wav() {
    byte[] head = wavHeader(16_000, 32_000);
    assertEquals(OptionalLong.of(2_000), AudioDuration.of("audio/wav", head, head.length, NO_TAIL, 44 + 32_000));
  }

  @Test
  @DisplayName("A WAV cut short counts only the data bytes actually uploaded")
  void truncatedWav() {
    byte[] head = wavHeader(16_000, 32_000);
    assertEquals(OptionalLong.of(1_000), AudioDuration.of("audio/wav", head, head.length, NO_TAIL, 44 + 16_000));
  }

  @Test
  @DisplayName("A WAV header without a fmt chunk has no duration")
  void wavWithoutFormat() {
    byte[] head = le(ByteBuffer.allocate(20)).put(ascii("RIFF")).putInt(0).put(ascii("WAVE")).put(ascii("data"))
        .putInt(100).array();
    assertEquals(OptionalLong.empty(), AudioDuration.of("audio/wav", head, head.length, NO_TAIL, 120));
  }

  @Test
  @DisplayName("An Ogg Opus duration is the last page's granule position less the pre-skip, at 48 kHz")
  void oggOpus() {
    byte[] head = le(ByteBuffer.allocate(64)).put(ascii("OggS")).put(new byte[24]).put(ascii("OpusHead"))
        .put((byte) 1).put((byte) 1).putShort((short) 312).array();
    byte[] tail = lastPage(48_000L * 3 + 312);
    assertEquals(OptionalLong.of(3_000), AudioDuration.of("audio/ogg", head, head.length, tail, 100_000));
  }

  @Test
  @DisplayName("An Ogg Vorbis duration is the last page's granule position over the sample rate")
  void oggVorbis() {
    byte[] head = le(ByteBuffer.allocate(64)).put(ascii("OggS")).put(new byte[24]).put(ascii("\u0001vorbis"))
        .putInt(0).put((byte) 2).putInt(44_100).array();
    byte[] tail = lastPage(44_100L * 5 / 2);
    assertEquals(OptionalLong.of(2_500), AudioDuration.of("audio/ogg", head, head.length, tail, 100_000));
  }

  @Test
  @DisplayName("An Ogg file whose codec is neither Opus nor Vorbis has no duration")
  void oggOtherCodec() {
    byte[] head = le(ByteBuffer.allocate(64)).put(ascii("OggS")).put(new byte[24]).put(ascii("Speex   ")).array();
    assertEquals(OptionalLong.empty(), AudioDuration.of("audio/ogg", head, head.length, lastPage(1_000), 100_000));
  }

  @Test
  @DisplayName("MP3 carries no duration where the upload keeps bytes, so it has none")
  void mp3HasNone() {
    byte[] head = ascii("ID3\3\0\0\0\0\0\0");
    assertEquals(OptionalLong.empty(), AudioDuration.of("audio/mpeg", head, head.length, head, 1_000));
  }

  @Test
  @DisplayName("A header cut off in the middle gives no duration rather than an error")
  void cutHeader() {
    byte[] head = wavHeader(16_000, 32_000);
    assertEquals(OptionalLong.empty(), AudioDuration.of("audio/wav", head, 30, NO_TAIL, 44 + 32_000));
  }

  @Test
  @Timeout(10) // the bug was an endless loop: without a bound this test would never end
  @DisplayName("A WAV chunk size near 2^32 ends the header walk instead of looping forever (found by MediaFuzzTest)")
  void hugeChunkSizeEnds() {
    byte[] head = le(ByteBuffer.allocate(28)).put(ascii("RIFF")).putInt(20).put(ascii("WAVE")).put(ascii("junk"))
        .putInt(0xFFFFFFF8).putInt(0).array();
    assertEquals(OptionalLong.empty(), AudioDuration.of("audio/wav", head, head.length, NO_TAIL, 28));
  }

  /** A 44-byte PCM WAV header: fmt chunk with {@code byteRate}, then a data chunk of {@code dataSize}. */
  private static byte[] wavHeader(int byteRate, int dataSize) {
    return le(ByteBuffer.allocate(44)).put(ascii("RIFF")).putInt(36 + dataSize).put(ascii("WAVE"))
        .put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 1).putInt(byteRate / 2).putInt(byteRate)
        .putShort((short) 2).putShort((short) 16).put(ascii("data")).putInt(dataSize).array();
  }

  /** Some audio bytes, then the header of the last Ogg page with {@code granule}. */
  private static byte[] lastPage(long granule) {
    return le(ByteBuffer.allocate(64)).put(new byte[20]).put(ascii("OggS")).put((byte) 0).put((byte) 4)
        .putLong(granule).array();
  }

  private static ByteBuffer le(ByteBuffer b) {
    return b.order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
