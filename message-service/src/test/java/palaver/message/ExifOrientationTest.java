package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The EXIF orientation of a JPEG, read from its APP1 segment")
class ExifOrientationTest {
  private static final byte[] PLAIN = ExifJpegs.jpeg(ExifJpegs.markedCorners(16, 8));

  @ParameterizedTest(name = "orientation {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  @DisplayName("Each orientation is read from a little-endian (Intel) EXIF header")
  void littleEndian(int orientation) {
    assertEquals(orientation, read(ExifJpegs.withOrientation(PLAIN, orientation, ByteOrder.LITTLE_ENDIAN)));
  }

  @ParameterizedTest(name = "orientation {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  @DisplayName("Each orientation is read from a big-endian (Motorola) EXIF header")
  void bigEndian(int orientation) {
    assertEquals(orientation, read(ExifJpegs.withOrientation(PLAIN, orientation, ByteOrder.BIG_ENDIAN)));
  }

  @Test
  @DisplayName("An EXIF segment straight after SOI, with no JFIF segment, is read too")
  void exifFirst() {
    byte[] app1 = ExifJpegs.app1(ExifJpegs.tiff(ByteOrder.BIG_ENDIAN, 6));
    assertEquals(6, read(ExifJpegs.insert(PLAIN, 2, app1)));
  }

  @Test
  @DisplayName("A JPEG without EXIF is upright: 1")
  void noExif() {
    assertEquals(1, read(PLAIN));
  }

  @Test
  @DisplayName("Bytes that are not a JPEG give 1")
  void notJpeg() {
    assertEquals(1, read(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}));
    assertEquals(1, read(new byte[0]));
  }

  @Test
  @DisplayName("A JPEG cut anywhere gives 1 or, once IFD0's orientation entry is in, the orientation")
  void truncatedAnywhere() {
    byte[] jpeg = ExifJpegs.withOrientation(PLAIN, 8, ByteOrder.LITTLE_ENDIAN);
    for (int length = 0; length <= jpeg.length; length++) {
      int orientation = ExifOrientation.of(Arrays.copyOf(jpeg, length), length);
      assertTrue(orientation == 1 || orientation == 8, "cut at " + length + ": " + orientation);
    }
  }

  @Test
  @DisplayName("A value outside 1..8 gives 1")
  void valueOutOfRange() {
    assertEquals(1, read(ExifJpegs.withOrientation(PLAIN, 9, ByteOrder.BIG_ENDIAN)));
    assertEquals(1, read(ExifJpegs.withOrientation(PLAIN, 0, ByteOrder.LITTLE_ENDIAN)));
    assertEquals(1, read(ExifJpegs.withOrientation(PLAIN, 0xFFFF, ByteOrder.LITTLE_ENDIAN)));
  }

  @Test
  @DisplayName("An orientation entry that is not of type SHORT gives 1")
  void wrongType() {
    byte[] tiff = ExifJpegs.tiff(ByteOrder.LITTLE_ENDIAN, 6);
    tiff[8 + 2 + 12 + 2] = 4; // LONG
    assertEquals(1, read(ExifJpegs.splice(PLAIN, ExifJpegs.app1(tiff))));
  }

  @Test
  @DisplayName("An IFD0 offset past the segment, even one near 4 GiB, gives 1")
  void ifdOffsetOutside() {
    byte[] tiff = ExifJpegs.tiff(ByteOrder.BIG_ENDIAN, 6);
    ByteBuffer.wrap(tiff).putInt(4, 0xFFFFFFF0);
    assertEquals(1, read(ExifJpegs.splice(PLAIN, ExifJpegs.app1(tiff))));
    ByteBuffer.wrap(tiff).putInt(4, tiff.length);
    assertEquals(1, read(ExifJpegs.splice(PLAIN, ExifJpegs.app1(tiff))));
  }

  @Test
  @DisplayName("An IFD0 that claims more entries than the segment holds gives 1")
  void entryCountTooLarge() {
    byte[] tiff = ExifJpegs.tiff(ByteOrder.LITTLE_ENDIAN, 3);
    ByteBuffer.wrap(tiff).order(ByteOrder.LITTLE_ENDIAN).putShort(8 + 2, (short) 0); // Make's tag: not orientation
    ByteBuffer.wrap(tiff).order(ByteOrder.LITTLE_ENDIAN).putShort(8 + 2 + 12, (short) 0x0110); // neither is this one
    ByteBuffer.wrap(tiff).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) 0xFFFF);
    assertEquals(1, read(ExifJpegs.splice(PLAIN, ExifJpegs.app1(tiff))));
  }

  @Test
  @DisplayName("A TIFF header with an unknown byte order or magic number gives 1")
  void badTiffHeader() {
    byte[] tiff = ExifJpegs.tiff(ByteOrder.BIG_ENDIAN, 6);
    tiff[0] = 'X';
    assertEquals(1, read(ExifJpegs.splice(PLAIN, ExifJpegs.app1(tiff))));
    tiff = ExifJpegs.tiff(ByteOrder.BIG_ENDIAN, 6);
    tiff[3] = 43;
    assertEquals(1, read(ExifJpegs.splice(PLAIN, ExifJpegs.app1(tiff))));
  }

  @Test
  @DisplayName("A segment whose length runs past the end of the file gives 1")
  void segmentLongerThanFile() {
    byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1, (byte) 0xFF, (byte) 0xFF, 'E', 'x', 'i', 'f', 0, 0,
        'M', 'M', 0, 42, 0, 0, 0, 8};
    assertEquals(1, read(jpeg));
  }

  @Test
  @DisplayName("Random bytes after a JPEG's SOI and an APP1 Exif header give a value in 1..8")
  void garbage() {
    Random random = new Random(17);
    for (int i = 0; i < 2000; i++) {
      byte[] tiff = new byte[random.nextInt(200)];
      random.nextBytes(tiff);
      if (tiff.length >= 2 && i % 2 == 0) {
        tiff[0] = tiff[1] = (byte) (i % 4 == 0 ? 'I' : 'M');
      }
      int orientation = read(ExifJpegs.splice(PLAIN, ExifJpegs.app1(tiff)));
      assertTrue(orientation >= 1 && orientation <= 8, "read " + orientation);
    }
  }

  private static int read(byte[] jpeg) {
    return ExifOrientation.of(jpeg, jpeg.length);
  }
}
