package palaver.message;

import io.vertx.core.eventbus.ReplyException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
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
 * the picture.
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
        reader.setInput(in, true, true);
        return scale(decode(reader), mime);
      } finally {
        reader.dispose();
      }
    } catch (ReplyException e) {
      throw e;
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      throw ErrorCode.INVALID.exception("broken image");
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

  private static Thumb scale(BufferedImage image, String mime) throws IOException {
    int w = image.getWidth();
    int h = image.getHeight();
    double factor = Math.min(1.0, (double) SIZE / Math.max(w, h));
    int tw = Math.max(1, (int) Math.round(w * factor));
    int th = Math.max(1, (int) Math.round(h * factor));
    boolean jpeg = mime.equals("image/jpeg");
    BufferedImage thumb = new BufferedImage(tw, th, jpeg ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = thumb.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(image, 0, 0, tw, th, null);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String format = jpeg ? "jpeg" : "png";
    if (!ImageIO.write(thumb, format, out)) {
      throw new IOException("no " + format + " writer");
    }
    return new Thumb(out.toByteArray(), jpeg ? "image/jpeg" : "image/png", tw, th);
  }
}
