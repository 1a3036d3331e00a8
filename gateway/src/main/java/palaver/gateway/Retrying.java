package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.ErrorCode;
import palaver.api.Field;

/**
 * Requests to message-service that survive one dead or stuck instance: when
 * no answer comes (timeout, no handler, lost connection, store unavailable)
 * the same request is sent once more. Only for operations that are safe to
 * repeat: reads, and sends (the same cid is stored once). The bus
 * round-robins, so the retry usually reaches another instance. Either way
 * the caller has an answer within two attempt timeouts and the retry delay.
 */
final class Retrying {
  static final long ATTEMPT_TIMEOUT_MS = 3_000;
  static final long RETRY_DELAY_MS = 100;

  private Retrying() {
  }

  static Future<JsonObject> request(Vertx vertx, String address, JsonObject body) {
    return Bus.request(vertx, address, body, ATTEMPT_TIMEOUT_MS).recover(t -> worthRetrying(t)
        ? vertx.timer(RETRY_DELAY_MS).compose(v -> Bus.request(vertx, address, body, ATTEMPT_TIMEOUT_MS))
        : Future.failedFuture(t));
  }

  /**
   * A message send: each attempt tells message-service how long it will be
   * waited for, so an instance too busy to start writing it in time drops it
   * unwritten instead of storing what the retry stores anyway.
   */
  static Future<JsonObject> send(Vertx vertx, JsonObject request) {
    return request(vertx, Address.MESSAGE_SEND, request.put(Field.WAIT_MS, ATTEMPT_TIMEOUT_MS));
  }

  private static boolean worthRetrying(Throwable t) {
    if (!(t instanceof ReplyException re)) {
      return false;
    }
    return re.failureType() != ReplyFailure.RECIPIENT_FAILURE || re.failureCode() == ErrorCode.UNAVAILABLE.status();
  }
}
