package palaver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static palaver.store.StoreUnderTest.await;

import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A read that walks a whole collection while writes replace its pages and
 * commit, on a file-backed store: the read sees the store as it was when it
 * began, to the end, though the chunks holding that view are garbage by then.
 *
 * <p>H2 frees a dead chunk (every page in it replaced) once no registered
 * reader uses a version that needs it, at least 5 versions after it died,
 * and once its {@code retentionTime} (45 s) has passed since the chunk was
 * <em>written</em>: on a store running longer than that, within 5 commits.
 * The test sets the retention to 0 to be that store without waiting, gives
 * it a page cache smaller than the collection, as a large store has (a page
 * still in the cache is read even after its chunk is freed), and has the
 * read, after its first document, wait while writes commit 200 times.
 */
@DisplayName("Long reads during writes")
class LongReadTest {
  private static final int DOCUMENTS = 20_000;
  /** How many of the last documents the writes rewrite, and how many per command (one commit each). */
  private static final int HOT = 1_000;
  private static final int PER_UPDATE = 10;
  private static final String PAD = "x".repeat(100);

  private Vertx vertx;
  private MVStore mv;
  private StoreUnderTest store;
  private final EmbeddedChannel writer = new EmbeddedChannel();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("palaver-store-longread-");
    mv = new MVStore.Builder().fileName(dir.resolve(EmbeddedStore.FILE).toString()).cacheSize(1).open();
    mv.setRetentionTime(0);
    store = new StoreUnderTest(vertx, mv);
    List<BulkOperation> batch = new ArrayList<>();
    for (int i = 0; i < DOCUMENTS; i++) {
      batch.add(BulkOperation.createInsert(new JsonObject().put("_id", i).put("v", 0).put("pad", PAD)));
      if (batch.size() == 1_000) {
        await(store.mongo.bulkWrite("docs", batch));
        batch = new ArrayList<>();
      }
    }
    // Once, so the last documents' pages are in chunks the next rewrite leaves wholly dead
    // (the chunks of the inserts above also hold the _id index, which updates never replace).
    rewrite(1);
  }

  @AfterEach
  void stop() {
    store.backend.onDocumentRead(() -> { });
    store.close();
    await(vertx.close());
  }

  /** Sets {@code v} of the last {@link #HOT} documents, {@link #PER_UPDATE} by _id in each update command. */
  private void rewrite(int round) {
    for (int from = DOCUMENTS - HOT; from < DOCUMENTS; from += PER_UPDATE) {
      List<Document> updates = new ArrayList<>();
      for (int id = from; id < from + PER_UPDATE; id++) {
        updates.add(new Document("q", new Document("_id", id))
            .append("u", new Document("$set", new Document("v", round))));
      }
      // Straight to the backend, as a command from another connection: the same commit per command.
      Document reply = store.committing.handleCommand(writer, "palaver", "update",
          new Document("update", "docs").append("updates", updates).append("ordered", true));
      assertEquals(PER_UPDATE, ((Number) reply.get("nModified")).intValue(), reply::toString);
    }
  }

  /**
   * Has the next query, after its first document (its view of the store taken), wait while
   * {@code writes} run on its thread. (On the thread: a query that blocked would hold every
   * connection on its server event loop, the writes' too.)
   */
  private void duringNextRead(Runnable writes) {
    AtomicBoolean first = new AtomicBoolean(true);
    store.backend.onDocumentRead(() -> {
      if (first.getAndSet(false)) {
        writes.run();
      }
    });
  }

  @Test
  @DisplayName("A count over every document, held while updates rewrite the last ones 200 times, counts them all")
  void countDuringRewrites() {
    long before = mv.getCurrentVersion();
    duringNextRead(() -> {
      rewrite(2);
      rewrite(3);
    });
    long counted = await(store.mongo.count("docs", new JsonObject().put("v", new JsonObject().put("$gte", 0))));
    assertEquals(DOCUMENTS, counted);
    assertTrue(mv.getCurrentVersion() - before >= 2 * HOT / PER_UPDATE, "the writes committed while it read");
  }

  private int chunks() {
    int[] count = new int[1];
    mv.getFileStore().populateInfo((key, value) -> {
      if (key.equals("info.CHUNK_COUNT")) {
        count[0] = Integer.parseInt(value);
      }
    });
    return count[0];
  }

  @Test
  @DisplayName("Once the long read has ended, the chunks it kept are freed by the next commits")
  void keptChunksFreedAfterTheRead() {
    int[] keptDuringTheRead = new int[1];
    duringNextRead(() -> {
      rewrite(2);
      rewrite(3);
      keptDuringTheRead[0] = chunks();
    });
    await(store.mongo.count("docs", new JsonObject().put("v", new JsonObject().put("$gte", 0))));
    int keptBefore = chunks();
    rewrite(4);
    assertTrue(keptDuringTheRead[0] >= keptBefore && keptBefore > DOCUMENTS / 1_000 + 2 * HOT / PER_UPDATE,
        "the read kept the chunks of the commits during it: " + keptDuringTheRead[0]);
    assertTrue(chunks() < keptBefore - HOT / PER_UPDATE, "after it, " + chunks() + " of " + keptBefore + " left");
  }
}
