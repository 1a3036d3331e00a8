package palaver.system;

import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import palaver.runtime.PalaverNode;
import palaver.runtime.Setting;
import palaver.standalone.StandaloneMain;
import palaver.store.EmbeddedStore;
import palaver.testing.Ports;

/**
 * A Hazelcast cluster for one test class: a unique name and a free member
 * port per node, every node seeded with all of them, all on 127.0.0.1, so
 * concurrent test runs on one machine never join each other.
 *
 * <p>{@link #start} returns a node only once it and every running node of the cluster see each other as
 * members. Hazelcast does not promise that on its own: a joining member that gets no answer from a busy seed
 * within its join timeout starts a cluster of its own, and the two merge only at the next split-brain check
 * (10 s later). Until then each node's publishes reach only its own subscribers, which is what a test of
 * cross-node delivery must not start in.
 */
public final class TestCluster {
  /** The cluster secret of every clustered node of the test run (in-process, and the jars by env: JarProcess). */
  public static final String SECRET = "system-tests-cluster-secret-0123456789";
  private final String name = TestServer.uniqueClusterName();
  private static final long JOIN_WAIT_MS = 60_000;
  private final List<Integer> ports = new ArrayList<>();
  private final List<TestServer> started = new ArrayList<>();

  public TestCluster(int nodes) {
    for (int i = 0; i < nodes; i++) {
      ports.add(Ports.free());
    }
  }

  public String name() {
    return name;
  }

  public String seeds() {
    return ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  public int port(int node) {
    return ports.get(node);
  }

  /** Configuration of node {@code index}, against the store at {@code mongoUri}. */
  public JsonObject config(int index, String mongoUri) {
    return TestServer.config(mongoUri)
        .put(Setting.CLUSTER.key(), true)
        .put(Setting.CLUSTER_NAME.key(), name)
        .put(Setting.CLUSTER_SECRET.key(), SECRET)
        .put(Setting.CLUSTER_HOST.key(), "127.0.0.1")
        .put(Setting.CLUSTER_PORT.key(), ports.get(index))
        .put(Setting.SEEDS.key(), seeds());
  }

  /** Node {@code index} on the shared {@code store}, running the services named (all of standalone's when none). */
  public TestServer start(int index, EmbeddedStore store, String... services) {
    return start(config(index, store.connectionString()),
        services.length == 0 ? StandaloneMain.services() : TestServer.services(services));
  }

  /** A node with {@code config} (one of {@link #config}'s, with the test's settings over it), once it has joined. */
  public synchronized TestServer start(JsonObject config, List<PalaverNode.Service> services) {
    TestServer node = TestServer.start(config, services, null);
    started.removeIf(s -> !running(s));
    try {
      awaitJoined(node);
    } catch (RuntimeException | AssertionError e) {
      node.close();
      throw e;
    }
    started.add(node);
    node.peers(() -> peersOf(node));
    return node;
  }

  /** The running nodes other than {@code node}, for {@link TestServer#ws}'s wait on their publishes. */
  private synchronized List<TestServer> peersOf(TestServer node) {
    return started.stream().filter(s -> s != node && running(s)).toList();
  }

  private void awaitJoined(TestServer node) {
    long deadline = System.currentTimeMillis() + JOIN_WAIT_MS;
    while (!joined(node)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("node " + nodeId(node) + " and the running nodes " + started.stream()
            .map(TestCluster::nodeId).toList() + " did not all see each other within " + JOIN_WAIT_MS + " ms; it sees "
            + manager(node).getNodes());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private boolean joined(TestServer node) {
    String id = nodeId(node);
    List<String> seen = manager(node).getNodes();
    for (TestServer other : started) {
      if (!seen.contains(nodeId(other)) || !manager(other).getNodes().contains(id)) {
        return false;
      }
    }
    return true;
  }

  /** Still a member: neither closed nor killed (a test may terminate a node's Hazelcast to simulate a crash). */
  private static boolean running(TestServer node) {
    HazelcastClusterManager manager = manager(node);
    return manager.isActive() && manager.getHazelcastInstance().getLifecycleService().isRunning();
  }

  private static HazelcastClusterManager manager(TestServer node) {
    return (HazelcastClusterManager) ((VertxInternal) node.node().vertx()).clusterManager();
  }

  private static String nodeId(TestServer node) {
    return manager(node).getNodeId();
  }
}
