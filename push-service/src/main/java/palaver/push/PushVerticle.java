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
  private final PushTimings timings;
  private MongoClient mongo;
  private WebhookOutbox outbox;

  public PushVerticle() {
    this(PushTimings.DEFAULT);
  }

  /** With other clocks: tests run the leases, silences and retries fast. */
  PushVerticle(PushTimings timings) {
    this.timings = timings;
  }

  @Override
  public Future<?> start() {
    Apps apps = Apps.from(config());
    mongo = Store.client(vertx, config());
    outbox = new WebhookOutbox(vertx, mongo, apps, timings);
    Leadership leadership = new Leadership(vertx, timings);
    ChannelRegistry registry = new ChannelRegistry(vertx, apps, timings, leadership, outbox);
    CacheStore cache = new CacheStore(vertx, mongo);
    return Store.ping(mongo, config())
        .compose(v -> Future.all(List.of(
            leadership.start(),
            registry.serve(),
            cache.serve(),
            outbox.serve(),
            Bus.serve(vertx, Address.HEALTH_PUSH, this::health))));
  }

  @Override
  public Future<?> stop() {
    if (outbox != null) {
      outbox.close();
    }
    return Future.succeededFuture();
  }

  private Future<JsonObject> health(JsonObject body) {
    return Store.ping(mongo, config()).map(new JsonObject());
  }
}
