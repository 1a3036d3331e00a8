package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import palaver.system.Http.User;
import palaver.testing.Await;
import palaver.testing.Ports;

/**
 * A split brain made the way issue 20 (item 5) made it: node B of a two-node cluster is frozen with SIGSTOP
 * past failure detection, so each side goes on alone. Through node A the victim's password is changed and
 * the victim is removed from a private group; then B is let go (SIGCONT). The victim's old socket on B must
 * be closed, B must refuse the old token and the removed member, and messages must cross between the nodes
 * again, each within a bound. Separate JVMs, because a frozen process is the point.
 */
@DisplayName("SIGSTOP of a node, revocation through the other, SIGCONT: the revocation reaches the frozen node")
class SplitBrainIT {
  /** How long after SIGCONT each of the checks may take; the cluster aims at seconds, CI machines are slow. */
  private static final long HEAL_BOUND_MS = 90_000;

  @TempDir
  static Path dir;
  private static Vertx vertx;
  private static TestCluster cluster;
  private static JarProcess nodeA;
  private static JarProcess nodeB;
  private static int httpA;
  private static int httpB;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    cluster = new TestCluster(2);
    int storePort = Ports.free();
    httpA = Ports.free();
    httpB = Ports.free();
    nodeA = JarProcess.start("split-node-a", JarProcess.STANDALONE_JAR, clusterArgs(0,
        "--store-port", "" + storePort, "--data-dir", dir.resolve("data").toString(), "--http-port", "" + httpA))
        .awaitHealthy(httpA, 90_000);
    nodeB = JarProcess.start("split-node-b", JarProcess.STANDALONE_JAR, clusterArgs(1,
        "--mongo-uri", "mongodb://127.0.0.1:" + storePort, "--store-tls-dir", dir.resolve("data").resolve("store-tls").toString(), "--jwt-secret-file", dir.resolve("data").resolve("jwt.secret").toString(), "--http-port", "" + httpB))
        .awaitHealthy(httpB, 90_000);
  }

  @AfterAll
  static void stop() {
    if (nodeB != null) {
      nodeB.resume();
      nodeB.close();
    }
    if (nodeA != null) {
      nodeA.close();
    }
    vertx.close();
  }

  @Test
  @DisplayName("After SIGCONT the victim's old socket is closed, its old token and its removal hold on B, and delivery crosses nodes")
  void revocationSurvivesSplitBrain() {
    Http onA = new Http(vertx, httpA);
    User owner = onA.newUser("Owner");
    User victim = onA.newUser("Victim");
    User watcher = onA.newUser("Watcher");
    String sid = onA.newGroup(owner, "private room", "private");
    onA.invited(owner, sid, victim);
    onA.invited(owner, sid, watcher);
    awaitCrossNodeDelivery(onA, owner, watcher, sid, "before");

    WsClient oldSocket = WsClient.connect(vertx, httpB, victim.token());
    for (int i = 0; i < 4; i++) {
      // Several sends, so every session-service instance has the victim's role cached.
      assertEquals("ack", oldSocket.send(sid, "warm-" + i, "still a member").getString("type"));
    }

    nodeB.pause();
    long frozenAt = System.currentTimeMillis();
    Await.until("node A dropped the frozen node B", 60_000,
        () -> nodeA.output().contains("cluster topology: memberRemoved"));
    Http.Response changed = onA.put("/users/me/password", victim.token(),
        new JsonObject().put("oldPassword", "plover-kettle-41").put("newPassword", "plover-kettle-42"));
    assertEquals(200, changed.status(), changed.text());
    String newToken = changed.json().getString("token");
    assertEquals(200, onA.remove(owner, sid, victim).status());
    nodeB.resume();
    long resumedAt = System.currentTimeMillis();
    System.out.printf("split brain: node B frozen for %d ms%n", resumedAt - frozenAt);

    Await.until("the victim's old socket on B closed", HEAL_BOUND_MS, oldSocket::isClosed);
    long closedAfter = System.currentTimeMillis() - resumedAt;
    System.out.printf("split brain: old socket closed %d ms after SIGCONT with %d%n", closedAfter, oldSocket.awaitClose());

    assertOldTokenRefusedOnB(victim.token());
    assertRemovalHoldsOnB(newToken, sid);
    long delivered = awaitCrossNodeDelivery(onA, owner, watcher, sid, "after") - resumedAt;
    System.out.printf("split brain: cross-node delivery back %d ms after SIGCONT%n", delivered);
  }

  /** A new socket on B with the revoked token is refused with 4401. */
  private static void assertOldTokenRefusedOnB(String oldToken) {
    try (WsClient socket = WsClient.open(vertx, httpB, "/ws", null)) {
      JsonObject answer = socket.request(new JsonObject().put("type", "auth").put("token", oldToken));
      assertEquals("error", answer.getString("type"), answer.encode());
      assertEquals(4401, socket.awaitClose());
    }
  }

  /** The removed victim, with a valid new token, cannot send into the group through B (whichever instance answers). */
  private static void assertRemovalHoldsOnB(String newToken, String sid) {
    Await.until("node B answers the victim", HEAL_BOUND_MS, () -> {
      try (WsClient socket = WsClient.connect(vertx, httpB, newToken)) {
        return true;
      } catch (RuntimeException | AssertionError notYet) {
        return false;
      }
    });
    try (WsClient socket = WsClient.connect(vertx, httpB, newToken)) {
      for (int i = 0; i < 4; i++) {
        JsonObject answer = socket.send(sid, "after-removal-" + i, "should be refused");
        assertEquals("forbidden", answer.getString("code"), answer.encode());
      }
    }
  }

  /**
   * Sends through A until a watcher connected to B gets the message (reconnecting as B closes or refuses it);
   * returns when it first did.
   */
  private static long awaitCrossNodeDelivery(Http onA, User sender, User watcher, String sid, String label) {
    List<Long> when = new ArrayList<>();
    int[] attempt = {0};
    Await.until("a message sent through A reaches a socket on B (" + label + ")", HEAL_BOUND_MS, () -> {
      String content = label + "-" + attempt[0]++;
      try (WsClient onB = WsClient.connect(vertx, httpB, watcher.token())) {
        Http.Response sent = onA.send(sender, sid, "cross-" + content, content);
        if (sent.status() != 201 && sent.status() != 200) {
          return false;
        }
        onB.next(WsClient.messageWith(sid, content), 2_000);
        when.add(System.currentTimeMillis());
        return true;
      } catch (RuntimeException | AssertionError notYet) {
        return false;
      }
    });
    assertTrue(!when.isEmpty());
    return when.get(0);
  }

  private static String[] clusterArgs(int node, String... more) {
    List<String> args = new ArrayList<>(List.of("--cluster", "--cluster-name", cluster.name(),
        "--cluster-host", "127.0.0.1", "--cluster-port", "" + cluster.port(node), "--seeds", cluster.seeds()));
    args.addAll(List.of(more));
    return args.toArray(new String[0]);
  }
}
