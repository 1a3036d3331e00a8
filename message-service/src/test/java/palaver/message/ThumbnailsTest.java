package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stored picture is 800 x 400 with a red block in its top-left corner and
 * a blue one in its top-right corner; each orientation puts the two blocks in
 * a different pair of the thumbnail's corners (and 5..8 swap its sides).
 */
@DisplayName("Thumbnails of JPEGs are turned upright by their EXIF orientation")
class ThumbnailsTest {
  private static final byte[] STORED = ExifJpegs.jpeg(ExifJpegs.markedCorners(800, 400));

  @ParameterizedTest(name = "orientation {0}: red {3}, blue {4}")
  @CsvSource({
      "1, 320, 160, top-left, top-right",
      "2, 320, 160, top-right, top-left",
      "3, 320, 160, bottom-right, bottom-left",
      "4, 320, 160, bottom-left, bottom-right",
      "5, 160, 320, top-left, bottom-left",
      "6, 160, 320, top-right, bottom-right",
      "7, 160, 320, bottom-right, top-right",
      "8, 160, 320, bottom-left, top-left",
  })
  @DisplayName("Each orientation (little-endian EXIF) moves the stored corners where the picture shows them")
  void littleEndian(int orientation, int width, int height, String red, String blue) {
    assertUpright(ExifJpegs.withOrientation(STORED, orientation, ByteOrder.LITTLE_ENDIAN), width, height, red, blue);
  }

  @ParameterizedTest(name = "orientation {0}: red {3}, blue {4}")
  @CsvSource({
      "2, 320, 160, top-right, top-left",
      "3, 320, 160, bottom-right, bottom-left",
      "6, 160, 320, top-right, bottom-right",
      "8, 160, 320, bottom-left, top-left",
  })
  @DisplayName("A big-endian EXIF header turns the thumbnail the same way")
  void bigEndian(int orientation, int width, int height, String red, String blue) {
    assertUpright(ExifJpegs.withOrientation(STORED, orientation, ByteOrder.BIG_ENDIAN), width, height, red, blue);
  }

  @Test
  @DisplayName("A JPEG with a garbage EXIF segment is thumbnailed as stored")
  void garbageExif() {
    byte[] junk = ExifJpegs.splice(STORED, ExifJpegs.app1(new byte[] {'M', 'M', 0, 42, (byte) 0xFF, (byte) 0xFF, 0, 0}));
    assertUpright(junk, 320, 160, "top-left", "top-right");
  }

  @Test
  @DisplayName("A PNG is never turned (EXIF orientation is read from JPEGs only)")
  void pngUnturned() throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ImageIO.write(ExifJpegs.markedCorners(80, 40), "png", out);
    Thumbnails.Thumb thumb = Thumbnails.make(new ByteArrayInputStream(out.toByteArray()), "image/png");
    assertEquals(80, thumb.width());
    assertEquals(40, thumb.height());
  }

  private static void assertUpright(byte[] jpeg, int width, int height, String red, String blue) {
    Thumbnails.Thumb thumb = Thumbnails.make(new ByteArrayInputStream(jpeg), "image/jpeg");
    BufferedImage image = decode(thumb.bytes());
    assertEquals(width, thumb.width());
    assertEquals(height, thumb.height());
    assertEquals(width, image.getWidth());
    assertEquals(height, image.getHeight());
    assertCorner(image, red, ExifJpegs.RED);
    assertCorner(image, blue, ExifJpegs.BLUE);
    for (String corner : new String[] {"top-left", "top-right", "bottom-left", "bottom-right"}) {
      if (!corner.equals(red) && !corner.equals(blue)) {
        assertCorner(image, corner, 0xFFFFFF);
      }
    }
  }

  /** Checks a point well inside the named corner's block (an eighth of each side in). */
  static void assertCorner(BufferedImage image, String corner, int rgb) {
    int x = corner.endsWith("left") ? image.getWidth() / 8 : image.getWidth() - 1 - image.getWidth() / 8;
    int y = corner.startsWith("top") ? image.getHeight() / 8 : image.getHeight() - 1 - image.getHeight() / 8;
    assertTrue(ExifJpegs.near(image, x, y, rgb),
        String.format("%s corner is %06x, expected about %06x", corner, image.getRGB(x, y) & 0xFFFFFF, rgb));
  }

  static BufferedImage decode(byte[] bytes) {
    try {
      return ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
