package palaver.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 19 hole 5: only members that have the cluster secret join the cluster. */
@DisplayName("The cluster secret")
class ClusterSecretTest {
  private static final String ADDRESS = "palaver.test.secret.echo";
  private static final String SECRET = "right-secret-0123456789abcdef";
  private final String cluster = "secret-" + UUID.randomUUID();
  private final List<PalaverNode> nodes = new ArrayList<>();

  /** Answers {@code {n}} with {@code {n: n + 1}}. */
  static final class Echo extends VerticleBase {
    @Override
    public Future<?> start() {
      return vertx.eventBus().<JsonObject>consumer(ADDRESS, m -> m.reply(new JsonObject().put("n", m.body().getInteger("n") + 1)))
          .completion();
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Launcher.await(nodes.get(i).close(), 30);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private JsonObject node(int port, int seed, String secret) {
    JsonObject config = PalaverConfig.defaults().put(Setting.CLUSTER.key(), true).put(Setting.CLUSTER_NAME.key(), cluster)
        .put(Setting.CLUSTER_HOST.key(), "127.0.0.1").put(Setting.CLUSTER_PORT.key(), port)
        .put(Setting.SEEDS.key(), "127.0.0.1:" + seed);
    return secret == null ? config : config.put(Setting.CLUSTER_SECRET.key(), secret);
  }

  private PalaverNode start(JsonObject config, List<PalaverNode.Service> services) throws Exception {
    PalaverNode node = Launcher.await(PalaverNode.start(config, services), 90);
    nodes.add(node);
    return node;
  }

  private static int members(PalaverNode node) {
    return ((VertxInternal) node.vertx()).clusterManager().getNodes().size();
  }

  /** A and B with the right secret, A running the echo service; B's request reaches it. */
  private PalaverNode[] twoWithTheSecret() throws Exception {
    int portA = freePort();
    PalaverNode a = start(node(portA, portA, SECRET), List.of(new PalaverNode.Service("echo", Echo::new)));
    PalaverNode b = start(node(freePort(), portA, SECRET), List.of());
    long deadline = System.currentTimeMillis() + 20_000;
    while (members(a) < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(2, members(a), "A and B form one cluster");
    return new PalaverNode[] {a, b};
  }

  private static int echo(PalaverNode from, long timeoutMs) throws Exception {
    return Launcher.await(from.vertx().eventBus().<JsonObject>request(ADDRESS, new JsonObject().put("n", 41),
        new DeliveryOptions().setSendTimeout(timeoutMs)).map(m -> m.body().getInteger("n")), 30);
  }

  private void refused(PalaverNode[] cluster, JsonObject strangerConfig) throws Exception {
    PalaverNode stranger = start(strangerConfig, List.of());
    Thread.sleep(3_000); // longer than a join round and the subscription's spread in the test above
    assertEquals(1, members(stranger), "the stranger is alone in its own cluster");
    assertEquals(2, members(cluster[0]), "A still sees A and B only");
    assertEquals(2, members(cluster[1]), "B still sees A and B only");
    assertThrows(Exception.class, () -> echo(stranger, 2_000), "the stranger's request reaches no handler");
  }

  @Test
  @DisplayName("Two nodes with the same secret form one cluster and reach each other's services over the bus")
  void sameSecretJoins() throws Exception {
    PalaverNode[] both = twoWithTheSecret();
    long deadline = System.currentTimeMillis() + 20_000;
    Integer answer = null;
    while (answer == null && System.currentTimeMillis() < deadline) {
      try {
        answer = echo(both[1], 2_000);
      } catch (Exception e) {
        Thread.sleep(200); // the subscription may not have reached B yet
      }
    }
    assertEquals(42, answer);
  }

  @Test
  @DisplayName("A node with a wrong secret, seeded with a member of the cluster, is refused at join")
  void wrongSecretRefused() throws Exception {
    PalaverNode[] both = twoWithTheSecret();
    refused(both, node(freePort(), portOf(both[0]), "wrong-secret-0123456789abcdef"));
  }

  @Test
  @DisplayName("A node without a secret, seeded with a member of the cluster, is refused at join")
  void noSecretRefused() throws Exception {
    PalaverNode[] both = twoWithTheSecret();
    refused(both, node(freePort(), portOf(both[0]), null));
  }

  private static int portOf(PalaverNode node) {
    return node.config().getInteger(Setting.CLUSTER_PORT.key());
  }

  @Test
  @DisplayName("The Hazelcast cluster name is the cluster name and an HMAC of it under the secret")
  void derivedName() {
    JsonObject config = new JsonObject().put(Setting.CLUSTER_NAME.key(), "palaver");
    assertEquals("palaver", ClusterSetup.hazelcastClusterName(config), "no secret: the name as given");
    String right = ClusterSetup.hazelcastClusterName(config.copy().put(Setting.CLUSTER_SECRET.key(), SECRET));
    assertTrue(right.matches("palaver-[0-9a-f]{32}"), right);
    assertEquals(right, ClusterSetup.hazelcastClusterName(config.copy().put(Setting.CLUSTER_SECRET.key(), SECRET)));
    assertNotEquals(right, ClusterSetup.hazelcastClusterName(config.copy().put(Setting.CLUSTER_SECRET.key(), SECRET + "x")));
    assertEquals(right, ClusterSetup.clusterManager(PalaverConfig.defaults().mergeIn(config)
        .put(Setting.CLUSTER_SECRET.key(), SECRET)).getConfig().getClusterName());
    assertTrue(!right.contains(SECRET), "the secret itself is not in the name");
  }

  @Test
  @DisplayName("A cluster secret shorter than 16 bytes stops the node's start")
  void shortSecretRefused() throws Exception {
    int port = freePort();
    Throwable t = assertThrows(Exception.class,
        () -> Launcher.await(PalaverNode.start(node(port, port, "short"), List.of()), 30));
    assertTrue(t.getMessage().contains("clusterSecret"), t.getMessage());
  }
}
