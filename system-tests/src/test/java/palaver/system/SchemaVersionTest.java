package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.Schema;
import palaver.runtime.Store;
import palaver.store.EmbeddedStore;
import palaver.testing.Await;

@DisplayName("The store's schema version")
class SchemaVersionTest {
  private EmbeddedStore store;
  private Vertx vertx;
  private MongoClient mongo;

  @BeforeEach
  void open() {
    store = TestServer.newStore();
    vertx = Vertx.vertx();
    mongo = Store.client(vertx, TestServer.config(store.connectionString()));
  }

  @AfterEach
  void close() {
    Await.result(vertx.close());
    store.close();
  }

  @Test
  @DisplayName("A node started on an empty store records this Palaver's schema version")
  void freshStoreIsVersioned() {
    try (TestServer server = TestServer.on(store, new JsonObject())) {
      assertEquals(Schema.current(Schema.MIGRATIONS), Await.result(Schema.stored(mongo)));
    }
  }

  @Test
  @DisplayName("Migrations above the stored version run once each, in order, and the version follows them")
  void migrationsRunInOrder() {
    Await.result(mongo.insert(Schema.COLLECTION, new JsonObject().put("_id", "palaver").put("version", 1)));
    List<Integer> ran = new ArrayList<>();
    List<Schema.Migration> migrations = List.of(
        step(1, ran), step(2, ran), step(3, ran));
    assertEquals(3, Await.result(Schema.migrate(mongo, migrations)));
    assertEquals(List.of(2, 3), ran);
    assertEquals(3, Await.result(Schema.stored(mongo)));
    Await.result(Schema.migrate(mongo, migrations));
    assertEquals(List.of(2, 3), ran, "nothing runs again");
  }

  @Test
  @DisplayName("A node refuses to start on a store whose schema is newer than it knows, saying so")
  void newerSchemaRefused() {
    Await.result(mongo.insert(Schema.COLLECTION, new JsonObject().put("_id", "palaver").put("version", 999)));
    Throwable t = assertThrows(Throwable.class, () -> TestServer.on(store, new JsonObject()).close());
    String message = String.valueOf(t.getMessage()) + (t.getCause() == null ? "" : t.getCause().getMessage());
    assertTrue(message.contains("schema is version 999, newer than this Palaver's"), message);
  }

  private static Schema.Migration step(int version, List<Integer> ran) {
    return new Schema.Migration(version, "step " + version, m -> {
      ran.add(version);
      return Future.succeededFuture();
    });
  }
}
