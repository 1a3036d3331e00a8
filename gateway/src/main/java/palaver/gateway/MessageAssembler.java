package palaver.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;

/**
 * Puts one socket's messages together frame by frame, instead of Vert.x's aggregator, for every socket kind
 * the gateway serves (chat, Pusher, xlvein). A text message is decoded strictly as it arrives
 * ({@link Utf8Check}): Vert.x's aggregator would turn invalid bytes into U+FFFD and hand the result on as if
 * the client had sent it, where RFC 6455 §8.1 says to fail the connection (1007). Its size is bounded while
 * it grows. Binary messages are not kept (no socket kind accepts them): only their end is reported. Pings
 * are reported so a socket can charge them to its rate limit; Vert.x answers them itself.
 */
final class MessageAssembler {
  /** What the socket does with each complete message and each refusal. */
  interface Receiver {
    void onText(String text);

    void onBinary();

    void onPing();

    /** The text message went over the size limit: the socket closes (1009). */
    void onTooLarge();

    /** The text message is not UTF-8: the socket closes (1007). */
    void onInvalidText();
  }

  private final int maxBytes;
  private final Receiver receiver;
  private final Utf8Check utf8 = new Utf8Check();
  /** Continuation frames belong to a text message (being decoded by {@link #utf8}). */
  private boolean inText;
  /** Continuation frames belong to a binary message. */
  private boolean inBinary;

  MessageAssembler(int maxBytes, Receiver receiver) {
    this.maxBytes = maxBytes;
    this.receiver = receiver;
  }

  void onFrame(WebSocketFrame frame) {
    switch (frame.type()) {
      case PING -> receiver.onPing();
      case TEXT -> {
        utf8.start();
        inText = true;
        inBinary = false;
        textPart(frame);
      }
      case CONTINUATION -> {
        if (inText) {
          textPart(frame);
        } else if (inBinary && frame.isFinal()) {
          inBinary = false;
          receiver.onBinary();
        }
      }
      case BINARY -> {
        inText = false;
        inBinary = !frame.isFinal();
        if (frame.isFinal()) {
          receiver.onBinary();
        }
      }
      default -> {
        // pongs go to the socket's pong handler, closes to its close handler
      }
    }
  }

  private void textPart(WebSocketFrame frame) {
    Buffer data = frame.binaryData();
    if (utf8.bytes() + data.length() > maxBytes) {
      inText = false;
      receiver.onTooLarge();
    } else if (!utf8.feed(data, frame.isFinal())) {
      inText = false;
      receiver.onInvalidText();
    } else if (frame.isFinal()) {
      inText = false;
      receiver.onText(utf8.text());
    }
  }
}
