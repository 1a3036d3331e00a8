package palaver.gateway;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A streaming {@code multipart/form-data} parser (RFC 7578 over RFC 2046):
 * fed the raw body chunk by chunk, it hands each part's headers and then its
 * content on as it arrives, holding back only the few bytes that could be
 * the start of the next delimiter. The upload path parses bodies itself
 * rather than through Vert.x's decoder (Netty's): that decoder throws
 * unchecked exceptions on some malformed part headers, and one thrown while
 * Vert.x reads the socket makes it close the connection before the 400 is
 * flushed (UploadFuzzTest). Here every malformed body is a
 * {@link Malformed} thrown to the caller, who answers it.
 * Used from one event loop; not thread-safe.
 */
final class MultipartParser {
  /** Longest header block of one part (browsers send a few hundred bytes). */
  static final int MAX_HEADER_BYTES = 16 * 1024;

  /** A part's Content-Disposition name, filename (null when none) and Content-Type (null when none). */
  record Part(String name, String filename, String contentType) {
  }

  /** What the parser finds, in body order. */
  interface Receiver {
    void partBegin(Part part);

    /** Content of the current part; may be called many times, never with an empty buffer. */
    void partData(Buffer data);

    void partEnd();

    /** The closing delimiter was read: the form is complete (bytes after it are ignored). */
    void formEnd();
  }

  /** The body is not multipart/form-data as RFC 7578 defines it; the message says how. */
  static final class Malformed extends RuntimeException {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  private enum State { PREAMBLE, AFTER_DELIMITER, HEADERS, CONTENT, DONE }

  private final Receiver receiver;
  private final int maxParts;
  /** CRLF + "--" + boundary: what ends a part's content. */
  private final byte[] delimiter;
  private State state = State.PREAMBLE;
  /** Bytes not consumed yet: a possible delimiter prefix, or an unfinished header block. */
  private byte[] held;
  private int parts;

  /**
   * @param boundary the Content-Type's boundary parameter
   * @param maxParts the most parts (fields and files) a form may have
   */
  MultipartParser(String boundary, int maxParts, Receiver receiver) {
    this.receiver = receiver;
    this.maxParts = maxParts;
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    // The first delimiter may open the body without a CRLF before it: parse as if one were there.
    this.held = new byte[] {'\r', '\n'};
  }

  /** The boundary of a {@code multipart/form-data} Content-Type, unquoted; null when it has none (or an empty one). */
  static String boundary(String contentType) {
    int at = contentType.toLowerCase(Locale.ROOT).indexOf("boundary=");
    if (at < 0) {
      return null;
    }
    String boundary = contentType.substring(at + "boundary=".length()).split(";", 2)[0].trim();
    if (boundary.length() > 1 && boundary.startsWith("\"") && boundary.endsWith("\"")) {
      boundary = boundary.substring(1, boundary.length() - 1);
    }
    // RFC 2046: 1 to 70 characters.
    return boundary.isEmpty() || boundary.length() > 70 ? null : boundary;
  }

  /** True once the closing delimiter was read. */
  boolean complete() {
    return state == State.DONE;
  }

  /** Parses the next chunk of the body; {@link Malformed} when the body is not a well-formed form. */
  void feed(Buffer chunk) {
    if (state == State.DONE) {
      return; // the epilogue, ignored as RFC 2046 says
    }
    byte[] bytes = concat(held, chunk.getBytes());
    int at = 0;
    while (state != State.DONE) {
      int next = switch (state) {
        case PREAMBLE -> preamble(bytes, at);
        case AFTER_DELIMITER -> afterDelimiter(bytes, at);
        case HEADERS -> headers(bytes, at);
        case CONTENT -> content(bytes, at);
        case DONE -> bytes.length;
      };
      if (next < 0) {
        at = ~next; // the step needs more bytes than came: hold from there
        break;
      }
      at = next;
    }
    held = state == State.DONE ? new byte[0] : java.util.Arrays.copyOfRange(bytes, at, bytes.length);
  }

  /*
   * Each step below returns where the next one starts, or ~p (negative) when it needs bytes that have not come
   * yet: everything from p on is held for the next chunk.
   */

  /** Skips to the first delimiter; returns where it ends. */
  private int preamble(byte[] bytes, int at) {
    int found = indexOf(bytes, delimiter, at);
    if (found < 0) {
      return keepPossibleDelimiter(bytes, at, false);
    }
    state = State.AFTER_DELIMITER;
    return found + delimiter.length;
  }

  /** After a delimiter: "--" closes the form; optional spaces or tabs then CRLF open a part. */
  private int afterDelimiter(byte[] bytes, int at) {
    if (bytes.length - at < 2) {
      return ~at;
    }
    if (bytes[at] == '-' && bytes[at + 1] == '-') {
      state = State.DONE;
      receiver.formEnd();
      return bytes.length;
    }
    int i = at;
    while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t')) {
      i++;
      if (i - at > 256) {
        throw new Malformed("a delimiter followed by something other than a line break");
      }
    }
    if (bytes.length - i < 2) {
      return ~at;
    }
    if (bytes[i] != '\r' || bytes[i + 1] != '\n') {
      throw new Malformed("a delimiter followed by something other than a line break");
    }
    if (++parts > maxParts) {
      throw new Malformed("more than " + maxParts + " form fields");
    }
    state = State.HEADERS;
    return i + 2;
  }

