package palaver.message;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;

/**
 * JPEGs with an EXIF orientation, built in the test: ImageIO writes the JPEG
 * (it writes no EXIF), and an APP1 "Exif" segment made here is spliced in
 * after its JFIF segment, where cameras that write both put it.
 */
final class ExifJpegs {
  static final int RED = 0xFF0000;
  static final int BLUE = 0x0000FF;

  private ExifJpegs() {
  }

  /**
   * A white {@code w} x {@code h} picture as stored: a red block in its top-left
   * corner, a blue block in its top-right one, each a quarter of each side.
   */
  static BufferedImage markedCorners(int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.setColor(new Color(RED));
      g.fillRect(0, 0, w / 4, h / 4);
      g.setColor(new Color(BLUE));
      g.fillRect(w - w / 4, 0, w / 4, h / 4);
    } finally {
      g.dispose();
    }
    return image;
  }

  static byte[] jpeg(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpeg", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code jpeg} with an EXIF IFD0 holding {@code orientation}, written in the given byte order. */
  static byte[] withOrientation(byte[] jpeg, int orientation, ByteOrder order) {
    return splice(jpeg, app1(tiff(order, orientation)));
  }

  /**
   * A TIFF structure as EXIF holds it: the header and an IFD0 of two entries,
   * a Make (so the reader has to walk past a tag) and the orientation.
   */
  static byte[] tiff(ByteOrder order, int orientation) {
    ByteBuffer b = ByteBuffer.allocate(8 + 2 + 2 * 12 + 4 + 8).order(order);
    b.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M').put(b.get(0));
    b.putShort((short) 42).putInt(8);
    b.putShort((short) 2);
    b.putShort((short) 0x010F).putShort((short) 2).putInt(6).putInt(8 + 2 + 2 * 12 + 4); // Make, ASCII, at the end
    b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
    b.putInt(0); // no next IFD
    b.put("Phone\0\0\0".getBytes(StandardCharsets.US_ASCII));
    return b.array();
  }

  /** An APP1 segment (marker, length, "Exif\0\0") carrying {@code payload}. */
  static byte[] app1(byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(4 + 6 + payload.length);
    b.put((byte) 0xFF).put((byte) 0xE1).putShort((short) (2 + 6 + payload.length));
    b.put(new byte[] {'E', 'x', 'i', 'f', 0, 0}).put(payload);
    return b.array();
  }

  /** {@code segment} inserted after the JPEG's SOI and JFIF APP0 segment (after SOI when there is no APP0). */
  static byte[] splice(byte[] jpeg, byte[] segment) {
    int at = 2;
    if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
      at = 4 + ((jpeg[4] & 0xFF) << 8 | (jpeg[5] & 0xFF));
    }
    return insert(jpeg, at, segment);
  }

  static byte[] insert(byte[] bytes, int at, byte[] inserted) {
    byte[] out = new byte[bytes.length + inserted.length];
    System.arraycopy(bytes, 0, out, 0, at);
    System.arraycopy(inserted, 0, out, at, inserted.length);
    System.arraycopy(bytes, at, out, at + inserted.length, bytes.length - at);
    return out;
  }

  /** Whether the pixel at (x, y) of a decoded (lossy) picture is close to {@code rgb}. */
  static boolean near(BufferedImage image, int x, int y, int rgb) {
    int p = image.getRGB(x, y);
    return Math.abs((p >> 16 & 0xFF) - (rgb >> 16 & 0xFF)) < 60 && Math.abs((p >> 8 & 0xFF) - (rgb >> 8 & 0xFF)) < 60
        && Math.abs((p & 0xFF) - (rgb & 0xFF)) < 60;
  }
}
