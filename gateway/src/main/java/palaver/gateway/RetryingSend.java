package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import palaver.common.Address;
import palaver.common.Bus;
import palaver.common.ErrorCode;

/**
 * A send to message-service that survives one dead or stuck instance: when
 * no answer comes (timeout, no handler, lost connection, store unavailable)
 * it is sent once more with the same cid, which is safe because sends are
 * idempotent; the bus round-robins, so the retry usually reaches another
 * instance. Either way the caller has an answer within {@link #WORST_CASE_MS}.
 */
final class RetryingSend {
  static final long ATTEMPT_TIMEOUT_MS = 3_000;
  static final long RETRY_DELAY_MS = 100;
  static final long WORST_CASE_MS = 2 * ATTEMPT_TIMEOUT_MS + RETRY_DELAY_MS;

  private RetryingSend() {
  }

  static Future<JsonObject> send(Vertx vertx, JsonObject request) {
    return attempt(vertx, request).recover(t -> worthRetrying(t)
        ? delay(vertx).compose(v -> attempt(vertx, request))
        : Future.failedFuture(t));
  }

  private static Future<JsonObject> attempt(Vertx vertx, JsonObject request) {
    return Bus.request(vertx, Address.MESSAGE_SEND, request, ATTEMPT_TIMEOUT_MS);
  }

  private static boolean worthRetrying(Throwable t) {
    if (!(t instanceof ReplyException re)) {
      return false;
    }
    return re.failureType() != ReplyFailure.RECIPIENT_FAILURE || re.failureCode() == ErrorCode.UNAVAILABLE.status();
  }

  private static Future<Void> delay(Vertx vertx) {
    return vertx.timer(RETRY_DELAY_MS).mapEmpty();
  }
}
