package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import palaver.api.Address;
import palaver.store.EmbeddedStore;
import palaver.system.Http.User;
import palaver.testing.Await;

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
    a = cluster.start(0, store);
    b = cluster.start(1, store, "message-service", "gateway");
    c = cluster.start(2, store, "gateway");
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
    String sid = a.group("split", alice, bob, carol);
    int each = 30;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (WsClient onA = a.ws(alice); WsClient onB = b.ws(bob);
        WsClient watchA = a.ws(carol); WsClient watchB = b.ws(carol)) {
      Future<List<JsonObject>> fromA = pool.submit(() -> sendAll(onA, sid, "a-", each));
      Future<List<JsonObject>> fromB = pool.submit(() -> sendAll(onB, sid, "b-", each));
      TreeSet<Long> acked = new TreeSet<>();
      for (JsonObject ack : concat(fromA.get(), fromB.get())) {
        assertEquals("ack", ack.getString("type"), ack.encode());
        assertTrue(acked.add(ack.getLong("seq")), "seq handed out twice");
      }
      List<JsonObject> stored = a.http().history(carol, sid);
      Http.assertGapFree(stored);
      assertEquals(2 * each, stored.stream().filter(m -> "text".equals(m.getString("msgType"))).count());
      for (WsClient watcher : List.of(watchA, watchB)) {
        TreeSet<Long> live = new TreeSet<>();
        for (int i = 0; i < 2 * each; i++) {
          live.add(watcher.next(WsClient.textIn(sid)).getLong("seq"));
        }
        assertEquals(acked, live);
      }
      for (TestServer node : List.of(a, b)) {
        try (WsClient late = node.ws(carol)) {
          late.sync(sid, 0);
          assertEquals(stored.size(), late.received(f -> "message".equals(f.getString("type")) && sid.equals(f.getString("sid"))).size(),
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
    String sid = a.group("retry across", alice);
    try (WsClient onA = a.ws(alice); WsClient onB = b.ws(alice)) {
      JsonObject first = onA.send(sid, "across", "once");
      JsonObject again = onB.send(sid, "across", "once");
      assertEquals(first.getString("id"), again.getString("id"));
      assertEquals(first.getLong("seq"), again.getLong("seq"));
      assertEquals(2, b.http().history(alice, sid).size());
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
      String sid = a.group("stuck", u);
      Map<String, JsonObject> acks = new HashMap<>();
      try (WsClient ws = c.ws(u)) {
        for (int i = 0; i < 6; i++) {
          String cid = "stuck-" + i;
          JsonObject answer = ws.requestWithin(WsClient.text(sid, cid, cid), 10_000);
          while (answer != null && !"ack".equals(answer.getString("type"))) {
            assertEquals("unavailable", answer.getString("code"), answer.encode());
            answer = ws.requestWithin(WsClient.text(sid, cid, cid), 10_000);
          }
          assertNotNull(answer, "every attempt is answered within 10 s, never left hanging");
          acks.put(cid, answer);
        }
      }
      List<JsonObject> stored = a.http().history(u, sid);
      Http.assertGapFree(stored);
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
    String sid = a.group("leaving", alice, bob, carol);
    Function<String, WsClient> toA = token -> a.ws(token);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Resuming.Receiver reader = new Resuming.Receiver(b.ws(carol), carol.token(), sid);
        Resuming.Sender steady = new Resuming.Sender(a.ws(alice), alice.token(), sid, toA, 8_000);
        Resuming.Sender moved = new Resuming.Sender(b.ws(bob), bob.token(), sid, toA, 8_000)) {
      Future<List<JsonObject>> fromA = pool.submit(() -> steady.sendAll("steady-", 40));
      Future<List<JsonObject>> fromB = pool.submit(() -> moved.sendAll("moved-", 40));
      Thread.sleep(300);
      TestServer leaving = b;
      b = null;
      leaving.close();
      TreeSet<Long> acked = new TreeSet<>();
      concat(fromA.get(), fromB.get()).forEach(ack -> acked.add(ack.getLong("seq")));
      assertEquals(80, acked.size(), "every send was acked, retries included, each with its own seq");
      Map<Long, String> held = reader.resume(toA);
      assertTrue(held.keySet().containsAll(acked), "missing " + missing(acked, held.keySet()));
      Http.assertGapFree(a.http().history(carol, sid));
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<JsonObject> sendAll(WsClient ws, String sid, String prefix, int n) {
    List<JsonObject> acks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      acks.add(ws.send(sid, prefix + i, prefix + i));
    }
    return acks;
  }

  private static List<JsonObject> concat(List<JsonObject> x, List<JsonObject> y) {
    List<JsonObject> all = new ArrayList<>(x);
    all.addAll(y);
    return all;
  }

  private static TreeSet<Long> missing(TreeSet<Long> expected, java.util.Set<Long> held) {
    TreeSet<Long> out = new TreeSet<>(expected);
    out.removeAll(held);
    return out;
  }
}
