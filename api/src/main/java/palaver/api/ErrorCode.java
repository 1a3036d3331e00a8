package palaver.api;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The stable failure codes of docs/event-bus.md and docs/protocol.md (Errors). The number is both the
 * {@link ReplyException#failureCode()} on the bus and the HTTP status; the
 * name is the {@code code} of HTTP error bodies and WebSocket {@code error}
 * frames.
 */
public enum ErrorCode {
  INVALID(400, "invalid"),
  UNAUTHENTICATED(401, "unauthenticated"),
  FORBIDDEN(403, "forbidden"),
  NOT_FOUND(404, "not_found"),
  CONFLICT(409, "conflict"),
  TOO_LARGE(413, "too_large"),
  RATE_LIMITED(429, "rate_limited"),
  INTERNAL(500, "internal"),
  /** No instance of the service answered in time (timeout or no handler). */
  UNAVAILABLE(503, "unavailable");

  private final int status;
  private final String code;

  ErrorCode(int status, String code) {
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** A failure to return from a bus consumer (or to fail a future with). */
  public ReplyException exception(String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, status, message);
  }

  public static ErrorCode ofStatus(int status) {
    for (ErrorCode c : values()) {
      if (c.status == status) {
        return c;
      }
    }
    return INTERNAL;
  }

  /** Maps any failure (bus, timeout, bug) to the code a client is shown. */
  public static ErrorCode of(Throwable t) {
    if (t instanceof ReplyException re) {
      return switch (re.failureType()) {
        case TIMEOUT, NO_HANDLERS -> UNAVAILABLE;
        default -> ofStatus(re.failureCode());
      };
    }
    // The store is down or unreachable: a condition to retry, not a bug.
    if (isStoreUnreachable(t)) {
      return UNAVAILABLE;
    }
    return INTERNAL;
  }

  /** The MongoDB driver's "can't reach the store" failures, matched by class name so this module needs no driver. */
  private static final java.util.Set<String> STORE_UNREACHABLE = java.util.Set.of(
      "com.mongodb.MongoTimeoutException", "com.mongodb.MongoSocketException",
      "com.mongodb.MongoServerUnavailableException");

  private static boolean isStoreUnreachable(Throwable t) {
    for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
      if (STORE_UNREACHABLE.contains(c.getName())) {
        return true;
      }
    }
    return false;
  }

  /** The message a client may see: never internals of a 500. */
  public static String publicMessage(Throwable t) {
    ErrorCode code = of(t);
    if (code == INTERNAL) {
      return "internal error";
    }
    if (code == UNAVAILABLE) {
      return "service unavailable, try again";
    }
    return t.getMessage() == null ? code.code : t.getMessage();
  }
}
