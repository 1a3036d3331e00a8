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
    var first = SigningKey.load(mongo, config);
    var second = SigningKey.load(mongo, config);
    assertEquals(Await.result(first), Await.result(second));
  }

  @Test
  @DisplayName("A configured key is used as it is, without touching the store")
  void configuredKeyUsed() {
    String secret = "a-configured-secret-of-32-bytes-or-more";
    MongoClient mongo = Store.client(vertx, config);
    assertEquals(secret, Await.result(SigningKey.load(mongo, config.copy().put(Setting.JWT_SECRET.key(), secret))));
    assertEquals(0L, Await.result(mongo.count(SigningKey.COLLECTION, new JsonObject())));
  }

  @Test
  @DisplayName("A configured key shorter than 32 bytes is refused")
  void shortConfiguredKeyRefused() {
    Throwable t = Await.failure(SigningKey.load(Store.client(vertx, config),
        config.copy().put(Setting.JWT_SECRET.key(), "too-short")));
    assertTrue(t.getMessage().contains("32 bytes"));
  }
}
