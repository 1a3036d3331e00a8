package palaver.testing;

import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import palaver.api.Bus;
import palaver.runtime.PalaverConfig;
import palaver.runtime.PalaverNode;
import palaver.runtime.Setting;
import palaver.runtime.Store;
import palaver.store.EmbeddedStore;

/**
 * One service's verticle on a real Vert.x and a real embedded store of its
 * own, with its neighbours as {@link FakeNeighbour}s: what a service module's
 * tests start. Requests go over the real event bus, as other services' would.
 */
public final class ServiceUnderTest implements AutoCloseable {
  private final PalaverNode node;
  private final EmbeddedStore store;
  private MongoClient mongo;

  private ServiceUnderTest(PalaverNode node, EmbeddedStore store) {
    this.node = node;
    this.store = store;
  }

  /** Starts the fakes, then the service (several verticles of one service may be given, in start order). */
  @SafeVarargs
  public static ServiceUnderTest start(JsonObject settings, List<FakeNeighbour> neighbours,
      Supplier<? extends Deployable>... verticles) {
    EmbeddedStore store = TestStore.fresh();
    JsonObject config = PalaverConfig.defaults()
        .put(Setting.HTTP_PORT.key(), Ports.free())
        .put(Setting.HTTP_HOST.key(), "127.0.0.1")
        .put(Setting.MONGO_URI.key(), store.connectionString())
        .mergeIn(settings);
    List<PalaverNode.Service> services = new ArrayList<>();
    for (FakeNeighbour fake : neighbours) {
      services.add(new PalaverNode.Service(fake.name(), () -> fake));
    }
    for (Supplier<? extends Deployable> verticle : verticles) {
      services.add(new PalaverNode.Service("service under test", verticle));
    }
    try {
      return new ServiceUnderTest(Await.result(PalaverNode.start(config, services)), store);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  public Vertx vertx() {
    return node.vertx();
  }

  public JsonObject config() {
    return node.config();
  }

  public int httpPort() {
    return node.config().getInteger(Setting.HTTP_PORT.key());
  }

  /** A request over the bus, as a neighbour would send it; its answer. */
  public JsonObject request(String address, JsonObject body) {
    return Await.result(Bus.request(vertx(), address, body));
  }

  /** A request that must fail; its failure (code and message). */
  public ReplyException failure(String address, JsonObject body) {
    Throwable t = Await.failure(Bus.request(vertx(), address, body));
    if (t instanceof ReplyException re) {
      return re;
    }
    throw new AssertionError("expected a ReplyException, got " + t, t);
  }

  /** The failure code of a request that must fail. */
  public int failureCode(String address, JsonObject body) {
    return failure(address, body).failureCode();
  }

  /** Records everything published (or sent) to {@code address} from now on. */
  public List<JsonObject> listen(String address) {
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer = vertx().eventBus().consumer(address, m -> seen.add(m.body()));
    Await.result(consumer.completion());
    return seen;
  }

  /** The service's store, for assertions on what it wrote. */
  public MongoClient mongo() {
    if (mongo == null) {
      mongo = Store.client(vertx(), config());
    }
    return mongo;
  }

  @Override
  public void close() {
    try {
      Await.result(node.close());
    } finally {
      store.close();
    }
  }
}
