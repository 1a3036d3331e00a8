package palaver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static palaver.store.StoreUnderTest.await;
import static palaver.store.StoreUnderTest.failure;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.Store;

/** Data dirs of the old, Java-serialized format are rewritten on open; newer ones are refused. */
@DisplayName("The store's data format")
class StoreFormatTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static JsonObject message(int i) {
    return new JsonObject().put("_id", "m" + i).put("sid", "s" + (i % 3)).put("seq", i / 3).put("uid", "u" + (i % 4))
        .put("at", new JsonObject().put("$date", Instant.ofEpochMilli(1_700_000_000_000L + i).toString()))
        .put("tags", new JsonArray().add("a").add(i)).put("meta", new JsonObject().put("n", (long) i * 1_000_000_007L));
  }

  /** Writes a data dir as mongo-java-server's plain H2 backend does (what Palaver wrote before). */
  private static void writeOldFormat(Path dir, int count) {
    MongoServer server = new MongoServer(new H2Backend(dir.resolve(EmbeddedStore.FILE).toString()));
    server.bind("127.0.0.1", 0);
    MongoClient mongo = StoreUnderTest.client(vertx, "mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
    try {
      await(mongo.createIndexWithOptions("messages", new JsonObject().put("sid", 1).put("seq", 1),
          new IndexOptions().unique(true)));
      await(mongo.createIndexWithOptions("messages", new JsonObject().put("uid", 1), new IndexOptions()));
      for (int i = 0; i < count; i++) {
        await(mongo.insert("messages", message(i)));
      }
      await(mongo.insert("heads", new JsonObject().put("_id", 7).put("lastSeq", 3)));
    } finally {
      await(mongo.close());
      server.shutdown(); // closes the MVStore, which commits
    }
  }

  @Test
  @DisplayName("A data dir written by the old backend opens with every document, and its indexes work again")
  void migratesOldFormat() throws Exception {
    Path dir = Files.createTempDirectory("palaver-store-old-");
    writeOldFormat(dir, 60);
    try (StoreUnderTest store = new StoreUnderTest(vertx, dir)) {
      List<JsonObject> all = await(store.mongo.findWithOptions("messages", new JsonObject(),
          new FindOptions().setSort(new JsonObject().put("sid", 1).put("seq", 1))));
      assertEquals(60, all.size());
      JsonObject expected = await(store.mongo.findOne("messages", new JsonObject().put("_id", "m5"), null));
      assertEquals(message(5).getJsonObject("meta"), expected.getJsonObject("meta"));
      assertEquals(message(5).getJsonArray("tags"), expected.getJsonArray("tags"));
      List<Integer> page = await(store.mongo.findWithOptions("messages",
          new JsonObject().put("sid", "s1").put("seq", new JsonObject().put("$gte", 5)),
          new FindOptions().setSort(new JsonObject().put("seq", -1)).setLimit(3))).stream()
          .map(d -> d.getInteger("seq")).collect(Collectors.toList());
      assertEquals(List.of(19, 18, 17), page);
      assertEquals(15, await(store.mongo.find("messages", new JsonObject().put("uid", "u2"))).size());
      Throwable duplicate = failure(store.mongo.insert("messages",
          new JsonObject().put("_id", "again").put("sid", "s0").put("seq", 4)));
      assertTrue(Store.isDuplicateKey(duplicate), duplicate.toString());
      assertEquals(3, await(store.mongo.findOne("heads", new JsonObject().put("_id", 7L), null)).getInteger("lastSeq"));
    }
  }

  @Test
  @DisplayName("A migrated data dir keeps new writes across a restart")
  void migratedDirReopens() throws Exception {
    Path dir = Files.createTempDirectory("palaver-store-old-");
    writeOldFormat(dir, 9);
    try (StoreUnderTest store = new StoreUnderTest(vertx, dir)) {
      await(store.mongo.insert("messages", new JsonObject().put("_id", "new").put("sid", "s9").put("seq", 1)));
    }
    try (StoreUnderTest store = new StoreUnderTest(vertx, dir)) {
      List<String> ids = await(store.mongo.find("messages", new JsonObject())).stream()
          .map(d -> d.getString("_id")).sorted().collect(Collectors.toList());
      List<String> expected = IntStream.range(0, 9).mapToObj(i -> "m" + i).collect(Collectors.toList());
      expected.add("new");
      expected.sort(null);
      assertEquals(expected, ids);
      assertEquals(1, await(store.mongo.find("messages", new JsonObject().put("sid", "s9").put("seq", 1))).size());
    }
  }

  @Test
  @DisplayName("A data dir of a newer store format is refused with a message that says what to do")
  void refusesNewerFormat() throws Exception {
    Path dir = Files.createTempDirectory("palaver-store-newer-");
    MVStore newer = MVStore.open(dir.resolve(EmbeddedStore.FILE).toString());
    newer.openMap(StoreFormat.MAP).put(StoreFormat.VERSION, 99);
    newer.close();
    IOException refused = assertThrows(IOException.class, () -> EmbeddedStore.start(dir, null));
    assertTrue(refused.getMessage().contains("format 99"), refused.getMessage());
    assertTrue(refused.getMessage().contains("docs/operations.md"), refused.getMessage());
  }
}
