package palaver.push;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.runtime.Apps;
import palaver.runtime.Store;

/**
 * push-service: the push platform's cluster-wide state, which no single
 * gateway holds: who is in which app channel (occupancy and presence), cache
 * channels' last events, and the webhooks owed to app servers.
 */
public class PushVerticle extends VerticleBase {
  private MongoClient mongo;
  private Apps apps;

  @Override
  public Future<?> start() {
    apps = Apps.from(config());
    mongo = Store.client(vertx, config());
    return Store.ping(mongo, config())
        .compose(v -> Future.all(List.of(
            Bus.serve(vertx, Address.HEALTH_PUSH, this::health))));
  }

  private Future<JsonObject> health(JsonObject body) {
    return Store.ping(mongo, config()).map(new JsonObject());
  }
}
