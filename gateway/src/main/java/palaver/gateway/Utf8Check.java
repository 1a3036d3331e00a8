package palaver.gateway;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Streaming UTF-8 validation of one text message, frame by frame (a character may be split between
 * fragments). RFC 6455 §8.1 says an endpoint fails the connection on invalid UTF-8 (1007); Vert.x
 * decodes text messages with replacement characters instead, so without this a client's bytes would
 * silently become U+FFFD and be answered or stored as if sent.
 */
final class Utf8Check {
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  /** Decoded characters are thrown away: only whether decoding works matters (small: one per socket). */
  private final CharBuffer sink = CharBuffer.allocate(256);
  /** The start of a character the previous fragment ended in. */
  private ByteBuffer carry;

  /** A new text message starts. */
  void start() {
    decoder.reset();
    carry = null;
  }

  /** Feeds one frame's payload; false as soon as the message so far is not UTF-8 (or ends mid-character). */
  boolean feed(Buffer payload, boolean last) {
    ByteBuffer in = ByteBuffer.wrap(payload.getBytes());
    if (carry != null) {
      in = ByteBuffer.allocate(carry.remaining() + in.remaining()).put(carry).put(in).flip();
      carry = null;
    }
    CoderResult result;
    do {
      sink.clear();
      result = decoder.decode(in, sink, last);
      if (result.isError()) {
        return false;
      }
    } while (result.isOverflow());
    if (last) {
      sink.clear();
      return !decoder.flush(sink).isError();
    }
    if (in.hasRemaining()) {
      carry = ByteBuffer.allocate(in.remaining()).put(in).flip();
    }
    return true;
  }
}
