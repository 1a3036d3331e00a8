package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.system.Http.User;

@DisplayName("Messaging on one node: sends, acks, fan-out, ordering, dedupe, history and bad input")
class MessagingTest extends OneNodeTest {
  private static User alice;
  private static User bob;
  private static User carol;

  @BeforeAll
  static void start() {
    server.users("Alice", "Bob", "Carol");
    alice = server.user("Alice");
    bob = server.user("Bob");
    carol = server.user("Carol");
  }

  @Test
  @DisplayName("A message reaches every connection of every member, the sending connection and the sender's other tab included")
  void fanoutToEveryConnection() {
    String sid = server.group("everyone", alice, bob);
    try (WsClient sending = server.ws(alice); WsClient otherTab = server.ws(alice);
        WsClient bob1 = server.ws(bob); WsClient bob2 = server.ws(bob)) {
      JsonObject ack = sending.send(sid, "fan-1", "to all tabs");
      assertEquals("ack", ack.getString("type"));
      for (WsClient ws : List.of(sending, otherTab, bob1, bob2)) {
        JsonObject m = ws.next(WsClient.textIn(sid));
        assertEquals(ack.getString("id"), m.getString("id"));
        assertEquals(ack.getLong("seq"), m.getLong("seq"));
        assertEquals("to all tabs", m.getString("content"));
        assertEquals(alice.uid(), m.getString("uid"));
        assertEquals("Alice", m.getString("nickname"));
        assertEquals("text", m.getString("msgType"));
      }
    }
  }

  @Test
  @DisplayName("The ack carries rid, cid, sid, id, seq and the time it was stored")
  void ackFields() {
    String sid = server.group("acks", alice);
    long before = System.currentTimeMillis();
    try (WsClient ws = server.ws(alice)) {
      ws.send(WsClient.text(sid, "ack-1", "hi").put("rid", 42));
      JsonObject ack = ws.next(f -> "ack".equals(f.getString("type")));
      assertEquals(42, ack.getInteger("rid"));
      assertEquals("ack-1", ack.getString("cid"));
      assertEquals(sid, ack.getString("sid"));
      assertNotEquals(null, ack.getString("id"));
      assertEquals(2L, ack.getLong("seq"), "seq 1 is the group's create notice");
      assertTrue(ack.getLong("at") >= before);
    }
  }

