package palaver.system;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import palaver.runtime.PalaverConfig;
import palaver.runtime.PalaverNode;
import palaver.runtime.Setting;
import palaver.standalone.StandaloneMain;
import palaver.store.EmbeddedStore;
import palaver.system.Http.User;
import palaver.testing.Await;
import palaver.testing.Ports;
import palaver.testing.TestStore;

/**
 * A real Palaver node for tests: the standalone services on real ports, on an
 * embedded store in a temporary directory. Clustered nodes join a cluster
 * whose name is unique to the test run, on 127.0.0.1 only.
 *
 * <p>It is also the test's fixture: start it with the settings the test needs
 * ({@link #standalone(JsonObject)}), add people ({@link #users}) and groups
 * ({@link #group}), and talk to it through the client of a transport:
 * {@link #http()}, {@link #ws(User)}, {@link #bus()}.
 */
public final class TestServer implements AutoCloseable {
  private final PalaverNode node;
  private final EmbeddedStore ownStore;
  private final int httpPort;
  private final Map<String, User> users = new LinkedHashMap<>();
  private Http http;

  private TestServer(PalaverNode node, EmbeddedStore ownStore, int httpPort) {
    this.node = node;
    this.ownStore = ownStore;
    this.httpPort = httpPort;
  }

  /** A single non-clustered node with its own store. */
  public static TestServer standalone() {
    return standalone(new JsonObject());
  }

  /** A single non-clustered node with its own store, {@code settings} over the test defaults. */
  public static TestServer standalone(JsonObject settings) {
    return owning(newStore(), settings);
  }

  /** A single node on {@code store}, which it closes when it closes. */
  public static TestServer owning(EmbeddedStore store, JsonObject settings) {
    return start(config(store.connectionString()).mergeIn(settings), StandaloneMain.services(), store);
  }

  /**
   * A single node on a store that outlives it (a restart, two nodes on one
   * store), running the standalone services or the ones named.
   */
  public static TestServer on(EmbeddedStore store, JsonObject settings, String... services) {
    return start(config(store.connectionString()).mergeIn(settings),
        services.length == 0 ? StandaloneMain.services() : services(services), null);
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
        .put(Setting.MONGO_DB.key(), "palaver")
        // Every test user signs up from 127.0.0.1; SignUpFloodTest puts the default back to test the limit.
        .put(Setting.SIGN_UPS_PER_IP_PER_MINUTE.key(), 1_000_000)
        // Every test client connects from 127.0.0.1 too.
        .put(Setting.MAX_CONNECTIONS_PER_IP.key(), 0);
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

  /** The node's HTTP client (one per node). */
  public synchronized Http http() {
    if (http == null) {
      http = new Http(node.vertx(), httpPort);
    }
    return http;
  }

  /** A client of the node's management port ({@code /live}, {@code /ready}, {@code /metrics}); the node needs one. */
  public Http management() {
    if (node.managementPort() < 0) {
      throw new IllegalStateException("this node was started without a managementPort");
    }
    return new Http(node.vertx(), node.managementPort());
  }

  /** The node's event-bus client. */
  public BusClient bus() {
    return new BusClient(node.vertx());
  }

  /** An authenticated WebSocket of {@code user}, ready. */
  public WsClient ws(User user) {
    return ws(user.token());
  }

  public WsClient ws(String token) {
    return WsClient.connect(node.vertx(), httpPort, token);
  }

  /** Registers a new user (a unique login) for each nickname; {@link #user} finds them by nickname. */
  public TestServer users(String... nicknames) {
    for (String nickname : nicknames) {
      if (users.putIfAbsent(nickname, http().newUser(nickname)) != null) {
        throw new IllegalArgumentException("user " + nickname + " already registered here");
      }
    }
    return this;
  }

  /** The user registered by {@link #users} with {@code nickname}. */
  public User user(String nickname) {
    User user = users.get(nickname);
    if (user == null) {
      throw new IllegalArgumentException("no user " + nickname + "; register it with users(...)");
    }
    return user;
  }

  /** A public group {@code name} owned by {@code owner}, every one of {@code members} joined; returns its sid. */
  public String group(String name, User owner, User... members) {
    return http().newGroup(owner, name, members);
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
