package palaver.gateway;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One text message decoded frame by frame, strictly (a character may be split between fragments). RFC
 * 6455 §8.1 says an endpoint fails the connection on invalid UTF-8 (1007); Vert.x decodes text messages
 * with replacement characters instead, so without this a client's bytes would silently become U+FFFD and
 * be answered or stored as if sent. Decoding here is the only decoding: the text comes out of it.
 */
final class Utf8Check {
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private final StringBuilder text = new StringBuilder();
  /** The start of a character the previous fragment ended in. */
  private ByteBuffer carry;
  private int bytes;

  /** A new text message starts. */
  void start() {
    decoder.reset();
    text.setLength(0);
    carry = null;
    bytes = 0;
  }

  /** The message's bytes so far, for its size limit. */
  int bytes() {
    return bytes;
  }

  /** Decodes one frame's payload; false as soon as the message so far is not UTF-8 (or ends mid-character). */
  boolean feed(Buffer payload, boolean last) {
    bytes += payload.length();
    ByteBuffer in = ByteBuffer.wrap(payload.getBytes());
    if (carry != null) {
      in = ByteBuffer.allocate(carry.remaining() + in.remaining()).put(carry).put(in).flip();
      carry = null;
    }
    CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
    CoderResult result = decoder.decode(in, out, last);
    if (result.isError() || (last && decoder.flush(out).isError())) {
      return false;
    }
    text.append(out.flip());
    if (!last && in.hasRemaining()) {
      carry = ByteBuffer.allocate(in.remaining()).put(in).flip();
    }
    return true;
  }

  /** The whole message, once its last frame was fed. */
  String text() {
    String whole = text.toString();
    text.setLength(0);
    return whole;
  }
}