  @Test
  @DisplayName("Concurrent senders on several connections get distinct seqs, gap-free, each connection's sends in order")
  void concurrentSendersAreOrderedAndGapFree() throws Exception {
    String sid = server.group("busy", alice, bob, carol);
    int perConnection = 40;
    List<User> senders = List.of(alice, alice, bob, carol);
    List<WsClient> sockets = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(senders.size());
    try (WsClient watcher = server.ws(carol)) {
      List<Future<List<JsonObject>>> acks = new ArrayList<>();
      for (int c = 0; c < senders.size(); c++) {
        WsClient ws = server.ws(senders.get(c).token());
        sockets.add(ws);
        int connection = c;
        acks.add(pool.submit(() -> {
          List<JsonObject> mine = new ArrayList<>();
          for (int i = 0; i < perConnection; i++) {
            mine.add(ws.send(sid, "conc-" + connection + "-" + i, "c" + connection + " #" + i));
          }
          return mine;
        }));
      }
      Set<Long> seqs = new HashSet<>();
      for (Future<List<JsonObject>> f : acks) {
        long previous = 0;
        for (JsonObject ack : f.get()) {
          assertEquals("ack", ack.getString("type"), ack.encode());
          assertTrue(ack.getLong("seq") > previous, "a connection's sends are stored in the order sent");
          previous = ack.getLong("seq");
          assertTrue(seqs.add(ack.getLong("seq")), "seq handed out twice: " + ack.getLong("seq"));
        }
      }
      List<JsonObject> stored = http.history(carol, sid);
      Http.assertGapFree(stored);
      assertEquals(senders.size() * perConnection, stored.stream().filter(m -> "text".equals(m.getString("msgType"))).count());
      for (int i = 0; i < senders.size() * perConnection; i++) {
        watcher.next(WsClient.textIn(sid));
      }
    } finally {
      sockets.forEach(WsClient::close);
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("A retried send (same cid) gets the original ack and stores nothing new")
  void retryIsDeduplicated() {
    String sid = server.group("retries", alice, bob);
    try (WsClient ws = server.ws(alice); WsClient other = server.ws(alice)) {
      JsonObject first = ws.send(sid, "same-cid", "once");
      JsonObject again = ws.send(sid, "same-cid", "once");
      JsonObject elsewhere = other.send(sid, "same-cid", "once");
      for (JsonObject retry : List.of(again, elsewhere)) {
        assertEquals("ack", retry.getString("type"));
        assertEquals(first.getString("id"), retry.getString("id"));
        assertEquals(first.getLong("seq"), retry.getLong("seq"));
        assertEquals(first.getLong("at"), retry.getLong("at"));
      }
      long copies = http.history(bob, sid).stream().filter(m -> "once".equals(m.getString("content"))).count();
      assertEquals(1, copies);
    }
  }

  @Test
  @DisplayName("A send whose caller stops waiting before its batch is written is answered unavailable, unstored; its retry with the same cid is stored once")
  void abandonedSendIsDropped() {
    String sid = server.group("impatient", alice, bob);
    long before = bus.send(alice, sid, "patient", "first").getLong("seq");
    // 1 ms of patience: the batch window alone is 2 ms, so the write would start after the caller gave up.
    Throwable dropped = bus.failure(Address.MESSAGE_SEND, overBus(sid, "impatient-cid", 1));
    assertEquals(503, ((ReplyException) dropped).failureCode(), dropped.getMessage());
    assertTrue(http.history(bob, sid).stream().noneMatch(m -> "impatient-cid".equals(m.getString("cid"))),
        "nothing stored for the dropped send");
    JsonObject retry = bus.request(Address.MESSAGE_SEND, overBus(sid, "impatient-cid", 5_000));
    assertFalse(retry.getBoolean("duplicate", false), "the retry is the first stored copy");
    assertEquals(before + 1, retry.getLong("seq"), "the dropped send took no seq");
    assertTrue(server.management().get("/metrics", null).text().lines()
        .anyMatch(l -> l.startsWith("palaver_message_shed_total") && !l.endsWith(" 0.0")), "the shed count is in /metrics");
  }

  @Test
  @DisplayName("A waitMs that is not an integer from 1 to 60000 is invalid, and nothing is stored")
  void badWaitIsInvalid() {
    String sid = server.group("bad-wait", alice, bob);
    for (Object wait : List.of("soon", 0, -5, 60_001, 2.5, new JsonObject())) {
      Throwable t = bus.failure(Address.MESSAGE_SEND, overBus(sid, "bad-wait", wait));
      assertEquals(400, ((ReplyException) t).failureCode(), "waitMs " + wait);
    }
    assertTrue(http.history(bob, sid).stream().noneMatch(m -> "bad-wait".equals(m.getString("cid"))));
  }

  /** The body of Alice's text through palaver.message.send, announcing how long she waits for the ack. */
  private static JsonObject overBus(String sid, String cid, Object waitMs) {
    return BusClient.text(alice, sid, cid, "text of " + cid).put("waitMs", waitMs);
  }

  @Test
  @DisplayName("The same cid sent on two sockets at the same moment is stored once, both get one ack")
  void simultaneousRetriesAreDeduplicated() throws Exception {
    String sid = server.group("racing retries", alice);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (WsClient a = server.ws(alice); WsClient b = server.ws(alice)) {
      Future<JsonObject> fa = pool.submit(() -> a.send(sid, "race", "raced"));
      Future<JsonObject> fb = pool.submit(() -> b.send(sid, "race", "raced"));
      assertEquals(fa.get().getString("id"), fb.get().getString("id"));
      assertEquals(fa.get().getLong("seq"), fb.get().getLong("seq"));
      List<JsonObject> stored = http.history(alice, sid);
      Http.assertGapFree(stored);
      assertEquals(1, stored.stream().filter(m -> "raced".equals(m.getString("content"))).count());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("A cid reused by one user in another session is refused with conflict there; the first session's retry still gets its ack")
  void cidReusedInAnotherSessionConflicts() {
    String first = server.group("cid here", alice, bob);
    String second = server.group("cid there", alice, bob);
    try (WsClient ws = server.ws(alice)) {
      JsonObject ack = ws.send(first, "reused", "in the first");
      JsonObject refused = ws.send(second, "reused", "in the second");
      assertEquals("error", refused.getString("type"), refused.encode());
      assertEquals("conflict", refused.getString("code"));
      assertTrue(http.history(bob, second).stream().noneMatch(m -> "reused".equals(m.getString("cid"))),
          "nothing stored in the second session");
      assertEquals(ack.getString("id"), ws.send(first, "reused", "in the first").getString("id"));
    }
  }

  @Test
  @DisplayName("The same cid from two different users is two messages (idempotency is per user)")
  void cidIsPerUser() {
    String sid = server.group("two users", alice, bob);
    try (WsClient a = server.ws(alice); WsClient b = server.ws(bob)) {
      JsonObject fromAlice = a.send(sid, "shared", "a");
      JsonObject fromBob = b.send(sid, "shared", "b");
      assertNotEquals(fromAlice.getString("id"), fromBob.getString("id"));
      assertEquals(fromAlice.getLong("seq") + 1, fromBob.getLong("seq"));
    }
  }

  @Test
  @DisplayName("A send to a session the user is not in is forbidden, and nothing is stored or delivered")
  void nonMemberIsForbidden() {
    String sid = server.group("closed", alice);
    try (WsClient intruder = server.ws(bob); WsClient owner = server.ws(alice)) {
      JsonObject error = intruder.send(sid, "sneak", "let me in");
      assertEquals("error", error.getString("type"));
      assertEquals("forbidden", error.getString("code"));
      Http.Response rest = http.send(bob, sid, "sneak-2", "x");
      assertEquals(403, rest.status());
      assertEquals(403, http.get("/sessions/" + sid + "/messages", bob.token()).status());
      JsonObject history = intruder.history(sid, new JsonObject());
      assertEquals("forbidden", history.getString("code"));
      owner.request(new JsonObject().put("type", "ping"));
      assertTrue(owner.received(WsClient.textIn(sid)).isEmpty());
      assertTrue(http.history(alice, sid).stream().noneMatch(m -> "text".equals(m.getString("msgType"))));
    }
  }

  @Test
  @DisplayName("A client can't forge a system message: msgType system is invalid")
  void forgedSystemIsInvalid() {
    String sid = server.group("no forgery", alice);
    try (WsClient ws = server.ws(alice)) {
      JsonObject error = ws.request(new JsonObject().put("type", "send").put("sid", sid).put("cid", "forge")
          .put("msgType", "system").put("content", new JsonObject().put("action", "join").put("uid", bob.uid())));
      assertEquals("invalid", error.getString("code"));
      Http.Response rest = http.post("/sessions/" + sid + "/messages", alice.token(),
          new JsonObject().put("cid", "forge-2").put("msgType", "system").put("content", "x"));
      assertEquals(400, rest.status());
      assertEquals(1, http.history(alice, sid).size(), "only the create notice");
    }
  }

  @Test
  @DisplayName("Unknown frame types, missing and wrong-typed fields get an invalid error echoing the rid")
  void badFramesAreInvalid() {
    String sid = server.group("bad input", alice);
    try (WsClient ws = server.ws(alice)) {
      List<JsonObject> bad = List.of(
          new JsonObject().put("type", "shout"),
          new JsonObject().put("type", 7),
          new JsonObject().put("type", "send").put("sid", sid).put("msgType", "text").put("content", "no cid"),
          new JsonObject().put("type", "send").put("sid", 12).put("cid", "x").put("content", "sid not a string"),
          new JsonObject().put("type", "send").put("sid", sid).put("cid", "x").put("content", new JsonObject()),
          new JsonObject().put("type", "send").put("sid", sid).put("cid", "x").put("msgType", "text").put("content", " "),
          new JsonObject().put("type", "send").put("sid", sid).put("cid", "x").put("msgType", "video").put("content", "v"),
          new JsonObject().put("type", "sync").put("positions", new JsonArray()),
          new JsonObject().put("type", "sync").put("positions", new JsonObject().put(sid, "one")),
          new JsonObject().put("type", "history").put("sid", sid).put("limit", 100_000),
          new JsonObject().put("type", "typing"));
      for (JsonObject frame : bad) {
        JsonObject error = ws.request(frame);
        assertEquals("error", error.getString("type"), frame.encode());
        assertEquals("invalid", error.getString("code"), frame.encode());
      }
      assertEquals(1, http.history(alice, sid).size(), "nothing stored");
      assertEquals("ack", ws.send(sid, "after-bad", "still fine").getString("type"));
    }
  }

  @Test
  @DisplayName("Malformed JSON and $-keys get an invalid error; the socket stays open")
  void malformedFrames() {
    try (WsClient ws = server.ws(alice)) {
      ws.sendText("{not json");
      assertEquals("invalid", ws.next(f -> "error".equals(f.getString("type"))).getString("code"));
      ws.sendText("[1,2]");
      assertEquals("invalid", ws.next(f -> "error".equals(f.getString("type"))).getString("code"));
      JsonObject error = ws.request(new JsonObject().put("type", "send").put("sid", new JsonObject().put("$ne", "")));
      assertEquals("invalid", error.getString("code"));
      assertEquals("pong", ws.request(new JsonObject().put("type", "ping")).getString("type"));
    }
  }

  @Test
  @DisplayName("Content over 16 KiB is too_large and not stored")
  void oversizeContent() {
    String sid = server.group("big", alice);
    try (WsClient ws = server.ws(alice)) {
      JsonObject error = ws.send(sid, "big-1", "x".repeat(16 * 1024 + 1));
      assertEquals("too_large", error.getString("code"));
      assertEquals("ack", ws.send(sid, "big-2", "x".repeat(16 * 1024)).getString("type"));
      assertEquals(413, http.send(alice, sid, "big-3", "x".repeat(16 * 1024 + 1)).status());
      assertEquals(2, http.history(alice, sid).size());
    }
  }

  @Test
  @DisplayName("A frame over 64 KiB closes that socket with 1009; the server and other sockets carry on")
  void oversizeFrameCloses() {
    String sid = server.group("huge frames", alice);
    try (WsClient big = server.ws(alice); WsClient other = server.ws(alice)) {
      big.sendText(WsClient.text(sid, "huge", "x".repeat(70 * 1024)).encode());
      assertEquals(1009, big.awaitClose());
      assertEquals("ack", other.send(sid, "small", "fine").getString("type"));
    }
  }

  @Test
  @DisplayName("A binary frame gets an invalid error and the socket stays usable")
  void binaryFrame() {
    try (RawWsClient raw = RawWsClient.connect(server.httpPort(), 64 * 1024).auth(alice.token())) {
      raw.send(2, new byte[] {1, 2, 3});
      assertEquals("invalid", raw.readText(f -> "error".equals(f.getString("type"))).getString("code"));
      raw.sendText(new JsonObject().put("type", "ping").put("rid", "p").encode());
      assertEquals("p", raw.readText(f -> "pong".equals(f.getString("type"))).getString("rid"));
    }
  }

  @Test
  @DisplayName("ping is answered with pong echoing the rid")
  void pingPong() {
    try (WsClient ws = server.ws(alice)) {
      ws.send(new JsonObject().put("type", "ping").put("rid", "p-1"));
      JsonObject pong = ws.next(f -> "pong".equals(f.getString("type")));
      assertEquals("p-1", pong.getString("rid"));
    }
  }

  @Test
  @DisplayName("typing reaches the other members as an event, is not stored, and repeats within a second are dropped")
  void typing() {
    String sid = server.group("typing", alice, bob);
    try (WsClient a = server.ws(alice); WsClient b = server.ws(bob)) {
      a.send(new JsonObject().put("type", "typing").put("sid", sid));
      a.send(new JsonObject().put("type", "typing").put("sid", sid));
      JsonObject event = b.next(f -> "event".equals(f.getString("type")) && "typing".equals(f.getString("event")));
      assertEquals(alice.uid(), event.getString("uid"));
      assertEquals(sid, event.getString("sid"));
      a.request(new JsonObject().put("type", "ping"));
      b.request(new JsonObject().put("type", "ping"));
      assertTrue(b.received(f -> "typing".equals(f.getString("event"))).isEmpty(), "the repeat was dropped");
      assertEquals(2, http.history(alice, sid).size(), "create and join notices only");
      JsonObject forbidden = b.request(new JsonObject().put("type", "typing").put("sid", server.group("x", alice)));
      assertEquals("forbidden", forbidden.getString("code"));
    }
  }

  @Test
  @DisplayName("history pages backwards with before/limit and forwards with after, over WebSocket and REST")
  void historyPaging() {
    String sid = server.group("paging", alice);
    for (int i = 1; i <= 9; i++) {
      bus.send(alice, sid, "page-" + i, "m" + i);
    }
    try (WsClient ws = server.ws(alice)) {
      JsonObject newest = ws.history(sid, new JsonObject().put("limit", 4));
      assertEquals("history", newest.getString("type"));
      assertEquals(List.of(7L, 8L, 9L, 10L), seqs(newest.getJsonArray("messages")));
      assertTrue(newest.getBoolean("more"));
      JsonObject older = ws.history(sid, new JsonObject().put("before", 7).put("limit", 4));
      assertEquals(List.of(3L, 4L, 5L, 6L), seqs(older.getJsonArray("messages")));
      assertTrue(older.getBoolean("more"));
      JsonObject oldest = ws.history(sid, new JsonObject().put("before", 3));
      assertEquals(List.of(1L, 2L), seqs(oldest.getJsonArray("messages")));
      assertFalse(oldest.getBoolean("more"));
    }
    Http.Response forward = http.get("/sessions/" + sid + "/messages?after=5&limit=3", alice.token());
    assertEquals(List.of(6L, 7L, 8L), seqs(forward.json().getJsonArray("messages")));
    assertTrue(forward.json().getBoolean("more"));
    Http.Response last = http.get("/sessions/" + sid + "/messages?after=8", alice.token());
    assertEquals(List.of(9L, 10L), seqs(last.json().getJsonArray("messages")));
    assertFalse(last.json().getBoolean("more"));
    assertEquals(400, http.get("/sessions/" + sid + "/messages?limit=abc", alice.token()).status());
    assertEquals(400, http.get("/sessions/" + sid + "/messages?limit=201", alice.token()).status());
  }

  @Test
  @DisplayName("POST /sessions/{sid}/messages answers the ack and the message reaches the sockets")
  void restSend() {
    String sid = server.group("rest", alice, bob);
    try (WsClient b = server.ws(bob)) {
      Http.Response r = http.send(alice, sid, "rest-1", "over http");
      assertEquals(200, r.status());
      JsonObject m = b.next(WsClient.textIn(sid));
      assertEquals(r.json().getString("id"), m.getString("id"));
      assertEquals(r.json().getLong("seq"), m.getLong("seq"));
      Http.Response again = http.send(alice, sid, "rest-1", "over http");
      assertEquals(r.json().getString("id"), again.json().getString("id"));
    }
  }

  @Test
  @DisplayName("Membership notices are stored system messages with seq, delivered like any message")
  void systemNotices() {
    String sid = http.newGroup(alice, "notices");
    try (WsClient a = server.ws(alice)) {
      http.join(bob, sid);
      JsonObject notice = a.next(f -> "message".equals(f.getString("type")) && "system".equals(f.getString("msgType")));
      assertEquals(2L, notice.getLong("seq"));
      assertEquals("join", notice.getJsonObject("content").getString("action"));
      assertEquals(bob.uid(), notice.getJsonObject("content").getString("uid"));
    }
  }

  private static List<Long> seqs(JsonArray messages) {
    List<Long> out = new ArrayList<>();
    messages.forEach(m -> out.add(((JsonObject) m).getLong("seq")));
    return out;
  }
}
