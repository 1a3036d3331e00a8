package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import palaver.api.Field;
import palaver.runtime.PalaverConfig;
import palaver.runtime.Setting;
import palaver.runtime.Store;
import palaver.store.EmbeddedStore;
import palaver.testing.Await;
import palaver.testing.TestStore;

/**
 * A measurement, not part of the normal build: fills a fresh embedded store with
 * {@code -Dpalaver.searchScale=N} messages (200 per session, one session after another, five words each from
 * a Zipf-distributed vocabulary, plus "hello" in one message in ten and "needle"
 * in one in ten thousand), written through {@link SearchIndex} as the send path
 * writes them, then times {@link MessageSearch} for a user in 20 of the sessions.
 * How to run it and the numbers: docs/performance.md "Search".
 */
@EnabledIfSystemProperty(named = "palaver.searchScale", matches = "\\d+")
@DisplayName("Search latency on a large embedded store (a measurement, run by hand)")
class SearchScaleTest {
  private static final int PER_SESSION = 200;
  private static final int USER_SESSIONS = 20;
  private static final int VOCABULARY = 5_000;
  private static final int BATCH = 1_000;
  private static final int RUNS = 200;
  private static final Set<Integer> CHECKPOINTS = Set.of(100_000, 300_000, 600_000, 800_000);

  @Test
  @DisplayName("Search answers in milliseconds for common, rare and combined words, and finds exactly the user's hits")
  void measure() {
    int total = Integer.getInteger("palaver.searchScale");
    int sessions = Math.max(USER_SESSIONS, total / PER_SESSION);
    EmbeddedStore embedded = TestStore.fresh(Integer.getInteger("palaver.searchCacheMb", 256));
    Vertx vertx = Vertx.vertx();
    try {
      MongoClient mongo = Store.client(vertx,
          PalaverConfig.defaults().put(Setting.MONGO_URI.key(), embedded.connectionString()));
      MessageStore store = new MessageStore(mongo);
      SearchIndex index = new SearchIndex(mongo);
      // The indexes search reads: messages by (sid, seq), postings by (term, sid, at, seq). The send
      // path's others (uid_cid, sid_at, at, file_id, expires_at; postings' sid_seq) only slow the fill
      // here, so they are left out unless -Dpalaver.searchAllIndexes=true.
      if (Boolean.getBoolean("palaver.searchAllIndexes")) {
        Await.result(store.createIndexes().compose(v -> index.createIndexes()));
      } else {
        Await.result(mongo.createIndexWithOptions(MessageStore.MESSAGES, new JsonObject().put(Field.SID, 1)
            .put(Field.SEQ, 1), new IndexOptions().unique(true).name("sid_seq")));
        Await.result(mongo.createIndexWithOptions(SearchIndex.POSTINGS, new JsonObject().put(SearchIndex.TERM, 1)
            .put(Field.SID, 1).put(Field.AT, 1).put(Field.SEQ, 1), new IndexOptions().unique(true).name("term_sid_at_seq")));
      }
      // Sessions are filled one after another (200 messages each); the user's 20 are among the first
      // 500, so from the first checkpoint on their messages stay the same while the store grows around them.
      List<String> mine = new ArrayList<>();
      for (int k = 0; k < USER_SESSIONS; k++) {
        mine.add(sid(k * 25));
      }
      MessageSearch search = new MessageSearch(index, store);
      // Measured at each checkpoint on the way, so a fill cut short still reports its largest size.
      fill(mongo, index, total, sessions, new HashSet<>(mine), userHits -> {
        System.out.printf(Locale.ROOT, "%n%-40s %7s %8s %8s %8s%n", "query (user in 20 sessions)", "hits", "p50 ms",
            "p99 ms", "max ms");
        report(search, mine, "hello", "common word (10%)", userHits[0]);
        report(search, mine, "w0", "most common word (~55%)", -1);
        report(search, mine, "w3000", "rare Zipf word", -1);
        report(search, mine, "needle", "rare word (0.01%)", userHits[1]);
        report(search, mine, "hello needle", "common + rare (rare walked)", -1);
        report(search, mine, "hello w0", "two common words", -1);
        report(search, mine, "hello w1x", "common walked, other absent", 0);
        System.out.println();
      });
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
      embedded.close();
    }
  }

  private static String sid(int n) {
    return "s" + n;
  }

