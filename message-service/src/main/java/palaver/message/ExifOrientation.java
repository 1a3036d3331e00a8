package palaver.message;

/**
 * The EXIF orientation (tag 0x0112) of a JPEG: how the stored pixels must be
 * turned to show the picture upright. Phones store the sensor's rows as they
 * come and record the camera's rotation here instead of turning the pixels.
 * Read from the first APP1 "Exif" segment's IFD0 only, in either byte order.
 * Every read is checked against the bytes given, so a truncated or garbage
 * header gives {@value #NORMAL} (leave the picture as it is), never an
 * exception.
 */
final class ExifOrientation {
  /** The stored pixels are upright already. */
  static final int NORMAL = 1;
  /** Bytes of an upload to look through: room for an APP0 and a full (64 KiB) APP1 segment before it. */
  static final int HEAD = 2 * 65_536 + 4;

  private static final int TAG_ORIENTATION = 0x0112;
  private static final int TYPE_SHORT = 3;
  private static final int MARKER_SOS = 0xDA;
  private static final int MARKER_EOI = 0xD9;
  private static final int MARKER_APP1 = 0xE1;

  private ExifOrientation() {
  }

  /** The orientation, 1..8, of the JPEG whose first {@code length} bytes are in {@code b}; 1 when there is none. */
  static int of(byte[] b, int length) {
    int end = Math.min(length, b.length);
    if (end < 4 || u8(b, 0) != 0xFF || u8(b, 1) != 0xD8) {
      return NORMAL;
    }
    int at = 2;
    // Metadata segments come before the first scan; stop there.
    while (at + 4 <= end) {
      if (u8(b, at) != 0xFF) {
        return NORMAL;
      }
      int marker = u8(b, at + 1);
      if (marker == 0xFF) {
        at++; // fill byte before a marker
        continue;
      }
      if (marker == MARKER_SOS || marker == MARKER_EOI) {
        return NORMAL;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        at += 2; // markers without a length
        continue;
      }
      int segmentLength = u16(b, at + 2, false);
      if (segmentLength < 2) {
        return NORMAL;
      }
      int data = at + 4;
      int segmentEnd = Math.min(end, at + 2 + segmentLength);
      if (marker == MARKER_APP1 && exifHeader(b, data, segmentEnd)) {
        return fromTiff(b, data + 6, segmentEnd);
      }
      at += 2 + segmentLength;
    }
    return NORMAL;
  }

  private static boolean exifHeader(byte[] b, int at, int end) {
    return at + 6 <= end && b[at] == 'E' && b[at + 1] == 'x' && b[at + 2] == 'i' && b[at + 3] == 'f'
        && b[at + 4] == 0 && b[at + 5] == 0;
  }

  /** The orientation from the TIFF structure starting at {@code base}; offsets in it are relative to {@code base}. */
  private static int fromTiff(byte[] b, int base, int end) {
    if (base + 8 > end) {
      return NORMAL;
    }
    boolean little;
    if (b[base] == 'I' && b[base + 1] == 'I') {
      little = true;
    } else if (b[base] == 'M' && b[base + 1] == 'M') {
      little = false;
    } else {
      return NORMAL;
    }
    if (u16(b, base + 2, little) != 42) {
      return NORMAL;
    }
    long ifd = base + u32(b, base + 4, little);
    if (ifd + 2 > end) {
      return NORMAL;
    }
    int entries = u16(b, (int) ifd, little);
    for (int i = 0; i < entries; i++) {
      long entry = ifd + 2 + 12L * i;
      if (entry + 12 > end) {
        return NORMAL;
      }
      int e = (int) entry;
      if (u16(b, e, little) != TAG_ORIENTATION) {
        continue;
      }
      // A SHORT value sits in the first two bytes of the entry's value field, in the file's byte order.
      if (u16(b, e + 2, little) != TYPE_SHORT || u32(b, e + 4, little) < 1) {
        return NORMAL;
      }
      int value = u16(b, e + 8, little);
      return value >= 1 && value <= 8 ? value : NORMAL;
    }
    return NORMAL;
  }

  private static int u8(byte[] b, int at) {
    return b[at] & 0xFF;
  }

  private static int u16(byte[] b, int at, boolean little) {
    return little ? u8(b, at) | u8(b, at + 1) << 8 : u8(b, at) << 8 | u8(b, at + 1);
  }

  private static long u32(byte[] b, int at, boolean little) {
    return little
        ? (long) u8(b, at) | (long) u8(b, at + 1) << 8 | (long) u8(b, at + 2) << 16 | (long) u8(b, at + 3) << 24
        : (long) u8(b, at) << 24 | (long) u8(b, at + 1) << 16 | (long) u8(b, at + 2) << 8 | u8(b, at + 3);
  }
}
