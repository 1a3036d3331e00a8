package palaver.message;

import java.util.OptionalLong;

/**
 * Duration of a voice upload when it can be read from the bytes the upload
 * keeps anyway (its head and tail): WAV from the header, Ogg (Opus or Vorbis)
 * from the granule position of the last page. MP3, WebM and M4A carry no
 * duration in those places, so theirs is left out.
 */
final class AudioDuration {
  /** Longest Ogg page (27 + 255 + 255 * 255 bytes), so the tail always holds the last page's header. */
  static final int TAIL = 65_307 + 27;

  private AudioDuration() {
  }

  static OptionalLong of(String mime, byte[] head, int headLength, byte[] tail, long size) {
    try {
      return switch (mime) {
        case "audio/wav" -> wav(head, headLength, size);
        case "audio/ogg" -> ogg(head, headLength, tail);
        default -> OptionalLong.empty();
      };
    } catch (IndexOutOfBoundsException e) {
      return OptionalLong.empty();
    }
  }

  private static OptionalLong wav(byte[] b, int length, long size) {
    long byteRate = 0;
    int at = 12;
    while (at + 8 <= length) {
      String id = new String(b, at, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      long chunk = le(b, at + 4, 4);
      if (id.equals("fmt ") && at + 16 <= length) {
        byteRate = le(b, at + 16, 4);
      } else if (id.equals("data")) {
        long data = Math.min(chunk, size - at - 8);
        return byteRate > 0 ? OptionalLong.of(data * 1000 / byteRate) : OptionalLong.empty();
      }
      // In long arithmetic: a chunk size near 2^32 added to an int wrapped to the same offset and looped forever.
      long next = at + 8L + chunk + (chunk & 1);
      if (next > length) {
        break;
      }
      at = (int) next;
    }
    return OptionalLong.empty();
  }

  private static OptionalLong ogg(byte[] head, int headLength, byte[] tail) {
    int last = lastIndexOf(tail, "OggS");
    if (last < 0 || last + 14 > tail.length) {
      return OptionalLong.empty();
    }
    long granule = le(tail, last + 6, 8);
    int opus = indexOf(head, headLength, "OpusHead");
    if (opus >= 0) {
      long preSkip = le(head, opus + 10, 2);
      return OptionalLong.of(Math.max(0, granule - preSkip) * 1000 / 48_000);
    }
    int vorbis = indexOf(head, headLength, "\u0001vorbis");
    if (vorbis >= 0) {
      long rate = le(head, vorbis + 12, 4);
      return rate > 0 ? OptionalLong.of(granule * 1000 / rate) : OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  private static long le(byte[] b, int at, int bytes) {
    long v = 0;
    for (int i = bytes - 1; i >= 0; i--) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }

  private static int indexOf(byte[] b, int length, String ascii) {
    outer:
    for (int i = 0; i + ascii.length() <= length; i++) {
      for (int j = 0; j < ascii.length(); j++) {
        if (b[i + j] != (byte) ascii.charAt(j)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static int lastIndexOf(byte[] b, String ascii) {
    outer:
    for (int i = b.length - ascii.length(); i >= 0; i--) {
      for (int j = 0; j < ascii.length(); j++) {
        if (b[i + j] != (byte) ascii.charAt(j)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
