package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.Setting;
import palaver.runtime.Store;
import palaver.store.EmbeddedStore;
import palaver.system.Http.User;
import palaver.testing.Await;

@DisplayName("Retention over real sockets: old messages go, history and sync say where what remains starts")
class RetentionTest {
  private static final int DAYS = 30;
  private static final long DAY_MS = 24L * 3600 * 1000;
  private static EmbeddedStore store;
  private static TestServer server;
  private static Vertx vertx;
  private static MongoClient mongo;
  private static User alice;
  private static User bob;

  @BeforeAll
  static void start() {
    store = TestServer.newStore();
    server = TestServer.on(store, new JsonObject().put(Setting.RETENTION_DAYS.key(), DAYS)
        .put(Setting.RETENTION_SWEEP_SECONDS.key(), 1));
    server.users("Alice", "Bob");
    alice = server.user("Alice");
    bob = server.user("Bob");
    vertx = Vertx.vertx();
    mongo = Store.client(vertx, TestServer.config(store.connectionString()));
  }

  @AfterAll
  static void stop() {
    server.close();
    Await.result(vertx.close());
    store.close();
  }

  /** A group of Alice and Bob with ten texts, all of them but the last four made {@code DAYS + 1} days old. */
  private static String groupWithOldMessages() {
    String sid = server.group("kept a while", alice, bob);
    for (int i = 0; i < 10; i++) {
      assertEquals(200, server.http().send(alice, sid, sid + "-c" + i, "text " + i).status());
    }
    long last = server.http().history(alice, sid).stream().mapToLong(m -> m.getLong("seq")).max().orElseThrow();
    long old = System.currentTimeMillis() - (DAYS + 1) * DAY_MS;
    Await.result(mongo.updateCollectionWithOptions("messages",
        new JsonObject().put("sid", sid).put("seq", new JsonObject().put("$lte", last - 4)),
        new JsonObject().put("$set", new JsonObject().put("at", old)), new UpdateOptions().setMulti(true)));
    Await.until("retention removed the old messages", 15_000,
        () -> firstSeq(sid) == last - 3);
    return sid;
  }

  private static long firstSeq(String sid) {
    return server.http().get("/sessions/" + sid + "/messages", alice.token()).json().getLong("firstSeq");
  }

  @Test
  @DisplayName("REST history keeps the newest messages, gap-free from firstSeq, with no more to page")
  void historyFromFirstSeq() {
    String sid = groupWithOldMessages();
    JsonObject page = server.http().get("/sessions/" + sid + "/messages?limit=50", alice.token()).json();
    long first = page.getLong("firstSeq");
    List<Long> seqs = page.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("seq")).toList();
    assertEquals(List.of(first, first + 1, first + 2, first + 3), seqs);
    assertEquals(false, page.getBoolean("more"));
  }

  @Test
  @DisplayName("A WebSocket sync from before firstSeq gets what remains in order and synced.firstSeqs")
  void syncFromBeforeFirstSeq() {
    String sid = groupWithOldMessages();
    long first = firstSeq(sid);
    try (WsClient b = server.ws(bob)) {
      JsonObject synced = b.sync(sid, 0);
      assertEquals(first, synced.getJsonObject("firstSeqs").getLong(sid));
      List<Long> got = b.received(WsClient.textIn(sid)).stream().map(m -> m.getLong("seq")).toList();
      assertEquals(List.of(first, first + 1, first + 2, first + 3), got);
    }
  }

  @Test
  @DisplayName("The owner sets a shorter group retention over REST; a longer one than the deployment's is refused with 400")
  void groupRetentionOverRest() {
    String sid = server.group("short memory", alice, bob);
    Http.Response set = server.http().patch("/sessions/" + sid, alice.token(), new JsonObject().put("retentionDays", 7));
    assertEquals(200, set.status());
    assertEquals(7, set.json().getInteger("retentionDays"));
    Http.Response longer = server.http().patch("/sessions/" + sid, alice.token(),
        new JsonObject().put("retentionDays", DAYS + 1));
    assertEquals(400, longer.status());
    assertEquals("invalid", longer.errorCode());
    assertEquals(403, server.http().patch("/sessions/" + sid, bob.token(), new JsonObject().put("retentionDays", 1))
        .status());
    assertTrue(server.http().get("/sessions/" + sid, alice.token()).json().getInteger("retentionDays") == 7);
  }
}
