package palaver.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.impl.config.MongoClientOptionsParser;
import io.vertx.micrometer.backends.BackendRegistries;
import com.mongodb.MongoClientSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.mongodb.MongoMetricsCommandListener;
import io.micrometer.core.instrument.binder.mongodb.MongoMetricsConnectionPoolListener;

/** MongoDB bootstrap shared by the services; each service uses only its own collections. */
public final class Store {
  /** Mongo's duplicate-key error code. */
  public static final int DUPLICATE_KEY = 11000;

  private Store() {
  }

  public static MongoClient client(Vertx vertx, JsonObject config) {
    String uri = config.getString(Setting.MONGO_URI.key());
    if (uri == null) {
      throw new IllegalStateException("no mongoUri configured");
    }
    int timeout = config.getInteger(Setting.MONGO_TIMEOUT_MS.key(), 10_000);
    JsonObject mongo = new JsonObject()
        .put("connection_string", uri)
        .put("db_name", config.getString(Setting.MONGO_DB.key(), "palaver"))
        .put("serverSelectionTimeoutMS", timeout)
        .put("connectTimeoutMS", timeout)
        .put("useObjectId", false);
    storeTls(config, mongo);
    // One pool per store and JVM, shared by the verticles of all services.
    String pool = "palaver:" + uri;
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      return MongoClient.createShared(vertx, mongo, pool);
    }
    return MongoClient.createWithMongoSettings(vertx, mongo, pool, withMetrics(vertx, mongo, registry));
  }

  /**
   * The driver settings vertx-mongo-client would build from {@code mongo}, plus Micrometer's listeners:
   * {@code mongodb.driver.commands} (latency of every store command by command, collection and status)
   * and {@code mongodb.driver.pool.*}. The client's own parser builds the base, so every option it reads
   * means the same with metrics on; the settings are used only by the first client of the pool name.
   */
  private static MongoClientSettings withMetrics(Vertx vertx, JsonObject mongo, MeterRegistry registry) {
    MongoClientSettings base = new MongoClientOptionsParser(vertx, mongo).settings();
    return MongoClientSettings.builder(base)
        .addCommandListener(new MongoMetricsCommandListener(registry))
        .applyToConnectionPoolSettings(pool -> pool.addConnectionPoolListener(new MongoMetricsConnectionPoolListener(registry)))
        .build();
  }

  /**
   * The embedded store's credential (--store-tls-dir): TLS presenting its certificate as ours and
   * trusting only that certificate. The certificate is pinned, so its name need not match the host.
   */
  static void storeTls(JsonObject config, JsonObject mongo) {
    String dir = config.getString(Setting.STORE_TLS_DIR.key());
    if (dir == null) {
      return;
    }
    String cert = java.nio.file.Path.of(dir, "store.crt").toString();
    mongo.put("ssl", true)
        .put("caPath", cert)
        .put("certPath", cert)
        .put("keyPath", java.nio.file.Path.of(dir, "store.key").toString())
        .put("sslInvalidHostNameAllowed", true);
  }

  /** Fails with a clear message when the store can't be reached. */
  public static Future<Void> ping(MongoClient mongo, JsonObject config) {
    return mongo.runCommand("ping", new JsonObject().put("ping", 1))
        .<Void>mapEmpty()
        .recover(t -> Future.failedFuture(new IllegalStateException(
            "cannot reach the store at " + redact(config.getString(Setting.MONGO_URI.key())) + ": "
                + t.getClass().getSimpleName())));
  }

  public static Future<Void> index(MongoClient mongo, String collection, JsonObject keys, boolean unique) {
    return mongo.createIndexWithOptions(collection, keys, new IndexOptions().unique(unique));
  }

  public static boolean isDuplicateKey(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof com.mongodb.MongoException me && me.getCode() == DUPLICATE_KEY) {
        return true;
      }
      if (c.getMessage() != null && c.getMessage().contains("E11000")) {
        return true;
      }
    }
    return false;
  }

  /** A URI without its password, for logs and errors. */
  public static String redact(String uri) {
    return uri == null ? null : uri.replaceAll("//([^:/@]+):([^@]+)@", "//$1:***@");
  }
}
