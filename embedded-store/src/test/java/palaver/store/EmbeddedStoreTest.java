package palaver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.PalaverConfig;
import palaver.runtime.Setting;
import palaver.runtime.Store;

/** The embedded store over the wire, where Palaver relies on its query plans and persistence. */
@DisplayName("The embedded store")
class EmbeddedStoreTest {
  private static Vertx vertx;
  private static Path dir;
  private static EmbeddedStore store;
  private static MongoClient mongo;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    dir = Files.createTempDirectory("palaver-store-test-");
    store = EmbeddedStore.start(dir, null);
    mongo = client(store);
  }

  @AfterAll
  static void stop() {
    await(mongo.close());
    store.close();
    await(vertx.close());
  }

  private static MongoClient client(EmbeddedStore s) {
    return Store.client(vertx, PalaverConfig.defaults().put(Setting.MONGO_URI.key(), s.connectionString()));
  }

  @Test
  @DisplayName("A query by _id with further conditions finds the document exactly when the conditions hold")
  void idWithConditions() {
    await(mongo.insert("heads", new JsonObject().put("_id", "s1").put("lastSeq", 5).put("kind", "group")));
    await(mongo.insert("heads", new JsonObject().put("_id", "s2").put("lastSeq", 9).put("kind", "group")));
    assertEquals("s1", await(mongo.findOne("heads",
        new JsonObject().put("_id", "s1").put("lastSeq", new JsonObject().put("$lt", 6)), null)).getString("_id"));
    assertNull(await(mongo.findOne("heads",
        new JsonObject().put("_id", "s1").put("lastSeq", new JsonObject().put("$lt", 5)), null)));
    assertNull(await(mongo.findOne("heads",
        new JsonObject().put("_id", "nobody").put("lastSeq", new JsonObject().put("$lt", 100)), null)));
    List<JsonObject> projected = await(mongo.findWithOptions("heads",
        new JsonObject().put("_id", "s2").put("kind", "group"), new FindOptions().setFields(new JsonObject().put("lastSeq", 1))));
    assertEquals(List.of(new JsonObject().put("_id", "s2").put("lastSeq", 9)), projected);
  }

  @Test
  @DisplayName("A guarded upsert by _id moves a value forward only and collides when the document is newer")
  void guardedUpsert() {
    JsonObject older = new JsonObject().put("_id", "g1").put("lastSeq", new JsonObject().put("$lt", 3));
    await(mongo.updateCollectionWithOptions("guards", older,
        new JsonObject().put("$set", new JsonObject().put("lastSeq", 3)), new UpdateOptions().setUpsert(true)));
    JsonObject stale = new JsonObject().put("_id", "g1").put("lastSeq", new JsonObject().put("$lt", 2));
    Throwable collision = failure(mongo.updateCollectionWithOptions("guards", stale,
        new JsonObject().put("$set", new JsonObject().put("lastSeq", 2)), new UpdateOptions().setUpsert(true)));
    assertTrue(Store.isDuplicateKey(collision), collision.toString());
    JsonObject newer = new JsonObject().put("_id", "g1").put("lastSeq", new JsonObject().put("$lt", 8));
    assertEquals(1L, await(mongo.updateCollection("guards", newer,
        new JsonObject().put("$set", new JsonObject().put("lastSeq", 8)))).getDocMatched());
    assertEquals(8, await(mongo.findOne("guards", new JsonObject().put("_id", "g1"), null)).getInteger("lastSeq"));
  }

  @Test
  @DisplayName("Numeric ids and queries without _id are answered as before")
  void otherQueries() {
    await(mongo.insert("numbers", new JsonObject().put("_id", 7).put("name", "seven")));
    await(mongo.insert("numbers", new JsonObject().put("_id", 8L).put("name", "eight")));
    assertEquals("seven", await(mongo.findOne("numbers",
        new JsonObject().put("_id", 7L).put("name", "seven"), null)).getString("name"));
    assertEquals(1, await(mongo.find("numbers", new JsonObject().put("name", "eight"))).size());
  }

  @Test
  @DisplayName("Data written before a restart is found after it, by _id with conditions too")
  void survivesRestart() throws Exception {
    Path own = Files.createTempDirectory("palaver-store-restart-");
    EmbeddedStore first = EmbeddedStore.start(own, null);
    MongoClient before = client(first);
    await(before.insert("kept", new JsonObject().put("_id", "k").put("v", 1)));
    await(before.close());
    first.close();
    EmbeddedStore second = EmbeddedStore.start(own, null);
    MongoClient after = client(second);
    try {
      assertEquals(1, await(after.findOne("kept", new JsonObject().put("_id", "k").put("v", 1), null)).getInteger("v"));
    } finally {
      await(after.close());
      second.close();
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure, got success");
  }
}
