package palaver.message;

import io.vertx.core.eventbus.ReplyException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import palaver.api.ErrorCode;

/**
 * Thumbnails of uploaded images, {@value #SIZE} px on the long side. Blocking:
 * run on a worker thread. The dimensions are read from the header before any
 * decoding, so a small file that claims a huge picture (a decompression bomb)
 * is refused without allocating its pixels; large images are decoded with
 * source subsampling, so the raster held is a few times the thumbnail, not
 * the picture. A JPEG's EXIF orientation is applied in the same draw as the
 * scaling, so a phone photo's thumbnail comes out upright.
 */
final class Thumbnails {
  static final int SIZE = 320;
  static final long MAX_PIXELS = 40_000_000L;

  /** A made thumbnail: encoded bytes and their type. */
  record Thumb(byte[] bytes, String mime, int width, int height) {
  }

  private Thumbnails() {
  }

  static Thumb make(InputStream source, String mime) {
    try (ImageInputStream in = new MemoryCacheImageInputStream(source)) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw ErrorCode.INVALID.exception("not a readable image");
      }
      ImageReader reader = readers.next();
      try {
        int orientation = mime.equals("image/jpeg") ? orientation(in) : ExifOrientation.NORMAL;
        reader.setInput(in, true, true);
        return scale(decode(reader), mime, orientation);
      } finally {
        reader.dispose();
      }
    } catch (ReplyException e) {
      throw e;
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      throw ErrorCode.INVALID.exception("broken image");
    }
  }

  /** Peeks at the start of the stream for the EXIF orientation, then rewinds it for the decoder. */
  private static int orientation(ImageInputStream in) throws IOException {
    byte[] head = new byte[ExifOrientation.HEAD];
    in.mark();
    try {
      int length = 0;
      for (int n; length < head.length && (n = in.read(head, length, head.length - length)) > 0; ) {
        length += n;
      }
      return ExifOrientation.of(head, length);
    } finally {
      in.reset();
    }
  }

  private static BufferedImage decode(ImageReader reader) throws IOException {
    int width = reader.getWidth(0);
    int height = reader.getHeight(0);
    if (width <= 0 || height <= 0) {
      throw ErrorCode.INVALID.exception("broken image");
    }
    if ((long) width * height > MAX_PIXELS) {
      throw ErrorCode.TOO_LARGE.exception("image larger than " + MAX_PIXELS / 1_000_000 + " megapixels");
    }
    // Subsample to about twice the thumbnail, then scale smoothly the rest of the way.
    int step = Math.max(1, Math.max(width, height) / (2 * SIZE));
    ImageReadParam param = reader.getDefaultReadParam();
    param.setSourceSubsampling(step, step, 0, 0);
    return reader.read(0, param);
  }

  private static Thumb scale(BufferedImage image, String mime, int orientation) throws IOException {
    int w = image.getWidth();
    int h = image.getHeight();
    double factor = Math.min(1.0, (double) SIZE / Math.max(w, h));
    // tw x th: the scaled picture as stored; orientations 5..8 turn it a quarter, swapping the sides.
    int tw = Math.max(1, (int) Math.round(w * factor));
    int th = Math.max(1, (int) Math.round(h * factor));
    boolean quarterTurn = orientation >= 5;
    int width = quarterTurn ? th : tw;
    int height = quarterTurn ? tw : th;
    AffineTransform transform = upright(orientation, tw, th);
    transform.scale((double) tw / w, (double) th / h);
    boolean jpeg = mime.equals("image/jpeg");
    BufferedImage thumb = new BufferedImage(width, height, jpeg ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = thumb.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(image, transform, null);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String format = jpeg ? "jpeg" : "png";
    if (!ImageIO.write(thumb, format, out)) {
      throw new IOException("no " + format + " writer");
    }
    return new Thumb(out.toByteArray(), jpeg ? "image/jpeg" : "image/png", width, height);
  }

  /**
   * Maps a {@code w} x {@code h} picture stored with EXIF {@code orientation}
   * onto its upright frame: (x, y) stored lands at (X, Y) shown.
   */
  private static AffineTransform upright(int orientation, int w, int h) {
    // new AffineTransform(m00, m10, m01, m11, m02, m12): X = m00 x + m01 y + m02, Y = m10 x + m11 y + m12
    return switch (orientation) {
      case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0); // mirrored left to right
      case 3 -> new AffineTransform(-1, 0, 0, -1, w, h); // upside down
      case 4 -> new AffineTransform(1, 0, 0, -1, 0, h); // mirrored top to bottom
      case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0); // mirrored along the main diagonal
      case 6 -> new AffineTransform(0, 1, -1, 0, h, 0); // turned a quarter counter-clockwise: turn it clockwise
      case 7 -> new AffineTransform(0, -1, -1, 0, h, w); // mirrored along the other diagonal
      case 8 -> new AffineTransform(0, -1, 1, 0, 0, w); // turned a quarter clockwise: turn it back
      default -> new AffineTransform();
    };
  }
}
