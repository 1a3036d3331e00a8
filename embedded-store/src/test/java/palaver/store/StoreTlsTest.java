package palaver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.PalaverConfig;
import palaver.runtime.Setting;
import palaver.runtime.Store;

/** Issue 20 item 1: with --store-tls only holders of the data dir's credential reach the store. */
@DisplayName("The embedded store started with TLS")
class StoreTlsTest {
  private static Vertx vertx;
  private static Path dir;
  private static EmbeddedStore store;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    dir = Files.createTempDirectory("palaver-tls-test-");
    store = EmbeddedStore.start(dir, "127.0.0.1", null, EmbeddedStore.DEFAULT_CACHE_MB, true);
  }

  @AfterAll
  static void stop() {
    store.close();
    await(vertx.close());
  }

  private static JsonObject config() {
    return PalaverConfig.defaults().put(Setting.MONGO_URI.key(), store.connectionString())
        .put(Setting.MONGO_TIMEOUT_MS.key(), 3_000);
  }

  @Test
  @DisplayName("A client holding the credential reads and writes")
  void withCredential() {
    MongoClient mongo = Store.client(vertx,
        config().put(Setting.STORE_TLS_DIR.key(), store.tls().dir().toString()));
    try {
      await(mongo.insert("keys", new JsonObject().put("_id", "probe").put("v", 1)));
      assertEquals(1, await(mongo.findOne("keys", new JsonObject().put("_id", "probe"), null)).getInteger("v"));
    } finally {
      await(mongo.close());
    }
  }

  @Test
  @DisplayName("A plain Mongo client without the credential cannot read the keys collection")
  void plainClientRefused() {
    MongoClient mongo = Store.client(vertx, config());
    try {
      assertThrows(RuntimeException.class, () -> await(mongo.findOne("keys", new JsonObject(), null)));
    } finally {
      mongo.close();
    }
  }

  @Test
  @DisplayName("A TLS client presenting another certificate is refused")
  void otherCertificateRefused() throws Exception {
    Path other = Files.createTempDirectory("palaver-tls-other-");
    EmbeddedStore.start(other, "127.0.0.1", null, 1, true).close();
    MongoClient mongo = Store.client(vertx, config().put(Setting.STORE_TLS_DIR.key(),
        other.resolve(StoreTls.DIR).toString()));
    try {
      assertThrows(RuntimeException.class, () -> await(mongo.findOne("keys", new JsonObject(), null)));
    } finally {
      mongo.close();
    }
  }

  @Test
  @DisplayName("The credential is kept owner-only in the data dir")
  void credentialOwnerOnly() throws Exception {
    assertTrue(Files.isRegularFile(store.tls().key()));
    if (DataDirPermissions.supported()) {
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.tls().dir())));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.tls().key())));
    }
  }

  @Test
  @DisplayName("A restart on the same data dir keeps the credential, so other processes' copies stay valid")
  void credentialKeptAcrossRestarts() throws Exception {
    Path other = Files.createTempDirectory("palaver-tls-restart-");
    String first;
    try (EmbeddedStore s = EmbeddedStore.start(other, "127.0.0.1", null, 1, true)) {
      first = Files.readString(s.tls().cert());
    }
    try (EmbeddedStore s = EmbeddedStore.start(other, "127.0.0.1", null, 1, true)) {
      assertEquals(first, Files.readString(s.tls().cert()));
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
