package palaver.message;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The type of an upload, from its first bytes (magic numbers), never from
 * the name or the client's Content-Type. SVG and HTML are never recognised as
 * such: they come out as text/plain or application/octet-stream, which are
 * always served as attachments.
 */
final class ContentSniffer {
  static final String OCTET_STREAM = "application/octet-stream";
  static final String TEXT = "text/plain; charset=utf-8";
  /** Bytes kept from the start of an upload for sniffing and audio headers. */
  static final int HEAD = 8192;

  /** Images a browser may show inline. */
  static final Set<String> IMAGES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");
  /** Videos a browser plays inline (a {@code video} message needs one of these). */
  static final Set<String> VIDEOS = Set.of("video/mp4", "video/webm");
  /** Images javax.imageio decodes (webp through the TwelveMonkeys plugin), so they get a thumbnail. */
  static final Set<String> THUMBNAILED = IMAGES;

  private ContentSniffer() {
  }

  /** {@code length} bytes of {@code head} are the start of a file; {@code truncated} when the file goes on. */
  static String sniff(byte[] head, int length, boolean truncated) {
    if (starts(head, length, 0, 0xFF, 0xD8, 0xFF)) {
      return "image/jpeg";
    }
    if (starts(head, length, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "image/png";
    }
    if (ascii(head, length, 0, "GIF87a") || ascii(head, length, 0, "GIF89a")) {
      return "image/gif";
    }
    if (ascii(head, length, 0, "RIFF") && ascii(head, length, 8, "WEBP")) {
      return "image/webp";
    }
    if (ascii(head, length, 0, "RIFF") && ascii(head, length, 8, "WAVE")) {
      return "audio/wav";
    }
    if (ascii(head, length, 0, "OggS")) {
      return "audio/ogg";
    }
    if (starts(head, length, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
      if (!contains(head, length, "webm")) {
        return OCTET_STREAM;
      }
      // A recording with a video track (as far as the head shows its Tracks) is a video; a voice recording is audio.
      return new Ebml(head, length).hasVideoTrack() ? "video/webm" : "audio/webm";
    }
    if (ascii(head, length, 4, "ftyp")) {
      return ascii(head, length, 8, "M4A ") || ascii(head, length, 8, "M4B ") ? "audio/mp4" : "video/mp4";
    }
    if (ascii(head, length, 0, "ID3") || mpegAudioFrame(head, length)) {
      return "audio/mpeg";
    }
    if (ascii(head, length, 0, "%PDF-")) {
      return "application/pdf";
    }
    if (starts(head, length, 0, 'P', 'K', 3, 4)) {
      return "application/zip";
    }
    return plainText(head, length, truncated) ? TEXT : OCTET_STREAM;
  }

  /** An MPEG audio frame header: 11 sync bits, a valid layer and bitrate index. */
  private static boolean mpegAudioFrame(byte[] b, int length) {
    if (length < 3 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xE0) != 0xE0) {
      return false;
    }
    int layer = (b[1] >> 1) & 0x3;
    int bitrate = (b[2] >> 4) & 0xF;
    return layer != 0 && bitrate != 0xF;
  }

  /** Valid UTF-8 without control characters other than tab, CR, LF and form feed. */
  private static boolean plainText(byte[] head, int length, boolean truncated) {
    int end = truncated ? completeUtf8(head, length) : length;
    for (int i = 0; i < end; i++) {
      int c = head[i] & 0xFF;
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
        return false;
      }
    }
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(head, 0, end));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Where the head ends without a multi-byte character cut in two by the head's end. */
  private static int completeUtf8(byte[] b, int length) {
    int lead = length - 1;
    while (lead >= 0 && length - lead <= 4 && (b[lead] & 0xC0) == 0x80) {
      lead--;
    }
    if (lead < 0) {
      return length;
    }
    int c = b[lead] & 0xFF;
    int needed = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return length - lead < needed ? lead : length;
  }

  private static boolean starts(byte[] b, int length, int offset, int... magic) {
    if (length < offset + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b[offset + i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean ascii(byte[] b, int length, int offset, String magic) {
    return starts(b, length, offset, magic.chars().toArray());
  }

  private static boolean contains(byte[] b, int length, String text) {
    int n = Math.min(length, 64);
    return new String(b, 0, n, StandardCharsets.ISO_8859_1).contains(text);
  }
}
