package palaver.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.PalaverConfig;
import palaver.runtime.Setting;
import palaver.runtime.Store;

/** Issue 20 item 1: the standalone jar's own store is closed to local processes without its credential. */
@DisplayName("The standalone jar's embedded store")
class StorePreparationTest {
  private Vertx vertx;
  private StandaloneMain.StorePreparation preparation;
  private JsonObject config;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    preparation = new StandaloneMain.StorePreparation();
    config = preparation.prepare(PalaverConfig.defaults()
        .put(Setting.DATA_DIR.key(), Files.createTempDirectory("palaver-standalone-").toString())
        .put(Setting.MONGO_TIMEOUT_MS.key(), 3_000));
  }

  @AfterEach
  void stop() {
    preparation.close();
    await(vertx.close());
  }

  @Test
  @DisplayName("refuses a plain Mongo connection to its port: the keys collection can't be read")
  void plainConnectionRefused() {
    JsonObject stranger = PalaverConfig.defaults().put(Setting.MONGO_URI.key(), config.getString(Setting.MONGO_URI.key()))
        .put(Setting.MONGO_TIMEOUT_MS.key(), 3_000);
    MongoClient mongo = Store.client(vertx, stranger);
    try {
      assertThrows(RuntimeException.class, () -> await(mongo.findOne("keys", new JsonObject(), null)));
    } finally {
      mongo.close();
    }
  }

  @Test
  @DisplayName("serves the node's own services, which get the credential through the config")
  void servicesConnect() {
    MongoClient mongo = Store.client(vertx, config);
    try {
      assertEquals(1.0, await(mongo.runCommand("ping", new JsonObject().put("ping", 1))).getValue("ok") instanceof Number n
          ? n.doubleValue() : 0.0);
    } finally {
      await(mongo.close());
    }
  }

  @Test
  @DisplayName("keeps the JWT signing key in <data-dir>/jwt.secret (0600), not in the store's keys collection")
  void signingKeyOutOfStore() throws Exception {
    await(vertx.deployVerticle(new palaver.user.UserVerticle(), new io.vertx.core.DeploymentOptions().setConfig(config)));
    java.nio.file.Path file = java.nio.file.Path.of(config.getString(Setting.DATA_DIR.key()), "jwt.secret");
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    String secret = Files.readString(file).strip();
    MongoClient mongo = Store.client(vertx, config);
    try {
      for (String collection : await(mongo.getCollections())) {
        for (JsonObject doc : await(mongo.find(collection, new JsonObject()))) {
          org.junit.jupiter.api.Assertions.assertFalse(doc.encode().contains(secret), "the key is in " + collection);
        }
      }
    } finally {
      await(mongo.close());
    }
  }

  @Test
  @DisplayName("served with --store-port, refuses a plain Mongo connection by default")
  void servedStoreRefusesPlainClient() throws Exception {
    StandaloneMain.StorePreparation served = new StandaloneMain.StorePreparation();
    int port = freePort();
    JsonObject servedConfig = served.prepare(PalaverConfig.defaults()
        .put(Setting.DATA_DIR.key(), Files.createTempDirectory("palaver-served-").toString())
        .put(Setting.STORE_PORT.key(), port));
    try {
      JsonObject stranger = PalaverConfig.defaults().put(Setting.MONGO_URI.key(), "mongodb://127.0.0.1:" + port)
          .put(Setting.MONGO_TIMEOUT_MS.key(), 3_000);
      MongoClient plain = Store.client(vertx, stranger);
      try {
        assertThrows(RuntimeException.class, () -> await(plain.findOne("users", new JsonObject(), null)));
      } finally {
        plain.close();
      }
      JsonObject other = PalaverConfig.defaults().put(Setting.MONGO_URI.key(), "mongodb://127.0.0.1:" + port)
          .put(Setting.STORE_TLS_DIR.key(), servedConfig.getString(Setting.STORE_TLS_DIR.key()));
      MongoClient withCredential = Store.client(vertx, other);
      try {
        assertEquals(0L, await(withCredential.count("users", new JsonObject())));
      } finally {
        await(withCredential.close());
      }
    } finally {
      served.close();
    }
  }

  @Test
  @DisplayName("served with --store-port --store-insecure, is open (the explicit opt-out)")
  void insecureStoreIsOpen() throws Exception {
    StandaloneMain.StorePreparation served = new StandaloneMain.StorePreparation();
    int port = freePort();
    JsonObject servedConfig = served.prepare(PalaverConfig.defaults()
        .put(Setting.DATA_DIR.key(), Files.createTempDirectory("palaver-served-").toString())
        .put(Setting.STORE_PORT.key(), port).put(Setting.STORE_INSECURE.key(), true));
    try {
      assertEquals(null, servedConfig.getString(Setting.STORE_TLS_DIR.key()));
      MongoClient plain = Store.client(vertx, PalaverConfig.defaults()
          .put(Setting.MONGO_URI.key(), "mongodb://127.0.0.1:" + port).put(Setting.MONGO_TIMEOUT_MS.key(), 3_000));
      try {
        assertEquals(0L, await(plain.count("users", new JsonObject())));
      } finally {
        await(plain.close());
      }
    } finally {
      served.close();
    }
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new RuntimeException(e.getCause());
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
