package palaver.testing;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import palaver.api.Bus;

/**
 * A neighbouring service in a service's tests: answers the bus addresses it
 * is given with the test's own handlers (as vertx-in-action's
 * {@code FakeUserService} does) and records every request it got.
 */
public final class FakeNeighbour extends VerticleBase {
  /** A request as the fake received it. */
  public record Request(String address, JsonObject body) {
  }

  private final String name;
  private final Map<String, Function<JsonObject, Future<JsonObject>>> handlers = new LinkedHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  public FakeNeighbour(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** Answers {@code address} with {@code handler}; a thrown or failed ErrorCode becomes the reply's failure. */
  public FakeNeighbour answer(String address, Function<JsonObject, Future<JsonObject>> handler) {
    handlers.put(address, handler);
    return this;
  }

  /** Answers {@code address} with the same body every time. */
  public FakeNeighbour reply(String address, JsonObject body) {
    return answer(address, request -> Future.succeededFuture(body.copy()));
  }

  /** Every request received on {@code address}, oldest first. */
  public List<JsonObject> requests(String address) {
    List<JsonObject> bodies = new ArrayList<>();
    for (Request r : requests) {
      if (r.address().equals(address)) {
        bodies.add(r.body());
      }
    }
    return bodies;
  }

  @Override
  public Future<?> start() {
    List<Future<?>> serving = new ArrayList<>();
    handlers.forEach((address, handler) -> serving.add(Bus.serve(vertx, address, body -> {
      requests.add(new Request(address, body.copy()));
      return handler.apply(body);
    })));
    return Future.all(serving);
  }
}
