package palaver.system;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import palaver.runtime.Setting;
import palaver.standalone.StandaloneMain;
import palaver.store.EmbeddedStore;
import palaver.testing.Ports;

/**
 * A Hazelcast cluster for one test class: a unique name and a free member
 * port per node, every node seeded with all of them, all on 127.0.0.1, so
 * concurrent test runs on one machine never join each other.
 */
public final class TestCluster {
  /** The cluster secret of every clustered node of the test run (in-process, and the jars by env: JarProcess). */
  public static final String SECRET = "system-tests-cluster-secret-0123456789";
  private final String name = TestServer.uniqueClusterName();
  private final List<Integer> ports = new ArrayList<>();

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
    return TestServer.start(config(index, store.connectionString()),
        services.length == 0 ? StandaloneMain.services() : TestServer.services(services), null);
  }
}
