package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Field;
import palaver.runtime.PalaverConfig;
import palaver.runtime.Setting;
import palaver.runtime.Store;
import palaver.store.EmbeddedStore;
import palaver.testing.Await;
import palaver.testing.TestStore;

/** The JWT signing key: one per deployment, whoever starts first. */
class SigningKeyTest {
  private EmbeddedStore store;
  private Vertx vertx;
  private JsonObject config;

  @BeforeEach
  void start() {
    store = TestStore.fresh();
    vertx = Vertx.vertx();
    config = PalaverConfig.defaults().put(Setting.MONGO_URI.key(), store.connectionString());
  }

  @AfterEach
  void stop() {
    try {
      Await.result(vertx.close());
    } finally {
      store.close();
    }
  }

  @Test
  @DisplayName("Two instances starting together on an empty store create one key and sign with it both")
  void oneKeyForTwoInstances() {
    Await.result(vertx.deployVerticle((Supplier<UserVerticle>) UserVerticle::new, new DeploymentOptions().setInstances(2).setConfig(config)));
    MongoClient mongo = Store.client(vertx, config);
    assertEquals(1L, Await.result(mongo.count(SigningKey.COLLECTION, new JsonObject())));
    String token = Await.result(Bus.request(vertx, Address.USER_REGISTER, new JsonObject()
        .put(Field.LOGIN, "alice@example.org").put(Field.PASSWORD, Users.PASSWORD).put(Field.NICKNAME, "Alice")))
        .getString(Field.TOKEN);
    // Requests alternate between the two instances: each must accept the other's token.
    IntStream.range(0, 4).forEach(i -> Await.result(Bus.request(vertx, Address.USER_AUTHENTICATE,
        new JsonObject().put(Field.TOKEN, token))));
  }

  @Test
  @DisplayName("Loading the key twice at once answers the same key both times")
  void concurrentLoadsAgree() {
    MongoClient mongo = Store.client(vertx, config);
    var first = SigningKey.load(vertx, mongo, config);
    var second = SigningKey.load(vertx, mongo, config);
    assertEquals(Await.result(first), Await.result(second));
  }

  @Test
  @DisplayName("A configured key is used as it is, without touching the store")
  void configuredKeyUsed() {
    String secret = "a-configured-secret-of-32-bytes-or-more";
    MongoClient mongo = Store.client(vertx, config);
    assertEquals(secret, Await.result(SigningKey.load(vertx, mongo, config.copy().put(Setting.JWT_SECRET.key(), secret))));
    assertEquals(0L, Await.result(mongo.count(SigningKey.COLLECTION, new JsonObject())));
  }

  @Test
  @DisplayName("A configured key shorter than 32 bytes is refused")
  void shortConfiguredKeyRefused() {
    Throwable t = Await.failure(SigningKey.load(vertx, Store.client(vertx, config),
        config.copy().put(Setting.JWT_SECRET.key(), "too-short")));
    assertTrue(t.getMessage().contains("32 bytes"));
  }

  @Test
  @DisplayName("With a key file the key is written there, owner-only, and not into the store")
  void keyFileKeepsKeyOutOfStore() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempDirectory("palaver-key-").resolve("jwt.secret");
    MongoClient mongo = Store.client(vertx, config);
    String secret = Await.result(SigningKey.load(vertx, mongo, config.copy().put(Setting.JWT_SECRET_FILE.key(), file.toString())));
    assertEquals(secret, java.nio.file.Files.readString(file).strip());
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(file)));
    assertNoSecretStored(mongo, secret);
  }

  @Test
  @DisplayName("A key an older version kept in the store moves into a new key file and leaves the store")
  void storedKeyMovesToFile() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempDirectory("palaver-key-").resolve("jwt.secret");
    MongoClient mongo = Store.client(vertx, config);
    String old = Await.result(SigningKey.load(vertx, mongo, config));
    assertEquals(1L, Await.result(mongo.count(SigningKey.COLLECTION, new JsonObject())));
    assertEquals(old, Await.result(SigningKey.load(vertx, mongo, config.copy().put(Setting.JWT_SECRET_FILE.key(), file.toString()))));
    assertEquals(old, java.nio.file.Files.readString(file).strip());
    assertNoSecretStored(mongo, old);
  }

  @Test
  @DisplayName("A process without the key file, on a store whose key moved to a file, refuses to start with a clear message")
  void processWithoutFileRefused() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempDirectory("palaver-key-").resolve("jwt.secret");
    MongoClient mongo = Store.client(vertx, config);
    Await.result(SigningKey.load(vertx, mongo, config.copy().put(Setting.JWT_SECRET_FILE.key(), file.toString())));
    Throwable t = Await.failure(SigningKey.load(vertx, mongo, config));
    assertTrue(t.getMessage().contains("--jwt-secret-file"), t.getMessage());
  }

  private static void assertNoSecretStored(MongoClient mongo, String secret) {
    for (JsonObject doc : Await.result(mongo.find(SigningKey.COLLECTION, new JsonObject()))) {
      assertTrue(!doc.containsKey("secret") && !doc.encode().contains(secret), "stored: " + doc);
    }
  }

  @Test
  @DisplayName("Two loads racing on a new key file agree on one key")
  void concurrentFileLoadsAgree() throws Exception {
    JsonObject withFile = config.copy().put(Setting.JWT_SECRET_FILE.key(),
        java.nio.file.Files.createTempDirectory("palaver-key-").resolve("jwt.secret").toString());
    MongoClient mongo = Store.client(vertx, config);
    var first = SigningKey.load(vertx, mongo, withFile);
    var second = SigningKey.load(vertx, mongo, withFile);
    assertEquals(Await.result(first), Await.result(second));
  }
}
