package palaver.api;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The stable failure codes of docs/event-bus.md and docs/protocol.md (Errors). The number is the
 * {@link ReplyException#failureCode()} on the bus and, for most codes, the HTTP status too; a few
 * refinements of a status (a 403 that says why) have a bus number of their own. The name is the
 * {@code code} of HTTP error bodies and WebSocket {@code error} frames.
 */
public enum ErrorCode {
  INVALID(400, "invalid"),
  /** A new password that is on the list of common breached passwords (or a simple variant of one). */
  WEAK_PASSWORD(400, 4001, "weak_password"),
  UNAUTHENTICATED(401, "unauthenticated"),
  FORBIDDEN(403, "forbidden"),
  NOT_FOUND(404, "not_found"),
  /** The request head or body did not arrive in time (slowloris, a stalled upload). */
  TIMEOUT(408, "timeout"),
  CONFLICT(409, "conflict"),
  TOO_LARGE(413, "too_large"),
  RATE_LIMITED(429, "rate_limited"),
  INTERNAL(500, "internal"),
  /** No instance of the service answered in time (timeout or no handler). */
  UNAVAILABLE(503, "unavailable"),
  /** Sign-up is invite-only and no valid (unused) invite code was given. */
  INVITE_REQUIRED(403, 4031, "invite_required"),
  /** Sign-up is closed: nobody may register, with or without a code. */
  REGISTRATION_CLOSED(403, 4032, "registration_closed"),
  /** The account was deactivated by an admin: no login, no refresh. */
  DEACTIVATED(403, 4033, "deactivated");

  private final int status;
  private final int failure;
  private final String code;

  ErrorCode(int status, String code) {
    this(status, status, code);
  }

  ErrorCode(int status, int failure, String code) {
    this.status = status;
    this.failure = failure;
    this.code = code;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The bus failure code: the status, unless the code refines one. */
  public int failure() {
    return failure;
  }

  public String code() {
    return code;
  }

  /** A failure to return from a bus consumer (or to fail a future with). */
  public ReplyException exception(String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, failure, message);
  }

  /** The code of a bus failure code (or an HTTP status: the first code with it). */
  public static ErrorCode ofStatus(int status) {
    for (ErrorCode c : values()) {
      if (c.failure == status) {
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
