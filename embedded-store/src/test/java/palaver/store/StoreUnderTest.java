package palaver.store;

import de.bwaldvogel.mongo.MongoServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mongo.MongoClient;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.MVStore;
import palaver.runtime.PalaverConfig;
import palaver.runtime.Setting;
import palaver.runtime.Store;

/**
 * The embedded store's backend served on a free port over the real Mongo wire,
 * with the backend at hand so a test can read its counters.
 */
final class StoreUnderTest implements AutoCloseable {
  final IdLookupBackend backend;
  final CommittingBackend committing;
  final MongoClient mongo;
  private final MongoServer server;

  StoreUnderTest(Vertx vertx, Path dir) {
    this(vertx, new MVStore.Builder().fileName(dir.resolve(EmbeddedStore.FILE).toString()).open());
  }

  /** On a store the test opened itself (to set what {@link EmbeddedStore} leaves at H2's defaults). */
  StoreUnderTest(Vertx vertx, MVStore mv) {
    backend = new IdLookupBackend(mv);
    committing = new CommittingBackend(backend);
    server = new MongoServer(committing);
    server.bind("127.0.0.1", 0);
    InetSocketAddress address = server.getLocalAddress();
    mongo = client(vertx, "mongodb://127.0.0.1:" + address.getPort());
  }

  static MongoClient client(Vertx vertx, String uri) {
    return Store.client(vertx, PalaverConfig.defaults().put(Setting.MONGO_URI.key(), uri));
  }

  @Override
  public void close() {
    await(mongo.close());
    server.shutdown();
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure, got success");
  }
}
