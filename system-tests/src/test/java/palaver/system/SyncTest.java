package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.Store;
import palaver.store.EmbeddedStore;
import palaver.system.Http.User;
import palaver.testing.Await;

@DisplayName("Resuming with sync: exactly the missed messages, in order, capped per session")
class SyncTest {
  private static EmbeddedStore store;
  private static TestServer server;
  private static Http http;
  private static User alice;
  private static User bob;

  @BeforeAll
  static void start() {
    store = TestServer.newStore();
    server = node();
    http = server.http();
    server.users("Alice", "Bob");
    alice = server.user("Alice");
    bob = server.user("Bob");
  }

  @AfterAll
  static void stop() {
    server.close();
    store.close();
  }

  /** A node on the class's store, which outlives it (the restart tests replace the node). */
  private static TestServer node() {
    return TestServer.on(store, new JsonObject());
  }

  @Test
  @DisplayName("After a disconnect, sync returns exactly the messages sent meanwhile, in seq order, then synced")
  void syncAfterDisconnect() {
    String sid = server.group("resume", alice, bob);
    long seen;
    try (WsClient b = server.ws(bob); WsClient a = server.ws(alice)) {
      a.send(sid, "before-1", "seen live");
      seen = b.next(WsClient.textIn(sid)).getLong("seq");
    }
    try (WsClient a = server.ws(alice)) {
      for (int i = 0; i < 5; i++) {
        a.send(sid, "missed-" + i, "missed " + i);
      }
    }
    try (WsClient b = server.ws(bob)) {
      JsonObject synced = b.sync(sid, seen);
      assertEquals("synced", synced.getString("type"));
      assertEquals(new JsonArray(), synced.getJsonArray("more"));
      List<JsonObject> got = b.received(WsClient.textIn(sid));
      assertEquals(LongStream.rangeClosed(seen + 1, seen + 5).boxed().toList(), seqs(got));
      assertEquals("missed 0", got.get(0).getString("content"));
      assertEquals("missed 4", got.get(4).getString("content"));
    }
  }

  @Test
  @DisplayName("Sync of several sessions at once; a position at the head returns nothing")
  void syncSeveralSessions() {
    String busy = server.group("busy", alice, bob);
    String quiet = server.group("quiet", alice, bob);
    server.bus().sendMany(alice, busy, "several-", 3);
    try (WsClient b = server.ws(bob)) {
      JsonObject synced = b.sync(new JsonObject().put(busy, 2).put(quiet, 2));
      assertEquals(new JsonArray(), synced.getJsonArray("more"));
      assertEquals(List.of(3L, 4L, 5L), seqs(b.received(WsClient.textIn(busy))));
      assertTrue(b.received(f -> "message".equals(f.getString("type")) && quiet.equals(f.getString("sid"))).isEmpty());
    }
  }

  @Test
  @DisplayName("More than 200 missed: the first 200 come, the sid is listed in more, history brings the rest")
  void syncIsCappedPerSession() {
    String sid = server.group("flooded", alice, bob);
    server.bus().sendMany(alice, sid, "cap-", 300);
    try (WsClient b = server.ws(bob)) {
      JsonObject synced = b.sync(sid, 2);
      assertEquals(new JsonArray().add(sid), synced.getJsonArray("more"));
      List<JsonObject> got = b.received(WsClient.textIn(sid));
      assertEquals(LongStream.rangeClosed(3, 202).boxed().toList(), seqs(got));
      JsonObject rest = b.history(sid, new JsonObject().put("after", 202).put("limit", 200));
      assertEquals(100, rest.getJsonArray("messages").size());
      assertEquals(203L, rest.getJsonArray("messages").getJsonObject(0).getLong("seq"));
      assertEquals(false, rest.getBoolean("more"));
    }
  }

