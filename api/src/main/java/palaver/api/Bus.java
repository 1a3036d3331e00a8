package palaver.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Request/reply conventions of the event-bus API: JSON in, JSON out, failures
 * as {@link ReplyException} with an {@link ErrorCode} status. Requests go to an
 * instance in the same JVM when one serves the address, so a standalone node
 * never crosses the network for its own services.
 */
public final class Bus {
  // The JDK's platform logger keeps this module free of a logging library; the runtime routes it to SLF4J.
  private static final System.Logger LOG = System.getLogger(Bus.class.getName());

  /** Long enough for a busy store, short enough that no client waits 30 s. */
  public static final long DEFAULT_TIMEOUT_MS = 5_000;

  private static final String LOCAL_ADDRESSES = "palaver.bus.local";

  /** Requests sent and operations being served, per Vert.x instance: what a stopping node drains. */
  private static final Map<Vertx, AtomicInteger> IN_FLIGHT = Collections.synchronizedMap(new WeakHashMap<>());

  private Bus() {
  }

  public static Future<JsonObject> request(Vertx vertx, String address, JsonObject body) {
    return request(vertx, address, body, DEFAULT_TIMEOUT_MS);
  }

  public static Future<JsonObject> request(Vertx vertx, String address, JsonObject body, long timeoutMs) {
    AtomicInteger inFlight = inFlight(vertx);
    inFlight.incrementAndGet();
    return send(vertx, address, body, timeoutMs).onComplete(ar -> inFlight.decrementAndGet());
  }

  /** How many requests this Vert.x instance has sent or is serving right now. */
  public static int inFlightCount(Vertx vertx) {
    return inFlight(vertx).get();
  }

  private static AtomicInteger inFlight(Vertx vertx) {
    return IN_FLIGHT.computeIfAbsent(vertx, v -> new AtomicInteger());
  }

  private static Future<JsonObject> send(Vertx vertx, String address, JsonObject body, long timeoutMs) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMs);
    if (!servedLocally(vertx, address)) {
      return vertx.eventBus().<JsonObject>request(address, body, options).map(Message::body);
    }
    // The local instance may have been undeployed since (a stopping node):
    // then any instance in the cluster will do.
    return vertx.eventBus().<JsonObject>request(address, body, new DeliveryOptions(options).setLocalOnly(true))
        .recover(t -> t instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
            ? vertx.eventBus().<JsonObject>request(address, body, options)
            : Future.failedFuture(t))
        .map(Message::body);
  }

  /**
   * Serves one operation. The body is checked to be a JSON object without
   * {@code $}-keys before {@code operation} sees it; whatever the operation
   * throws or fails with becomes the reply's failure code.
   */
  public static Future<MessageConsumer<Object>> serve(Vertx vertx, String address,
      Function<JsonObject, Future<JsonObject>> operation) {
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address, msg -> handle(vertx, address, msg, operation));
    localAddresses(vertx).put(address, Boolean.TRUE);
    return consumer.completion().map(v -> consumer);
  }

  private static void handle(Vertx vertx, String address, Message<Object> msg,
      Function<JsonObject, Future<JsonObject>> operation) {
    AtomicInteger inFlight = inFlight(vertx);
    inFlight.incrementAndGet();
    Future<JsonObject> result;
    try {
      result = operation.apply(Check.object(msg.body()));
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      inFlight.decrementAndGet();
      if (ar.succeeded()) {
        msg.reply(ar.result() == null ? new JsonObject() : ar.result());
      } else {
        Throwable t = ar.cause();
        ErrorCode code = ErrorCode.of(t);
        if (code == ErrorCode.INTERNAL) {
          LOG.log(System.Logger.Level.ERROR, address + " failed", t);
        } else if (code == ErrorCode.UNAVAILABLE && !(t instanceof ReplyException)) {
          LOG.log(System.Logger.Level.WARNING, "{0} failed: store unavailable ({1})", address, t.getClass().getSimpleName());
        } else if (code == ErrorCode.UNAVAILABLE) {
          // A deliberate answer (overload shed) or a timeout further down: one line per request would flood the log.
          LOG.log(System.Logger.Level.DEBUG, "{0} answered unavailable: {1}", address, t.getMessage());
        }
        msg.fail(code.failure(), ErrorCode.publicMessage(t));
      }
    });
  }

  private static boolean servedLocally(Vertx vertx, String address) {
    return vertx.isClustered() && localAddresses(vertx).containsKey(address);
  }

  private static LocalMap<String, Boolean> localAddresses(Vertx vertx) {
    return vertx.sharedData().getLocalMap(LOCAL_ADDRESSES);
  }
}
