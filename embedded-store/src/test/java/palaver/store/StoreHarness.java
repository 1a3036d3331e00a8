package palaver.store;

import static palaver.store.StoreUnderTest.await;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A small before/after harness, skipped unless asked for:
 * {@code mvn -o -q -pl embedded-store -am verify -Dtest=StoreHarness -Dsurefire.failIfNoSpecifiedTests=false -Dharness.sends=5000}: mongo-java-server's plain H2 backend against Palaver's, both behind
 * {@link CommittingBackend}, over the wire. Per send: insert a message, then
 * move its session's head, as the message service does.
 */
@EnabledIfSystemProperty(named = "harness.sends", matches = "\\d+")
class StoreHarness {
  @Test
  @DisplayName("Prints sends, grouped commits and query costs of the plain and Palaver backends")
  void measure() throws Exception {
    int sends = Integer.parseInt(System.getProperty("harness.sends"));
    Vertx vertx = Vertx.vertx();
    for (String backend : List.of("plain", "palaver", "plain", "palaver")) {
      run(vertx, backend, sends);
    }
    await(vertx.close());
  }

  private static void run(Vertx vertx, String kind, int sends) throws Exception {
    Path dir = Files.createTempDirectory("palaver-harness-");
    MVStore mv = new MVStore.Builder().fileName(dir.resolve(EmbeddedStore.FILE).toString()).open();
    H2Backend h2 = kind.equals("plain") ? new H2Backend(mv) : new IdLookupBackend(mv);
    CommittingBackend committing = new CommittingBackend(h2);
    MongoServer server = new MongoServer((MongoBackend) committing);
    server.bind("127.0.0.1", 0);
    MongoClient mongo = StoreUnderTest.client(vertx, "mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
    await(mongo.createIndexWithOptions("messages", new JsonObject().put("sid", 1).put("seq", 1),
        new IndexOptions().unique(true)));
    await(mongo.createIndexWithOptions("members", new JsonObject().put("uid", 1), new IndexOptions()));
    for (int i = 0; i < 2_000; i++) {
      await(mongo.insert("members", new JsonObject().put("sid", "s" + (i % 50)).put("uid", "u" + i)));
    }
    long start = System.nanoTime();
    for (int i = 0; i < sends; i++) {
      String sid = "s" + (i % 50);
      int seq = i / 50 + 1;
      await(mongo.insert("messages", new JsonObject().put("sid", sid).put("seq", seq).put("uid", "u" + (i % 2_000))
          .put("body", "a chat message of ordinary length, number " + i).put("at", System.currentTimeMillis())));
      await(mongo.updateCollectionWithOptions("heads", new JsonObject().put("_id", sid),
          new JsonObject().put("$set", new JsonObject().put("lastSeq", seq)), new UpdateOptions().setUpsert(true)));
    }
    double sendMicros = (System.nanoTime() - start) / 1_000.0 / sends;
    long commitsBefore = committing.commits();
    List<Future<?>> together = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      together.add(mongo.insert("burst", new JsonObject().put("n", i)));
    }
    await(Future.all(together));
    long burstCommits = committing.commits() - commitsBefore;
    int queries = 500;
    long readsBefore = h2 instanceof IdLookupBackend p ? p.documentsRead() : 0;
    start = System.nanoTime();
    for (int i = 0; i < queries; i++) {
      await(mongo.findWithOptions("messages", new JsonObject().put("sid", "s" + (i % 50))
          .put("seq", new JsonObject().put("$lt", sends / 50 - 10)),
          new FindOptions().setSort(new JsonObject().put("seq", -1)).setLimit(20)));
    }
    double historyMicros = (System.nanoTime() - start) / 1_000.0 / queries;
    start = System.nanoTime();
    for (int i = 0; i < queries; i++) {
      await(mongo.find("members", new JsonObject().put("uid", "u" + i)));
    }
    double memberMicros = (System.nanoTime() - start) / 1_000.0 / queries;
    String reads = h2 instanceof IdLookupBackend p
        ? String.format("%.1f", (p.documentsRead() - readsBefore) / (2.0 * queries)) : "n/a (scan: all)";
    await(mongo.close());
    server.shutdown();
    System.out.printf("%-8s sends=%d  send (insert+head) %.0f µs  64 concurrent inserts: %d commits  "
        + "history page %.0f µs  member by uid %.0f µs  docs read/query %s  file %d KiB%n", kind, sends, sendMicros,
        burstCommits, historyMicros, memberMicros, reads, Files.size(dir.resolve(EmbeddedStore.FILE)) / 1024);
  }
}