  @Test
  @DisplayName("A sid the user is not a member of is listed in forbidden and nothing of it is sent")
  void syncOfForeignSession() {
    String foreign = server.group("foreign", alice);
    server.bus().send(alice, foreign, "secret-1", "secret");
    try (WsClient b = server.ws(bob)) {
      JsonObject synced = b.sync(foreign, 0);
      assertEquals(new JsonArray().add(foreign), synced.getJsonArray("forbidden"));
      assertTrue(b.received(f -> "message".equals(f.getString("type")) && foreign.equals(f.getString("sid"))).isEmpty());
    }
  }

  @Test
  @DisplayName("After message-service restarts (nothing in memory), sync brings the missed messages from the store")
  void syncAfterRestart() {
    String sid = server.group("restart", alice, bob);
    List<JsonObject> acks = server.bus().sendMany(alice, sid, "restart-", 20);
    server.close();
    server = node();
    http = server.http();
    try (WsClient b = server.ws(bob)) {
      b.sync(sid, 2);
      List<JsonObject> got = b.received(WsClient.textIn(sid));
      assertEquals(LongStream.rangeClosed(3, 22).boxed().toList(), seqs(got));
      assertEquals(acks.stream().map(a -> a.getString("id")).sorted().toList(),
          got.stream().map(m -> m.getString("id")).sorted().toList());
    }
    try (WsClient a = server.ws(alice)) {
      assertEquals(23L, a.send(sid, "after-restart", "continues").getLong("seq"),
          "the sequence continues without a gap after a restart");
    }
  }

  @Test
  @DisplayName("A message stored just before a crash, its session head not yet written, is followed without a gap or a second use of its seq")
  void headBehindStoredMessage() {
    String sid = server.group("crashed-head", alice, bob);
    // The session's last seq: two concurrent sends may be numbered in either order.
    long last = server.bus().sendMany(alice, sid, "before-crash-", 2).stream()
        .mapToLong(ack -> ack.getLong("seq")).max().orElseThrow();
    server.close();
    // What a crash between the bulk insert and the head write leaves behind.
    Vertx vertx = Vertx.vertx();
    MongoClient mongo = Store.client(vertx, TestServer.config(store.connectionString()));
    try {
      Await.result(mongo.insert("messages", new JsonObject().put("_id", "orphan-" + sid).put("sid", sid)
          .put("uid", alice.uid()).put("cid", "orphan-cid").put("msgType", "text").put("content", "stored, head not written")
          .put("at", System.currentTimeMillis()).put("seq", last + 1)));
    } finally {
      Await.result(mongo.close());
      Await.result(vertx.close());
    }
    server = node();
    http = server.http();
    try (WsClient a = server.ws(alice)) {
      assertEquals(last + 2, a.send(sid, "after-crash", "next").getLong("seq"));
      assertEquals(last + 1, a.send(sid, "orphan-cid", "a retry of the orphan").getLong("seq"),
          "the orphan's own retry is answered with it");
    }
    try (WsClient b = server.ws(bob)) {
      b.sync(sid, last);
      assertEquals(List.of(last + 1, last + 2), seqs(b.received(WsClient.textIn(sid))));
    }
  }

  @Test
  @DisplayName("Repeated syncs from the same position return the same messages (from memory or store alike)")
  void syncIsRepeatable() {
    String sid = server.group("repeat", alice, bob);
    server.bus().sendMany(alice, sid, "rep-", 10);
    try (WsClient b = server.ws(bob)) {
      for (long from : List.of(0L, 5L, 0L, 12L, 11L)) {
        b.sync(sid, from);
        List<JsonObject> got = b.received(WsClient.textIn(sid));
        List<Long> expected = LongStream.rangeClosed(Math.max(3, from + 1), 12).boxed().toList();
        assertEquals(expected, seqs(got), "from " + from);
        got.forEach(m -> b.next(f -> f == m));
      }
    }
  }

  private static List<Long> seqs(List<JsonObject> messages) {
    return messages.stream().map(m -> m.getLong("seq")).toList();
  }
}
