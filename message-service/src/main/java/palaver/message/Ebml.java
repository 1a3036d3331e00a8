package palaver.message;

/**
 * Reads EBML (the element format of Matroska and WebM) out of an upload's
 * head: an element is a variable-length id, a variable-length size and its
 * data. Only the bytes given are read; an element that runs past them, or a
 * number that does not fit, reads as absent, never as an exception. Used for
 * a WebM's duration and to tell a video WebM from an audio one.
 */
final class Ebml {
  static final long EBML_HEADER = 0x1A45DFA3L;
  static final long SEGMENT = 0x18538067L;
  static final long INFO = 0x1549A966L;
  static final long TIMECODE_SCALE = 0x2AD7B1L;
  static final long DURATION = 0x4489L;
  static final long TRACKS = 0x1654AE6BL;
  static final long TRACK_ENTRY = 0xAEL;
  static final long TRACK_TYPE = 0x83L;
  static final long VIDEO = 0xE0L;
  /** TrackType of a video track. */
  static final long TRACK_VIDEO = 1;
  /** A size whose value bits are all ones: "unknown", used by live writers such as MediaRecorder. */
  static final long UNKNOWN = -1;
  /** Most elements looked at on one level: a real head has a handful, junk could claim thousands of tiny ones. */
  static final int MAX_CHILDREN = 256;

  /** One element: where its data starts and how long it is ({@link #UNKNOWN} runs to the end of the parent). */
  record Element(long id, int dataAt, long size) {
    /** Where the element ends within {@code limit} (its parent's end). */
    int end(int limit) {
      return size == UNKNOWN || dataAt + size > limit ? limit : (int) (dataAt + size);
    }

    /** The whole data lies within {@code limit}. */
    boolean fits(int limit) {
      return size != UNKNOWN && dataAt + size <= limit;
    }
  }

  private final byte[] b;
  private final int length;

  Ebml(byte[] b, int length) {
    this.b = b;
    this.length = Math.min(length, b.length);
  }

  int length() {
    return length;
  }

  /** The element starting at {@code at} (before {@code limit}), or null when its id or size doesn't fit or is malformed. */
  Element element(int at, int limit) {
    limit = Math.min(limit, length);
    if (at < 0 || at >= limit) {
      return null;
    }
    int idLength = vintLength(b[at]);
    if (idLength == 0 || idLength > 4 || at + idLength >= limit) {
      return null;
    }
    long id = 0;
    for (int i = 0; i < idLength; i++) {
      id = (id << 8) | (b[at + i] & 0xFF);
    }
    int sizeAt = at + idLength;
    int sizeLength = vintLength(b[sizeAt]);
    if (sizeLength == 0 || sizeAt + sizeLength > limit) {
      return null;
    }
    long size = b[sizeAt] & (0xFF >> sizeLength);
    boolean allOnes = size == (0xFF >> sizeLength);
    for (int i = 1; i < sizeLength; i++) {
      int next = b[sizeAt + i] & 0xFF;
      allOnes &= next == 0xFF;
      size = (size << 8) | next;
    }
    return new Element(id, sizeAt + sizeLength, allOnes ? UNKNOWN : size);
  }

  /** The first child with {@code id} among the elements from {@code from} to {@code limit}, or null. */
  Element child(int from, int limit, long id) {
    int at = from;
    for (int n = 0; n < MAX_CHILDREN; n++) {
      Element e = element(at, limit);
      if (e == null) {
        return null;
      }
      if (e.id() == id) {
        return e;
      }
      if (e.size() == UNKNOWN) {
        return null; // where it ends is unknown, so its siblings can't be found
      }
      long next = e.dataAt() + e.size();
      if (next >= Math.min(limit, length)) {
        return null;
      }
      at = (int) next;
    }
    return null;
  }

  /** An unsigned integer element's value (at most 8 bytes), or -1. */
  long unsigned(Element e) {
    if (e == null || !e.fits(length) || e.size() > 8 || e.size() < 0) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < e.size(); i++) {
      v = (v << 8) | (b[e.dataAt() + i] & 0xFF);
    }
    return e.size() == 8 && v < 0 ? -1 : v;
  }

  /** A float element's value (4 or 8 bytes; 0 bytes means 0), or NaN. */
  double floating(Element e) {
    if (e == null || !e.fits(length)) {
      return Double.NaN;
    }
    long bits = 0;
    for (int i = 0; i < e.size() && i < 8; i++) {
      bits = (bits << 8) | (b[e.dataAt() + i] & 0xFF);
    }
    return switch ((int) e.size()) {
      case 0 -> 0.0;
      case 4 -> Float.intBitsToFloat((int) bits);
      case 8 -> Double.longBitsToDouble(bits);
      default -> Double.NaN;
    };
  }

  /** The Segment's data (after the EBML header), or null when the file doesn't start like Matroska. */
  Element segment() {
    Element header = element(0, length);
    if (header == null || header.id() != EBML_HEADER || !header.fits(length)) {
      return null;
    }
    Element segment = element(header.end(length), length);
    return segment != null && segment.id() == SEGMENT ? segment : null;
  }

  /** A WebM head whose Tracks (within the head) hold a video track. */
  boolean hasVideoTrack() {
    Element segment = segment();
    if (segment == null) {
      return false;
    }
    Element tracks = child(segment.dataAt(), segment.end(length), TRACKS);
    if (tracks == null) {
      return false;
    }
    int end = tracks.end(length);
    int at = tracks.dataAt();
    for (int n = 0; n < MAX_CHILDREN; n++) {
      Element entry = element(at, end);
      if (entry == null || entry.size() == UNKNOWN) {
        return false;
      }
      if (entry.id() == TRACK_ENTRY) {
        int entryEnd = entry.end(end);
        if (unsigned(child(entry.dataAt(), entryEnd, TRACK_TYPE)) == TRACK_VIDEO
            || child(entry.dataAt(), entryEnd, VIDEO) != null) {
          return true;
        }
      }
      long next = entry.dataAt() + entry.size();
      if (next >= end) {
        return false;
      }
      at = (int) next;
    }
    return false;
  }

  /** Bytes of a variable-length integer from its first byte (leading zeros + 1); 0 for a 0x00 byte, which is invalid. */
  private static int vintLength(byte first) {
    int v = first & 0xFF;
    return v == 0 ? 0 : Integer.numberOfLeadingZeros(v) - 23;
  }
}
