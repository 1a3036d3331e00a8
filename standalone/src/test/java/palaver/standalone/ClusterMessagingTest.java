package palaver.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import palaver.common.Address;
import palaver.common.PalaverNode.Service;
import palaver.gateway.GatewayVerticle;
import palaver.message.MessageVerticle;
import palaver.session.SessionVerticle;
import palaver.standalone.Http.User;
import palaver.user.UserVerticle;

/**
 * Three clustered nodes on one store: A runs every service, B runs
 * message-service and a gateway, C only a gateway. A and B each write with
 * their own message-service instance, so one session is written by two
 * instances at once and the unique index decides.
 */
@DisplayName("Messaging across clustered nodes with two message-service instances")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterMessagingTest {
  private static EmbeddedStore store;
  private static TestServer a;
  private static TestServer b;
  private static TestServer c;

  @BeforeAll
  static void start() {
    store = TestServer.newStore();
    TestCluster cluster = new TestCluster(3);
    a = cluster.start(0, store.connectionString(), StandaloneMain.services());
    b = cluster.start(1, store.connectionString(), List.of(
        new Service("message-service", MessageVerticle::new),
        new Service("gateway", GatewayVerticle::new)));
    c = cluster.start(2, store.connectionString(), List.of(new Service("gateway", GatewayVerticle::new)));
  }

  @AfterAll
  static void stop() {
    c.close();
    if (b != null) {
      b.close();
    }
    a.close();
    store.close();
  }

  @Test
  @Order(1)
  @DisplayName("Concurrent senders on two nodes (two message-service instances) get gap-free seqs; members on both nodes get every message")
  void twoInstancesOneSession() throws Exception {
    User alice = a.http().newUser("Alice");
    User bob = a.http().newUser("Bob");
    User carol = a.http().newUser("Carol");
    String sid = Chat.group(a.http(), "split", alice, bob, carol);
    int each = 30;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (WsClient onA = a.ws(alice.token()); WsClient onB = b.ws(bob.token());
        WsClient watchA = a.ws(carol.token()); WsClient watchB = b.ws(carol.token())) {
      Future<List<JsonObject>> fromA = pool.submit(() -> sendAll(onA, sid, "a-", each));
      Future<List<JsonObject>> fromB = pool.submit(() -> sendAll(onB, sid, "b-", each));
      TreeSet<Long> acked = new TreeSet<>();
      for (JsonObject ack : concat(fromA.get(), fromB.get())) {
        assertEquals("ack", ack.getString("type"), ack.encode());
        assertTrue(acked.add(ack.getLong("seq")), "seq handed out twice");
      }
      List<JsonObject> stored = Chat.allMessages(a.http(), carol, sid);
      Chat.assertGapFree(stored);
      assertEquals(2 * each, stored.stream().filter(m -> "text".equals(m.getString("msgType"))).count());
      for (WsClient watcher : List.of(watchA, watchB)) {
        TreeSet<Long> live = new TreeSet<>();
        for (int i = 0; i < 2 * each; i++) {
          live.add(watcher.next(Chat.textIn(sid)).getLong("seq"));
        }
        assertEquals(acked, live);
      }
      for (TestServer node : List.of(a, b)) {
        try (WsClient late = node.ws(carol.token())) {
          late.request(new JsonObject().put("type", "sync").put("positions", new JsonObject().put(sid, 0)));
          assertEquals(stored.size(), late.received(f -> sid.equals(f.getString("sid"))).size(),
              "sync on every node returns every stored message");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Order(2)
  @DisplayName("A retry through another node's instance returns the original ack")
  void retryAcrossInstances() {
    User alice = a.http().newUser("Retrier");
    String sid = Chat.group(a.http(), "retry across", alice);
    try (WsClient onA = a.ws(alice.token()); WsClient onB = b.ws(alice.token())) {
      JsonObject first = onA.request(Chat.send(sid, "across", "once"));
      JsonObject again = onB.request(Chat.send(sid, "across", "once"));
      assertEquals(first.getString("id"), again.getString("id"));
      assertEquals(first.getLong("seq"), again.getLong("seq"));
      assertEquals(2, Chat.allMessages(b.http(), alice, sid).size());
    }
  }

  @Test
  @Order(3)
  @DisplayName("With a stuck message-service instance in the cluster, every send is answered within seconds and none is stored twice")
  void stuckInstanceIsRetried() {
    MessageConsumer<Object> blackHole = c.node().vertx().eventBus().consumer(Address.MESSAGE_SEND, msg -> { });
    Await.result(blackHole.completion());
    try {
      User u = a.http().newUser("Patient");
      String sid = Chat.group(a.http(), "stuck", u);
      Map<String, JsonObject> acks = new HashMap<>();
      try (WsClient ws = c.ws(u.token())) {
        for (int i = 0; i < 6; i++) {
          String cid = "stuck-" + i;
          JsonObject answer = sendWithin(ws, Chat.send(sid, cid, cid), 10_000);
          while (!"ack".equals(answer.getString("type"))) {
            assertEquals("unavailable", answer.getString("code"), answer.encode());
            answer = sendWithin(ws, Chat.send(sid, cid, cid), 10_000);
          }
          acks.put(cid, answer);
        }
      }
      List<JsonObject> stored = Chat.allMessages(a.http(), u, sid);
      Chat.assertGapFree(stored);
      assertEquals(7, stored.size(), "the create notice and six messages, each once");
    } finally {
      Await.result(blackHole.unregister());
    }
  }

  @Test
  @Order(4)
  @DisplayName("A node leaving mid-traffic: its clients reconnect elsewhere, sync, and hold every acked message exactly once")
  void nodeLeavesMidTraffic() throws Exception {
    User alice = a.http().newUser("Steady");
    User bob = a.http().newUser("Moved");
    User carol = a.http().newUser("Reader");
    String sid = Chat.group(a.http(), "leaving", alice, bob, carol);
    Receiver reader = new Receiver(b, carol, sid);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (WsClient steady = a.ws(alice.token())) {
      Future<List<JsonObject>> fromA = pool.submit(() -> sendAll(steady, sid, "steady-", 40));
      Future<List<JsonObject>> fromB = pool.submit(() -> new Sender(b, bob, sid).sendAll("moved-", 40));
      Thread.sleep(300);
      TestServer leaving = b;
      b = null;
      leaving.close();
      List<JsonObject> acks = concat(fromA.get(), fromB.get());
      TreeSet<Long> acked = new TreeSet<>();
      acks.forEach(ack -> acked.add(ack.getLong("seq")));
      assertEquals(80, acked.size(), "every send was acked, retries included, each with its own seq");
      TreeSet<Long> held = reader.resumeOn(a);
      assertTrue(held.containsAll(acked), "missing " + missing(acked, held));
      Chat.assertGapFree(Chat.allMessages(a.http(), carol, sid));
    } finally {
      pool.shutdownNow();
      reader.close();
    }
  }

  private static JsonObject sendWithin(WsClient ws, JsonObject frame, long millis) {
    String rid = "w" + System.nanoTime();
    ws.send(frame.put("rid", rid));
    return ws.next(f -> rid.equals(f.getString("rid")) && !"message".equals(f.getString("type")), millis);
  }

  private static List<JsonObject> sendAll(WsClient ws, String sid, String prefix, int n) {
    List<JsonObject> acks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      acks.add(ws.request(Chat.send(sid, prefix + i, prefix + i)));
    }
    return acks;
  }

  private static List<JsonObject> concat(List<JsonObject> x, List<JsonObject> y) {
    List<JsonObject> all = new ArrayList<>(x);
    all.addAll(y);
    return all;
  }

  private static TreeSet<Long> missing(TreeSet<Long> expected, TreeSet<Long> held) {
    TreeSet<Long> out = new TreeSet<>(expected);
    out.removeAll(held);
    return out;
  }

  /** A client that moves to node A when its node goes away, resending an unanswered message with the same cid. */
  private static final class Sender {
    private final User user;
    private final String sid;
    private WsClient ws;

    Sender(TestServer start, User user, String sid) {
      this.user = user;
      this.sid = sid;
      this.ws = start.ws(user.token());
    }

    List<JsonObject> sendAll(String prefix, int n) {
      List<JsonObject> acks = new ArrayList<>();
      try {
        for (int i = 0; i < n; i++) {
          acks.add(sendUntilAcked(Chat.send(sid, prefix + i, prefix + i)));
        }
        return acks;
      } finally {
        ws.close();
      }
    }

    private JsonObject sendUntilAcked(JsonObject frame) {
      while (true) {
        try {
          if (ws.isClosed()) {
            ws.close();
            ws = a.ws(user.token());
          }
          JsonObject answer = sendWithin(ws, frame.copy(), 8_000);
          if ("ack".equals(answer.getString("type"))) {
            return answer;
          }
        } catch (AssertionError | RuntimeException lost) {
          ws.close();
          ws = a.ws(user.token());
        }
      }
    }
  }

  /** A member's view: live frames, and after a reconnect a sync from the last contiguous seq, deduped by seq. */
  private static final class Receiver implements AutoCloseable {
    private final User user;
    private final String sid;
    private WsClient ws;

    Receiver(TestServer node, User user, String sid) {
      this.user = user;
      this.sid = sid;
      this.ws = node.ws(user.token());
    }

    TreeSet<Long> resumeOn(TestServer node) {
      TreeSet<Long> held = seqs(ws);
      ws.awaitClose();
      long contiguous = 0;
      while (held.contains(contiguous + 1)) {
        contiguous++;
      }
      ws = node.ws(user.token());
      JsonObject synced = ws.request(new JsonObject().put("type", "sync")
          .put("positions", new JsonObject().put(sid, contiguous)));
      assertTrue(synced.getJsonArray("more").isEmpty());
      held.addAll(seqs(ws));
      return held;
    }

    private TreeSet<Long> seqs(WsClient from) {
      TreeSet<Long> out = new TreeSet<>();
      from.received(f -> "message".equals(f.getString("type")) && sid.equals(f.getString("sid")))
          .forEach(m -> out.add(m.getLong("seq")));
      return out;
    }

    @Override
    public void close() {
      ws.close();
    }
  }
}
