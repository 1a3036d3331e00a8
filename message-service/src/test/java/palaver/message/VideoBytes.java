package palaver.message;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds the container structure of small MP4 and WebM files (no media data) for the parser tests. */
final class VideoBytes {
  private VideoBytes() {
  }

  /** An MP4 box: 32-bit size, type, content. */
  static byte[] box(String type, byte[]... content) {
    byte[] body = concat(content);
    return concat(ByteBuffer.allocate(8).putInt(8 + body.length).put(ascii(type)).array(), body);
  }

  static byte[] ftyp() {
    return box("ftyp", ascii("isom"), new byte[4], ascii("isomiso2mp41"));
  }

  /** mvhd version 0: 32-bit creation, modification, timescale, duration; then the rest of the header. */
  static byte[] mvhd0(long timescale, long duration) {
    ByteBuffer b = ByteBuffer.allocate(100).put((byte) 0).put(new byte[3]).putInt(0).putInt(0)
        .putInt((int) timescale).putInt((int) duration);
    return box("mvhd", b.array());
  }

  /** mvhd version 1: 64-bit creation, modification; 32-bit timescale; 64-bit duration. */
  static byte[] mvhd1(long timescale, long duration) {
    ByteBuffer b = ByteBuffer.allocate(112).put((byte) 1).put(new byte[3]).putLong(0).putLong(0)
        .putInt((int) timescale).putLong(duration);
    return box("mvhd", b.array());
  }

  /** A fast-start MP4: ftyp, moov (mvhd, trak), mdat of {@code mediaBytes}. */
  static byte[] mp4(byte[] mvhd, int mediaBytes) {
    return concat(ftyp(), box("moov", mvhd, box("trak", new byte[40])), box("mdat", new byte[mediaBytes]));
  }

  /** An EBML element with a one- to four-byte id (given with its marker bits) and an 8-byte size. */
  static byte[] element(long id, byte[]... content) {
    byte[] body = concat(content);
    return concat(id(id), ByteBuffer.allocate(8).putLong(0x0100000000000000L | body.length).array(), body);
  }

  /** An element of unknown size (as MediaRecorder writes the Segment and Clusters). */
  static byte[] unknownSize(long id, byte[]... content) {
    return concat(id(id), new byte[] {0x01, -1, -1, -1, -1, -1, -1, -1}, concat(content));
  }

  static byte[] unsigned(long id, long value) {
    return element(id, ByteBuffer.allocate(8).putLong(value).array());
  }

  static byte[] float64(long id, double value) {
    return element(id, ByteBuffer.allocate(8).putDouble(value).array());
  }

  static byte[] float32(long id, float value) {
    return element(id, ByteBuffer.allocate(4).putFloat(value).array());
  }

  static byte[] ebmlHeader() {
    return element(Ebml.EBML_HEADER, element(0x4282, ascii("webm")));
  }

  /** A track entry of TrackType {@code type} (1 video, 2 audio). */
  static byte[] track(long type) {
    return element(Ebml.TRACK_ENTRY, unsigned(0xD7, 1), unsigned(Ebml.TRACK_TYPE, type));
  }

  /** A WebM: EBML header, then a Segment of unknown size holding {@code children}. */
  static byte[] webm(byte[]... children) {
    return concat(ebmlHeader(), unknownSize(Ebml.SEGMENT, children));
  }

  static byte[] info(byte[]... children) {
    return element(Ebml.INFO, children);
  }

  static byte[] tracks(byte[]... entries) {
    return element(Ebml.TRACKS, entries);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] id(long id) {
    int n = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (id >> (8 * (n - 1 - i)));
    }
    return b;
  }
}
