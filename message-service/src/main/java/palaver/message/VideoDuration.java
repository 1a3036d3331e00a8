package palaver.message;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * Duration of a video upload from the bytes an upload keeps anyway (its
 * {@value ContentSniffer#HEAD}-byte head and {@link AudioDuration#TAIL}-byte
 * tail). MP4: the movie header ({@code moov/mvhd}, version 0 or 1) gives a
 * timescale and a duration; the top-level boxes are walked by their sizes,
 * so {@code moov} is found at the start (a "fast start" file) or, when it
 * begins within the tail, at the end. WebM: the Segment's Info gives a
 * TimecodeScale and a float Duration (a live recording such as a browser's
 * MediaRecorder writes none). Anything else, or anything the kept bytes don't
 * reach, has no duration; junk never throws.
 */
final class VideoDuration {
  /** Top-level MP4 boxes walked before giving up (ftyp, free, mdat, moov ... are a handful). */
  static final int MAX_BOXES = 64;
  /** Children of moov looked at for mvhd (it comes first in practice). */
  static final int MAX_MOOV_CHILDREN = 16;
  /** A year: a longer claimed duration is junk. */
  static final long MAX_MS = 366L * 24 * 3600 * 1000;

  private VideoDuration() {
  }

  static OptionalLong of(String mime, byte[] head, int headLength, byte[] tail, long size) {
    try {
      return measure(mime, head, headLength, tail, size);
    } catch (RuntimeException e) {
      // A guard only: every read is bounds-checked, so this is not expected (MediaFuzzTest calls measure).
      return OptionalLong.empty();
    }
  }

  /** {@link #of} without its guard, so a fuzzer sees any exception. */
  static OptionalLong measure(String mime, byte[] head, int headLength, byte[] tail, long size) {
    return switch (mime) {
      case "video/mp4" -> mp4(new Kept(head, Math.min(headLength, head.length), tail, size));
      case "video/webm" -> webm(new Ebml(head, headLength));
      default -> OptionalLong.empty();
    };
  }

  /** The bytes of a file that were kept: [0, headLength) and [size - tail.length, size). */
  record Kept(byte[] head, int headLength, byte[] tail, long size) {
    /** {@code n} bytes big-endian at {@code at} as an unsigned number (n <= 8), or -1 when not all were kept. */
    long be(long at, int n) {
      long v = 0;
      for (int i = 0; i < n; i++) {
        int x = at(at + i);
        if (x < 0) {
          return -1;
        }
        v = (v << 8) | x;
      }
      return v;
    }

    String type(long at) {
      byte[] t = new byte[4];
      for (int i = 0; i < 4; i++) {
        int x = at(at + i);
        if (x < 0) {
          return "";
        }
        t[i] = (byte) x;
      }
      return new String(t, StandardCharsets.ISO_8859_1);
    }

    private int at(long pos) {
      if (pos < 0 || pos >= size) {
        return -1;
      }
      if (pos < headLength) {
        return head[(int) pos] & 0xFF;
      }
      long tailStart = size - tail.length;
      return pos >= tailStart ? tail[(int) (pos - tailStart)] & 0xFF : -1;
    }
  }

  /** One MP4 box: where its content starts and where it ends. */
  private record Box(String type, long contentAt, long end) {
  }

  /** The box at {@code at} within {@code limit}, or null when its header wasn't kept or is malformed. */
  private static Box box(Kept kept, long at, long limit) {
    long size = kept.be(at, 4);
    String type = kept.type(at + 4);
    if (size < 0 || type.isEmpty()) {
      return null;
    }
    long header = 8;
    if (size == 1) {
      size = kept.be(at + 8, 8);
      header = 16;
      if (size < 0) {
        return null; // not kept, or over 2^63: junk
      }
    } else if (size == 0) {
      size = limit - at; // runs to the end of the file
    }
    if (size < header || size > limit - at) {
      return null;
    }
    return new Box(type, at + header, at + size);
  }

  private static OptionalLong mp4(Kept kept) {
    long at = 0;
    for (int n = 0; n < MAX_BOXES && at < kept.size(); n++) {
      Box box = box(kept, at, kept.size());
      if (box == null) {
        return OptionalLong.empty();
      }
      if (box.type().equals("moov")) {
        return movieHeader(kept, box);
      }
      at = box.end();
    }
    return OptionalLong.empty();
  }

  private static OptionalLong movieHeader(Kept kept, Box moov) {
    long at = moov.contentAt();
    for (int n = 0; n < MAX_MOOV_CHILDREN && at < moov.end(); n++) {
      Box box = box(kept, at, moov.end());
      if (box == null) {
        return OptionalLong.empty();
      }
      if (box.type().equals("mvhd")) {
        return mvhd(kept, box);
      }
      at = box.end();
    }
    return OptionalLong.empty();
  }

  /** Version 0: 32-bit times and duration; version 1: 64-bit; the timescale is 32-bit in both. */
  private static OptionalLong mvhd(Kept kept, Box mvhd) {
    long at = mvhd.contentAt();
    long version = kept.be(at, 1);
    long timescale;
    long duration;
    if (version == 0 && mvhd.end() - at >= 20) {
      timescale = kept.be(at + 12, 4);
      duration = kept.be(at + 16, 4);
      if (duration == 0xFFFFFFFFL) {
        return OptionalLong.empty(); // "unknown"
      }
    } else if (version == 1 && mvhd.end() - at >= 32) {
      timescale = kept.be(at + 20, 4);
      duration = kept.be(at + 24, 8); // -1 also for all ones ("unknown") and anything over 2^63
    } else {
      return OptionalLong.empty();
    }
    // A fragmented MP4 states 0 here (the fragments carry the time): unknown, not empty.
    if (timescale <= 0 || duration <= 0) {
      return OptionalLong.empty();
    }
    if (duration / timescale > MAX_MS / 1000) {
      return OptionalLong.empty(); // also keeps the multiplication below from overflowing
    }
    return bounded(duration / timescale * 1000 + duration % timescale * 1000 / timescale);
  }

  private static OptionalLong webm(Ebml ebml) {
    Ebml.Element segment = ebml.segment();
    if (segment == null) {
      return OptionalLong.empty();
    }
    Ebml.Element info = ebml.child(segment.dataAt(), segment.end(ebml.length()), Ebml.INFO);
    if (info == null) {
      return OptionalLong.empty();
    }
    int end = info.end(ebml.length());
    Ebml.Element scaleElement = ebml.child(info.dataAt(), end, Ebml.TIMECODE_SCALE);
    long scale = scaleElement == null ? 1_000_000 : ebml.unsigned(scaleElement);
    double duration = ebml.floating(ebml.child(info.dataAt(), end, Ebml.DURATION));
    if (scale <= 0 || !(duration > 0) || Double.isInfinite(duration)) {
      return OptionalLong.empty();
    }
    double ms = duration * scale / 1_000_000.0;
    return ms < MAX_MS ? OptionalLong.of(Math.round(ms)) : OptionalLong.empty();
  }

  private static OptionalLong bounded(long ms) {
    return ms >= 0 && ms < MAX_MS ? OptionalLong.of(ms) : OptionalLong.empty();
  }
}
