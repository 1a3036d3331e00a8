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
  /** How long a peer's publishes may take to reach a new socket before {@link #ws} stops waiting for it. */
  private static final long PEER_REACH_MS = 10_000;
  private volatile java.util.function.Supplier<List<TestServer>> peers = List::of;

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
    WsClient ws = WsClient.connect(node.vertx(), httpPort, token);
    awaitReachFromPeers(ws);
    return ws;
  }

  /** The other running nodes of this node's {@link TestCluster} (none for a node on its own). */
  void peers(java.util.function.Supplier<List<TestServer>> peers) {
    this.peers = peers;
  }

  /**
   * In a cluster, a socket is handed to the test once what every other node publishes to its user and its
   * sessions reaches it (see {@link #awaitReach}), so a test's next message is not published in the moment
   * before the other nodes learnt of the socket's subscriptions. A peer that cannot reach it within
   * {@value #PEER_REACH_MS} ms (cut off, frozen: fault tests) is not waited for further.
   */
  private void awaitReachFromPeers(WsClient ws) {
    JsonObject ready = ws.ready();
    for (TestServer peer : peers.get()) {
      peer.awaitReach(palaver.api.Address.fanoutUser(ready.getString("uid")), ws, PEER_REACH_MS);
      for (Object s : ready.getJsonArray("sessions", new io.vertx.core.json.JsonArray())) {
        peer.awaitReach(palaver.api.Address.fanoutSession(((JsonObject) s).getString("sid")), ws, PEER_REACH_MS);
      }
    }
  }

  /**
   * Waits until what this node publishes on {@code address} reaches {@code socket}, a socket on another node of
   * the cluster. Hazelcast tells the other nodes of a new subscription asynchronously (an entry event, throttled),
   * so for a moment after a socket subscribed on one node, a message published on another may not reach it live
   * (the client gets it with its next sync, as designed). Tests that expect the very next publish to arrive live
   * wait for this first: probe frames ({@code type: probe}) are published until one arrives.
   */
  public void awaitReach(String address, WsClient socket) {
    if (!awaitReach(address, socket, Await.TIMEOUT_SECONDS * 1000)) {
      throw new AssertionError("nothing published on " + address + " reached the socket within "
          + Await.TIMEOUT_SECONDS + " s");
    }
  }

  /** As {@link #awaitReach(String, WsClient)}, answering whether a probe arrived within {@code millis}. */
  boolean awaitReach(String address, WsClient socket, long millis) {
    String probe = UUID.randomUUID().toString();
    long deadline = System.currentTimeMillis() + millis;
    while (true) {
      node.vertx().eventBus().publish(address, new JsonObject().put("type", "probe").put("probe", probe));
      try {
        socket.next(f -> probe.equals(f.getString("probe")), 200);
        return true;
      } catch (AssertionError notYet) {
        if (System.currentTimeMillis() > deadline || socket.isClosed()) {
          return false;
        }
      }
    }
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
