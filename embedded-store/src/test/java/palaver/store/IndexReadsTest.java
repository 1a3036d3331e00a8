package palaver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static palaver.store.StoreUnderTest.await;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * On a 100,000-document collection, a query through an index reads about as
 * many documents as it returns (counted by the backend as documents fetched
 * from its data map), where a scan reads them all.
 */
@DisplayName("Index walks on a large collection")
class IndexReadsTest {
  private static final int DOCUMENTS = 100_000;
  private static final int SESSIONS = 100;
  private static final int USERS = 1_000;
  private static Vertx vertx;
  private static StoreUnderTest store;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    store = new StoreUnderTest(vertx, Files.createTempDirectory("palaver-store-reads-"));
    await(store.mongo.createIndexWithOptions("messages", new JsonObject().put("sid", 1).put("seq", 1),
        new IndexOptions().unique(true)));
    await(store.mongo.createIndexWithOptions("messages", new JsonObject().put("uid", 1), new IndexOptions()));
    await(store.mongo.createIndexWithOptions("messages", new JsonObject().put("shown", 1), new IndexOptions()));
    List<BulkOperation> batch = new ArrayList<>();
    for (int i = 0; i < DOCUMENTS; i++) {
      batch.add(BulkOperation.createInsert(new JsonObject().put("sid", "s" + (i % SESSIONS)).put("seq", i / SESSIONS)
          .put("uid", "u" + (i % USERS)).put("text", "message " + i)
          .put("shown", i % 100 == 0 ? "online" : "offline")));
      if (batch.size() == 2_000) {
        await(store.mongo.bulkWrite("messages", batch));
        batch = new ArrayList<>();
      }
    }
  }

  @AfterAll
  static void stop() {
    store.close();
    await(vertx.close());
  }

  /** What the query returned, and how many documents the backend read for it. */
  private static long[] readsFor(Supplier<List<JsonObject>> query) {
    long before = store.backend.documentsRead();
    int returned = query.get().size();
    return new long[] {returned, store.backend.documentsRead() - before};
  }

  private static List<JsonObject> find(JsonObject query, FindOptions options) {
    return await(store.mongo.findWithOptions("messages", query, options));
  }

  @Test
  @DisplayName("The newest page of a session's history reads the page, not the collection")
  void historyPage() {
    long[] counts = readsFor(() -> find(new JsonObject().put("sid", "s42")
            .put("seq", new JsonObject().put("$lt", 900)),
        new FindOptions().setSort(new JsonObject().put("seq", -1)).setLimit(50)));
    assertEquals(50, counts[0]);
    assertEquals(50, counts[1]);
  }

  @Test
  @DisplayName("A seq range of a session's history reads the range")
  void historyRange() {
    long[] counts = readsFor(() -> find(new JsonObject().put("sid", "s7")
            .put("seq", new JsonObject().put("$gt", 100).put("$lte", 300)),
        new FindOptions().setSort(new JsonObject().put("seq", 1))));
    assertEquals(200, counts[0]);
    assertEquals(200, counts[1]);
  }

  @Test
  @DisplayName("Equality on a non-unique index reads the matches")
  void byUser() {
    long[] counts = readsFor(() -> find(new JsonObject().put("uid", "u123"), new FindOptions()));
    assertEquals(DOCUMENTS / USERS, counts[0]);
    assertEquals(DOCUMENTS / USERS, counts[1]);
  }

  @Test
  @DisplayName("A $in over sessions with a seq range reads one range per session")
  void sessionsByIn() {
    long[] counts = readsFor(() -> find(new JsonObject().put("sid", new JsonObject().put("$in",
            new io.vertx.core.json.JsonArray().add("s1").add("s2").add("s3")))
            .put("seq", new JsonObject().put("$gte", 990)), new FindOptions()));
    assertEquals(30, counts[0]);
    assertEquals(30, counts[1]);
  }

  @Test
  @DisplayName("The presence sweep's shape ($nin offline and null, limited) reads its limit")
  void anyoneNotOffline() {
    long[] counts = readsFor(() -> find(new JsonObject().put("shown", new JsonObject().put("$nin",
            new io.vertx.core.json.JsonArray().add("offline").addNull())), new FindOptions().setLimit(100)));
    assertEquals(100, counts[0]);
    assertEquals(100, counts[1]);
  }

  @Test
  @DisplayName("A query no index serves still scans, which is what the counter would show for the others")
  void scanForContrast() {
    long[] counts = readsFor(() -> find(new JsonObject().put("text", "message 5"), new FindOptions()));
    assertEquals(1, counts[0]);
    assertTrue(counts[1] >= DOCUMENTS, "read " + counts[1]);
  }
}