  /** Writes the messages and their postings, a batch at a time; answers the user's hello and needle counts. */
  private static void fill(MongoClient mongo, SearchIndex index, int total, int sessions, Set<String> mine,
      java.util.function.Consumer<long[]> checkpoint) {
    double[] cdf = zipf(VOCABULARY);
    Random random = new Random(17);
    long base = System.currentTimeMillis() - total;
    long[] userHits = new long[2];
    long started = System.nanoTime();
    long postings = 0;
    for (int from = 0; from < total; from += BATCH) {
      List<JsonObject> batch = new ArrayList<>(BATCH);
      for (int i = from; i < Math.min(total, from + BATCH); i++) {
        StringBuilder text = new StringBuilder();
        for (int w = 0; w < 5; w++) {
          int rank = Arrays.binarySearch(cdf, random.nextDouble());
          text.append('w').append(rank < 0 ? -rank - 1 : rank).append(' ');
        }
        String sid = sid(i / PER_SESSION);
        boolean hello = random.nextInt(10) == 0;
        boolean needle = random.nextInt(10_000) == 0;
        if (hello) {
          text.append("Hello ");
        }
        if (needle) {
          text.append("needle");
        }
        if (mine.contains(sid)) {
          userHits[0] += hello ? 1 : 0;
          userHits[1] += needle ? 1 : 0;
        }
        batch.add(new JsonObject().put("_id", "m" + i).put(Field.SID, sid).put(Field.SEQ, (long) (i % PER_SESSION + 1))
            .put(Field.UID, "u" + (i % 1000)).put(Field.CID, "c" + i).put(Field.MSG_TYPE, "text")
            .put(Field.CONTENT, text.toString().trim()).put(Field.NICKNAME, "user " + (i % 1000))
            .put(Field.AT, base + i));
      }
      List<BulkOperation> ops = batch.stream().map(BulkOperation::createInsert).toList();
      long t0 = System.nanoTime();
      await(mongo.bulkWriteWithOptions(MessageStore.MESSAGES, ops, new BulkWriteOptions().setOrdered(false)));
      long t1 = System.nanoTime();
      await(index.add(batch));
      postings += batch.stream().mapToLong(m -> SearchTerms.ofMessage(m).size()).sum();
      long t2 = System.nanoTime();
      if (from < 5 * BATCH) {
        System.out.printf(Locale.ROOT, "batch: messages %.0f ms, postings %.0f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
      }
      int filled = Math.min(total, from + BATCH);
      if (filled % 50_000 == 0) {
        double s = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "filled %,d messages in %.0f s (%.0f/s)%n", filled, s, filled / s);
      }
      if (filled == total || CHECKPOINTS.contains(filled)) {
        // Counted here, not by a count over the collection: on the embedded store a read that long
        // (millions of entries) failed with MVStore's "Chunk ... not found" (see docs/performance.md).
        System.out.printf(Locale.ROOT, "%n== %,d messages in %,d sessions, %,d postings (filled in %.0f s)%n", filled,
            (filled + PER_SESSION - 1) / PER_SESSION, postings, (System.nanoTime() - started) / 1e9);
        checkpoint.accept(userHits);
      }
    }
  }

  /** A fill step may take longer than a test's usual wait. */
  private static <T> T await(io.vertx.core.Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().orTimeout(10, java.util.concurrent.TimeUnit.MINUTES).join();
  }

  /** P(rank <= k) for a Zipf(1) vocabulary of n words. */
  private static double[] zipf(int n) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / (k + 1);
      cdf[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cdf[k] /= sum;
    }
    return cdf;
  }

  /** Times the first page of {@code q} (limit 20) {@value #RUNS} times after a warm-up; checks its hits. */
  private static void report(MessageSearch search, List<String> mine, String q, String label, long expected) {
    MessageSearch.Query query = MessageSearch.valid(new JsonObject().put(Field.UID, "u").put(Field.QUERY, q));
    for (int i = 0; i < 20; i++) {
      Await.result(search.search(query, mine));
    }
    long[] ms = new long[RUNS];
    JsonObject last = null;
    for (int i = 0; i < RUNS; i++) {
      long t = System.nanoTime();
      last = Await.result(search.search(query, mine));
      ms[i] = System.nanoTime() - t;
    }
    Arrays.sort(ms);
    JsonArray hits = last.getJsonArray(Field.HITS);
    for (Object h : hits) {
      JsonObject hit = (JsonObject) h;
      assertTrue(mine.contains(hit.getString(Field.SID)), "a hit outside the user's sessions");
      assertTrue(SearchTerms.ofMessage(hit).containsAll(query.terms()), "a hit without the words");
    }
    if (expected >= 0) {
      assertEquals(Math.min(expected, MessageSearch.LIMIT_DEFAULT), hits.size(), q);
    }
    String shown = hits.size() + (last.getBoolean(Field.MORE) ? "+" : "");
    System.out.printf(Locale.ROOT, "%-40s %7s %8.1f %8.1f %8.1f%n", label + " \"" + q + "\"", shown,
        ms[RUNS / 2] / 1e6, ms[RUNS * 99 / 100] / 1e6, ms[RUNS - 1] / 1e6);
  }
}
