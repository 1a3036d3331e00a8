package palaver.gateway;

/** A refusal of Pusher's HTTP API: its status and the plain-text message Pusher would answer. */
final class PusherHttpError extends RuntimeException {
  private final int status;

  PusherHttpError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }

  static PusherHttpError badRequest(String message) {
    return new PusherHttpError(400, message);
  }

  static PusherHttpError unauthorized(String message) {
    return new PusherHttpError(401, message);
  }
}