  /** A part's header block, up to the empty line. */
  private int headers(byte[] bytes, int at) {
    int end = indexOf(bytes, new byte[] {'\r', '\n', '\r', '\n'}, at);
    // A part with no headers at all starts with the empty line at once.
    boolean none = bytes.length - at >= 2 && bytes[at] == '\r' && bytes[at + 1] == '\n';
    if (none) {
      end = at - 2;
    }
    if (end < 0) {
      if (bytes.length - at > MAX_HEADER_BYTES) {
        throw new Malformed("a part's headers are longer than " + MAX_HEADER_BYTES + " bytes");
      }
      return ~at;
    }
    if (end - at > MAX_HEADER_BYTES) {
      throw new Malformed("a part's headers are longer than " + MAX_HEADER_BYTES + " bytes");
    }
    String block = none ? "" : new String(bytes, at, end - at, StandardCharsets.UTF_8);
    receiver.partBegin(part(block));
    state = State.CONTENT;
    return end + 4;
  }

  /** A part's content up to the next delimiter, handed on as it comes. */
  private int content(byte[] bytes, int at) {
    int found = indexOf(bytes, delimiter, at);
    if (found < 0) {
      return keepPossibleDelimiter(bytes, at, true);
    }
    if (found > at) {
      receiver.partData(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, at, found)));
    }
    receiver.partEnd();
    state = State.AFTER_DELIMITER;
    return found + delimiter.length;
  }

  /**
   * No delimiter in {@code bytes[at..]}: everything that cannot be the start of one is consumed (handed on as
   * content when {@code deliver}); the tail that could be is held for the next chunk.
   */
  private int keepPossibleDelimiter(byte[] bytes, int at, boolean deliver) {
    int safe = Math.max(at, bytes.length - (delimiter.length - 1));
    // Hold back only from the first byte that starts a prefix of the delimiter.
    while (safe < bytes.length && !isPrefix(bytes, safe)) {
      safe++;
    }
    if (deliver && safe > at) {
      receiver.partData(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, at, safe)));
    }
    return ~safe;
  }

  private boolean isPrefix(byte[] bytes, int from) {
    for (int i = from, k = 0; i < bytes.length; i++, k++) {
      if (bytes[i] != delimiter[k]) {
        return false;
      }
    }
    return true;
  }

  /** The part's name, filename and type from its header block; a part without a form-data name is malformed. */
  private static Part part(String block) {
    String disposition = null;
    String type = null;
    for (String line : block.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        // What a bare CR or LF inside a quoted filename leaves: the name is cut there (as browsers never send it).
        continue;
      }
      String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (header.equals("content-disposition")) {
        disposition = value;
      } else if (header.equals("content-type")) {
        type = value;
      }
    }
    if (disposition == null) {
      throw new Malformed("a part without a Content-Disposition header");
    }
    String[] params = disposition.split(";", 2);
    if (!params[0].trim().equalsIgnoreCase("form-data")) {
      throw new Malformed("a part whose Content-Disposition is not form-data");
    }
    String name = null;
    String filename = null;
    for (String param : parameters(params.length > 1 ? params[1] : "")) {
      int eq = param.indexOf('=');
      if (eq <= 0) {
        throw new Malformed("a Content-Disposition parameter without a value: " + shortened(param));
      }
      String key = param.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = unquoted(param.substring(eq + 1).trim());
      if (key.equals("name")) {
        name = value;
      } else if (key.equals("filename")) {
        filename = value;
      }
    }
    if (name == null) {
      throw new Malformed("a part without a name");
    }
    return new Part(name, filename, type);
  }

  /** Splits {@code ; a=b; c="d;e"} at the semicolons outside quotes. */
  private static java.util.List<String> parameters(String text) {
    java.util.List<String> out = new java.util.ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' && (i == 0 || text.charAt(i - 1) != '\\')) {
        quoted = !quoted;
      }
      if (c == ';' && !quoted) {
        addParameter(out, current);
      } else {
        current.append(c);
      }
    }
    // An unclosed quote (a filename cut by a line break) runs to the end of the header.
    addParameter(out, current);
    return out;
  }

  private static void addParameter(java.util.List<String> out, StringBuilder current) {
    String param = current.toString().trim();
    if (!param.isEmpty()) {
      out.add(param);
    }
    current.setLength(0);
  }

  private static String unquoted(String value) {
    if (value.startsWith("\"")) {
      String inner = value.length() >= 2 && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value.substring(1);
      return inner.replace("\\\"", "\"").replace("\\\\", "\\");
    }
    return value;
  }

  private static String shortened(String text) {
    return text.length() > 60 ? text.substring(0, 60) + "..." : text;
  }

  private static int indexOf(byte[] bytes, byte[] pattern, int from) {
    outer:
    for (int i = from; i + pattern.length <= bytes.length; i++) {
      for (int k = 0; k < pattern.length; k++) {
        if (bytes[i + k] != pattern[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    if (a.length == 0) {
      return b;
    }
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
