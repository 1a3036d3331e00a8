package palaver.api;

/**
 * Every WebSocket close code the server sends (docs/protocol.md, "Close
 * codes"), each with what the client does next. Only 4401 means the token is
 * no good; after any other close the client keeps its token, reconnects with
 * backoff and catches up with {@code sync}.
 */
public enum CloseCode {
  GOING_AWAY(1001, Reconnect.WITH_BACKOFF_THEN_SYNC, "the server is shutting down"),
  PROTOCOL_ERROR(1002, Reconnect.WITH_BACKOFF_THEN_SYNC, "a broken WebSocket frame"),
  INVALID_TEXT(1007, Reconnect.WITH_BACKOFF_THEN_SYNC, "a text frame that is not UTF-8 (RFC 6455 section 8.1)"),
  TOO_LARGE(1009, Reconnect.WITH_BACKOFF_THEN_SYNC, "frame or message too large"),
  TRY_AGAIN(1013, Reconnect.WITH_BACKOFF_THEN_SYNC,
      "the token could not be checked right now (a service timed out or is down; the `error` frame before says "
          + "`unavailable`)"),
  SLOW_CONSUMER(4008, Reconnect.WITH_BACKOFF_THEN_SYNC, "the client did not read fast enough (outbound queue full)"),
  UNAUTHENTICATED(4401, Reconnect.LOG_IN_AGAIN, "not authenticated, bad or revoked token, logged out"),
  IDLE(4408, Reconnect.WITH_BACKOFF_THEN_SYNC, "nothing heard from the client (no frame, no pong) within the idle timeout"),
  TOO_MANY_SOCKETS(4409, Reconnect.WITH_BACKOFF_THEN_SYNC,
      "the user already holds the most sockets a gateway allows (wsMaxSocketsPerUser); the new socket is refused"),
  RATE_LIMITED(4429, Reconnect.WITH_BACKOFF_THEN_SYNC, "too many rate-limited frames (pings count too)");

  /** What a client does after a close. */
  public enum Reconnect {
    /** The token is no good: get a new one (log in), then connect. */
    LOG_IN_AGAIN,
    /** Keep the token, reconnect with backoff (possibly to another node), then {@code sync}. */
    WITH_BACKOFF_THEN_SYNC
  }

  private final short code;
  private final Reconnect reconnect;
  private final String meaning;

  CloseCode(int code, Reconnect reconnect, String meaning) {
    this.code = (short) code;
    this.reconnect = reconnect;
    this.meaning = meaning;
  }

  public short code() {
    return code;
  }

  public Reconnect reconnect() {
    return reconnect;
  }

  public String meaning() {
    return meaning;
  }

  /** The close code with this number, or null when the server never sends it. */
  public static CloseCode of(int code) {
    for (CloseCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return null;
  }
}
