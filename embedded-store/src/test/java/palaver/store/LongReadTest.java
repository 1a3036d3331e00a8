package palaver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static palaver.store.StoreUnderTest.await;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A read that walks a whole collection while writes rewrite it and commit,
 * on a file-backed store: the read sees the store as it was when it began,
 * to the end, even though every page it walks is replaced (and the chunks
 * holding them become garbage) before it gets there.
 *
 * <p>H2 frees a dead chunk once its {@code retentionTime} (45 s) has passed
 * since the chunk was <em>written</em>, and once no registered reader uses a
 * version that still needs it. On a store older than 45 s that is at once;
 * the test sets the retention to 0 to be that store without waiting 45 s.
 */
@DisplayName("Long reads during writes")
class LongReadTest {
  private static final int DOCUMENTS = Integer.getInteger("longread.documents", 100_000);
  private static final long READ_FOR_MS = Long.getLong("longread.ms", 15_000);
  private static final int PER_UPDATE = 1;
  /** How many of the last documents the writes rewrite. */
  private static final int HOT = 30;
  private static final String PAD = "x".repeat(100);

  private Vertx vertx;
  private MVStore mv;
  private StoreUnderTest store;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("palaver-store-longread-");
    // A page cache far smaller than the collection, as a large store has (pages a read finds in the
    // cache are read even after their chunk is freed; from the file they are not).
    mv = new MVStore.Builder().fileName(dir.resolve(EmbeddedStore.FILE).toString()).cacheSize(1).open();
    mv.setRetentionTime(0); // a store whose chunks were written more than 45 s ago
    store = new StoreUnderTest(vertx, mv);
    long started = System.nanoTime();
    List<BulkOperation> batch = new ArrayList<>();
    for (int i = 0; i < DOCUMENTS; i++) {
      batch.add(BulkOperation.createInsert(new JsonObject().put("_id", i).put("v", 0).put("pad", PAD)));
      if (batch.size() == 1_000) {
        await(store.mongo.bulkWrite("docs", batch)); // one commit, one chunk, per thousand
        batch = new ArrayList<>();
      }
    }
    System.out.printf("long reads: %d documents written in %d ms%n", DOCUMENTS, (System.nanoTime() - started) / 1_000_000);
  }

  @AfterEach
  void stop() {
    store.close();
    await(vertx.close());
  }

  /** Sets {@code v} of the documents from {@code from} on, one update by _id each. */
  private static List<BulkOperation> rewrite(int from, int round) {
    List<BulkOperation> updates = new ArrayList<>();
    for (int id = from; id < from + PER_UPDATE; id++) {
      updates.add(BulkOperation.createUpdate(new JsonObject().put("_id", id),
          new JsonObject().put("$set", new JsonObject().put("v", round))));
    }
    return updates;
  }

  @Test
  @DisplayName("A count over every document, while updates rewrite them all and commit, counts them all")
  void countDuringRewrites() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicLong updates = new AtomicLong();
    // Rewrites the last documents, those a count reaches last, over and over: each pass replaces the pages
    // the last pass wrote, so the chunks a count's view of them is in die a pass after it began.
    Thread writer = new Thread(() -> {
      try {
        for (int round = 1; !done.get(); round++) {
          for (int from = DOCUMENTS - HOT; from < DOCUMENTS && !done.get(); from += PER_UPDATE) {
            await(store.mongo.bulkWrite("docs", rewrite(from, round))); // one command, one commit
            updates.incrementAndGet();
          }
        }
      } catch (Throwable e) {
        failures.add(e);
      }
    }, "rewriter");
    writer.start();
    int counts = 0;
    long end = System.currentTimeMillis() + READ_FOR_MS;
    try {
      while (System.currentTimeMillis() < end && failures.isEmpty()) {
        long counted = await(store.mongo.count("docs", new JsonObject().put("v", new JsonObject().put("$gte", 0))));
        assertEquals(DOCUMENTS, counted);
        counts++;
      }
    } finally {
      done.set(true);
      writer.join();
    }
    System.out.printf("long reads: %d counts of %d documents, %d updates of %d, store version %d%n", counts,
        DOCUMENTS, updates.get(), PER_UPDATE, mv.getCurrentVersion());
    mv.getFileStore().populateInfo((k, v) -> System.out.println("DBG " + k + "=" + v));
    assertTrue(failures.isEmpty(), () -> "writes failed: " + failures);
    assertTrue(counts > 1 && updates.get() > 10 * HOT / PER_UPDATE, "reads and writes overlapped");
  }
}
