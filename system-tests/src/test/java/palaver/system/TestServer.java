package palaver.system;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import palaver.runtime.PalaverConfig;
import palaver.runtime.PalaverNode;
import palaver.runtime.Setting;
import palaver.standalone.StandaloneMain;
import palaver.store.EmbeddedStore;
import palaver.testing.Await;
import palaver.testing.Ports;
import palaver.testing.TestStore;

/**
 * A real Palaver node for tests: the standalone services on real ports, on an
 * embedded store in a temporary directory. Clustered nodes join a cluster
 * whose name is unique to the test run, on 127.0.0.1 only.
 */
public final class TestServer implements AutoCloseable {
  private final PalaverNode node;
  private final EmbeddedStore ownStore;
  private final int httpPort;

  private TestServer(PalaverNode node, EmbeddedStore ownStore, int httpPort) {
    this.node = node;
    this.ownStore = ownStore;
    this.httpPort = httpPort;
  }

  /** A single non-clustered node with its own store. */
  public static TestServer standalone() {
    EmbeddedStore store = newStore();
    return start(config(store.connectionString()), StandaloneMain.services(), store);
  }

  /** Some of the standalone node's services, by name ("user-service", "gateway", ...), in the order given. */
  public static List<PalaverNode.Service> services(String... names) {
    List<PalaverNode.Service> all = StandaloneMain.services();
    List<PalaverNode.Service> chosen = new java.util.ArrayList<>();
    for (String name : names) {
      chosen.add(all.stream().filter(s -> s.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no service " + name)));
    }
    return chosen;
  }

  public static EmbeddedStore newStore() {
    return TestStore.fresh();
  }

  /** A store in a fresh temp dir whose page cache holds at most {@code cacheMb} MiB of the heap. */
  public static EmbeddedStore newStore(int cacheMb) {
    return TestStore.fresh(cacheMb);
  }

  public static String uniqueClusterName() {
    return "palaver-test-" + UUID.randomUUID();
  }

  /** A non-clustered node's configuration; see {@link TestCluster} for clustered ones. */
  public static JsonObject config(String mongoUri) {
    return PalaverConfig.defaults()
        .put(Setting.HTTP_PORT.key(), Ports.free())
        .put(Setting.HTTP_HOST.key(), "127.0.0.1")
        .put(Setting.MONGO_URI.key(), mongoUri)
        .put(Setting.MONGO_DB.key(), "palaver");
  }

  public static TestServer start(JsonObject config, List<PalaverNode.Service> services, EmbeddedStore ownStore) {
    PalaverNode node = Await.result(PalaverNode.start(config, services));
    return new TestServer(node, ownStore, config.getInteger(Setting.HTTP_PORT.key()));
  }

  public PalaverNode node() {
    return node;
  }

  public int httpPort() {
    return httpPort;
  }

  public Http http() {
    return new Http(node.vertx(), httpPort);
  }

  public WsClient ws(String token) {
    return WsClient.connect(node.vertx(), httpPort, token);
  }

  @Override
  public void close() {
    try {
      Await.result(node.close());
    } finally {
      if (ownStore != null) {
        ownStore.close();
      }
    }
  }
}
