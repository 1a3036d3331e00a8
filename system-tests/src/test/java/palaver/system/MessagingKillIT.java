package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import palaver.system.Http.User;
import palaver.testing.Await;
import palaver.testing.Ports;

/**
 * kill -9 in the middle of traffic, with real processes: node 1 (the
 * standalone jar, every service, serving the embedded store) stays up; the
 * process killed is either a second standalone node holding sockets and a
 * message-service instance, or a message-service-only process that a
 * gateway-only process sends to. Clients behave as the protocol says (resend
 * unacked messages with the same cid, resume with sync, dedupe by seq), and
 * then every acked message is held by every member exactly once.
 */
@DisplayName("kill -9 mid-traffic: every acked message reaches every member exactly once after sync")
class MessagingKillIT {
  private static final Path GATEWAY_JAR = Path.of("..", "gateway", "target", "palaver-gateway.jar");
  private static final Path MESSAGE_JAR = Path.of("..", "message-service", "target", "palaver-message-service.jar");
  private static final int PER_SENDER = 60;

  @TempDir
  static Path dir;
  private static Vertx vertx;
  private static TestCluster cluster;
  private static int storePort;
  private static int http1;
  private static JarProcess node1;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    cluster = new TestCluster(4);
    storePort = Ports.free();
    http1 = Ports.free();
    node1 = JarProcess.start("kill-node-1", JarProcess.STANDALONE_JAR, clusterArgs(0,
        "--store-port", "" + storePort, "--data-dir", dir.resolve("data").toString(), "--http-port", "" + http1))
        .awaitHealthy(http1, 90_000);
  }

  @AfterAll
  static void stop() {
    node1.close();
    vertx.close();
  }

  @Test
  @DisplayName("A standalone node holding sockets and a message-service instance is killed; its clients move to node 1")
  void killNodeWithSocketsAndMessageService() throws Exception {
    int http2 = Ports.free();
    try (JarProcess node2 = JarProcess.start("kill-node-2", JarProcess.STANDALONE_JAR, clusterArgs(1,
        "--mongo-uri", mongoUri(), "--store-tls-dir", dir.resolve("data").resolve("store-tls").toString(), "--jwt-secret-file", dir.resolve("data").resolve("jwt.secret").toString(), "--http-port", "" + http2)).awaitHealthy(http2, 90_000)) {
      Http api = new Http(vertx, http1);
      User alice = api.newUser("Alice");
      User bob = api.newUser("Bob");
      User carol = api.newUser("Carol");
      User dave = api.newUser("Dave");
      String sid = api.newGroup(alice, "kill a node", bob, carol, dave);
      Function<String, WsClient> toNode1 = token -> WsClient.connect(vertx, http1, token);
      Function<String, WsClient> toNode2 = token -> WsClient.connect(vertx, http2, token);
      try (Resuming.Sender onSurvivor = sender(alice, sid, toNode1, toNode1);
          Resuming.Sender onVictim = sender(bob, sid, toNode2, toNode1);
          Resuming.Receiver watchSurvivor = receiver(carol, sid, toNode1);
          Resuming.Receiver watchVictim = receiver(dave, sid, toNode2)) {
        List<JsonObject> acks = trafficWhile(onSurvivor, onVictim, node2::kill9);
        assertTrue(onVictim.reconnects() > 0, "the killed node's client had to move");
        assertEveryAckedHeldOnce(acks, List.of(watchSurvivor, watchVictim), toNode1);
        Http.assertGapFree(api.history(alice, sid));
      }
    }
  }

  @Test
  @DisplayName("A message-service process is killed while a gateway-only process sends to it; sends are retried, none hangs")
  void killMessageServiceProcess() throws Exception {
    int gatewayPort = Ports.free();
    try (JarProcess messages = JarProcess.start("kill-message-service", MESSAGE_JAR, clusterArgs(2,
            "--mongo-uri", mongoUri(), "--store-tls-dir", dir.resolve("data").resolve("store-tls").toString(), "--jwt-secret-file", dir.resolve("data").resolve("jwt.secret").toString()));
        JarProcess gateway = JarProcess.start("kill-gateway", GATEWAY_JAR, clusterArgs(3,
            "--mongo-uri", mongoUri(), "--store-tls-dir", dir.resolve("data").resolve("store-tls").toString(), "--jwt-secret-file", dir.resolve("data").resolve("jwt.secret").toString(), "--http-port", "" + gatewayPort))) {
      Await.until("message-service process up", 90_000, () -> messages.output().contains("palaver-message-service started")
          || !messages.isAlive());
      assertTrue(messages.isAlive(), messages.output());
      gateway.awaitHealthy(gatewayPort, 90_000);
      Http api = new Http(vertx, http1);
      User alice = api.newUser("Erin");
      User bob = api.newUser("Frank");
      User carol = api.newUser("Grace");
      String sid = api.newGroup(alice, "kill message-service", bob, carol);
      Function<String, WsClient> toGateway = token -> WsClient.connect(vertx, gatewayPort, token);
      Function<String, WsClient> toNode1 = token -> WsClient.connect(vertx, http1, token);
      try (Resuming.Sender first = sender(alice, sid, toGateway, toGateway);
          Resuming.Sender second = sender(bob, sid, toGateway, toGateway);
          Resuming.Receiver watcher = receiver(carol, sid, toGateway)) {
        List<JsonObject> acks = trafficWhile(first, second, messages::kill9);
        assertEquals(0, first.unanswered() + second.unanswered(),
            "every send through the gateway was answered (ack or error) within 10 s");
        assertEveryAckedHeldOnce(acks, List.of(watcher), toNode1);
        Http.assertGapFree(api.history(alice, sid));
      }
    }
  }

  /** Two senders send {@value #PER_SENDER} messages each; {@code kill} runs when a quarter of them is acked. */
  private static List<JsonObject> trafficWhile(Resuming.Sender one, Resuming.Sender two, Runnable kill)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<List<JsonObject>> a = pool.submit(() -> one.sendAll("one-", PER_SENDER));
      Future<List<JsonObject>> b = pool.submit(() -> two.sendAll("two-", PER_SENDER));
      Await.until("traffic under way", 60_000, () -> one.acked() + two.acked() >= PER_SENDER / 2);
      kill.run();
      List<JsonObject> acks = new ArrayList<>(a.get());
      acks.addAll(b.get());
      return acks;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertEveryAckedHeldOnce(List<JsonObject> acks, List<Resuming.Receiver> members,
      Function<String, WsClient> reconnect) {
    TreeSet<Long> acked = new TreeSet<>();
    acks.forEach(ack -> acked.add(ack.getLong("seq")));
    assertEquals(2 * PER_SENDER, acked.size(), "each acked message has its own seq");
    for (Resuming.Receiver member : members) {
      Map<Long, String> held = member.resume(reconnect);
      for (JsonObject ack : acks) {
        assertEquals(ack.getString("id"), held.get(ack.getLong("seq")), "acked message " + ack.encode());
      }
    }
  }

  private static Resuming.Sender sender(User user, String sid, Function<String, WsClient> first,
      Function<String, WsClient> reconnect) {
    return new Resuming.Sender(first.apply(user.token()), user.token(), sid, reconnect, 10_000);
  }

  private static Resuming.Receiver receiver(User user, String sid, Function<String, WsClient> first) {
    return new Resuming.Receiver(first.apply(user.token()), user.token(), sid);
  }

  private static String mongoUri() {
    return "mongodb://127.0.0.1:" + storePort;
  }

  private static String[] clusterArgs(int node, String... more) {
    List<String> args = new ArrayList<>(List.of("--cluster", "--cluster-name", cluster.name(),
        "--cluster-host", "127.0.0.1", "--cluster-port", "" + cluster.port(node), "--seeds", cluster.seeds()));
    args.addAll(List.of(more));
    return args.toArray(new String[0]);
  }
}
