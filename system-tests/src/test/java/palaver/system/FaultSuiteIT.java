package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import palaver.system.Http.User;
import palaver.system.SteadySender.Node;
import palaver.testing.Await;
import palaver.testing.Ports;

/**
 * The fault suite (issue 19): separate JVMs — the standalone jar holding the embedded store (every service),
 * a message-service-only process and two gateway-only processes — with four clients sending at a steady rate
 * (two homed on each gateway) and recording every ack. Each test injects one fault while they send, then
 * reads every session's history back ({@link HistoryChecker}) and asserts 0 lost, 0 duplicated, 0 gaps,
 * 0 reorders, and recovery within a bound. A slow consumer (a socket that reads nothing) is a member of
 * every session throughout, and the gateway kill comes with a reconnect storm. Each test prints one row of
 * the table in docs/reliability.md and appends it to {@code target/fault-suite.md}. Gateway 1 runs in a
 * network namespace of its own when one can be made (root), so that it can be cut off; without one the
 * partition test is skipped and the other four run.
 *
 * <p>Longer runs: e.g. {@code -Dfaults.trafficMs=15000} (traffic before and after each fault), {@code
 * -Dfaults.rate=40} (sends per second over all senders), {@code -Dfaults.storm=400} (docs/reliability.md).
 */
@DisplayName("Fault suite: kill -9, SIGSTOP and a partition under steady traffic lose, duplicate and skip nothing")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {
  private static final Path GATEWAY_JAR = Path.of("..", "gateway", "target", "palaver-gateway.jar");
  private static final Path MESSAGE_JAR = Path.of("..", "message-service", "target", "palaver-message-service.jar");
  private static final long TRAFFIC_MS = Long.getLong("faults.trafficMs", 3_000);
  private static final int RATE = Integer.getInteger("faults.rate", 20);
  private static final int STORM = Integer.getInteger("faults.storm", 200);
  private static final int SENDERS = 4;
  /** Sends must flow again within this after a fault ends (the store node's restart included). */
  private static final long SEND_RECOVERY_BOUND_MS = 60_000;
  /** DESIGN.md §6: a user whose gateway died shows offline within 30 s. */
  private static final long PRESENCE_BOUND_MS = 30_000;
  /** Longer than Hazelcast's failure detection (8 s without a heartbeat). */
  private static final long PAUSE_MS = 12_000;
  /** A send slower than this counts as disturbed by the fault (its answer normally takes milliseconds). */
  private static final long SLOW_SEND_MS = 2_000;
  /** How long a JVM may take to start: four start at once on 2 shared cores (one took 100 s at a load of 27). */
  private static final long START_MS = 180_000;
  private static final ExecutorService PROBES = Executors.newCachedThreadPool();
  private static final Path TABLE = Path.of("target", "fault-suite.md");

  @TempDir
  static Path dir;
  private static Vertx vertx;
  private static TestCluster cluster;
  private static NetworkNamespace netns;
  /** Where the nodes outside a namespace bind their cluster ports: the veth's host side, or 127.0.0.1. */
  private static String host;
  private static int storePort;
  private static int httpStore;
  private static int http1;
  private static int http2;
  /** The message-service process's management port (/metrics). */
  private static int messagesManagement;
  private static JarProcess store;
  private static JarProcess messages;
  private static JarProcess gateway1;
  private static JarProcess gateway2;
  private static Http api;
  private static User owner;
  private static User bystander;
  private static User slow;
  private static final List<User> senders = new ArrayList<>();
  private static final List<User> stormUsers = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    cluster = new TestCluster(4);
    netns = NetworkNamespace.create();
    host = netns == null ? "127.0.0.1" : netns.hostAddress();
    storePort = Ports.free();
    httpStore = Ports.free();
    http1 = Ports.free();
    http2 = Ports.free();
    store = startStore("fault-store");
    messagesManagement = Ports.free();
    messages = startMessages("fault-messages");
    gateway1 = startGateway("fault-gateway-1", 2, http1);
    gateway2 = startGateway("fault-gateway-2", 3, http2);
    awaitUp(messages);
    store.awaitHealthy(httpStore, START_MS);
    awaitHealthy(gateway1(), START_MS);
    awaitHealthy(gateway2(), START_MS);
    api = new Http(vertx, httpStore);
    owner = api.newUser("Owner");
    bystander = api.newUser("Bystander");
    slow = api.newUser("Slow");
    for (int i = 0; i < SENDERS; i++) {
      senders.add(api.newUser("Sender" + i));
    }
    for (int i = 0; i < (STORM + 49) / 50; i++) {
      stormUsers.add(api.newUser("Storm" + i));
    }
    awaitCrossDelivery(gateway1(), gateway2());
    awaitCrossDelivery(gateway2(), gateway1());
    if (!Files.exists(TABLE)) {
      Files.writeString(TABLE, "| fault | acked | stored | lost | duplicated | gaps | reorders | sends recovered | "
          + "longest send | presence recovered | notes |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    }
  }

  @AfterAll
  static void stop() {
    for (JarProcess p : new JarProcess[] {gateway1, gateway2, messages, store}) {
      if (p != null) {
        if (p.isAlive()) {
          p.resume();
        }
        p.close();
      }
    }
    if (netns != null) {
      netns.close();
    }
    PROBES.shutdownNow();
    vertx.close();
  }

  @Test
  @Order(1)
  @DisplayName("SIGSTOP of a message-service past failure detection, then SIGCONT: it writes no seq another instance took")
  void pauseMessageService() throws Exception {
    Run run = new Run("SIGSTOP 12 s of a message-service", List.of(gateway1(), gateway2()),
        List.of(gateway2(), gateway1()));
    run.traffic();
    int removedBefore = count(store.output(), "memberRemoved");
    double storedBefore = metric(messagesManagement, "palaver_messages_stored_total");
    double shedBefore = metric(messagesManagement, "palaver_message_shed_total");
    long at = run.fault(PRESENCE_BOUND_MS);
    messages.pause();
    Thread.sleep(PAUSE_MS);
    messages.resume();
    long resumed = System.currentTimeMillis();
    run.traffic();
    // What the frozen instance did once let go: sends that reached it before it froze, long given up by
    // their gateways, are dropped unwritten past their deadline or stored by the indexes' rules.
    double storedAfter = metric(messagesManagement, "palaver_messages_stored_total") - storedBefore;
    double shedAfter = metric(messagesManagement, "palaver_message_shed_total") - shedBefore;
    run.finish(at, "frozen " + (resumed - at) + " ms; the frozen instance "
        + (count(store.output(), "memberRemoved") > removedBefore ? "was dropped from the cluster"
            : "was not seen dropped") + ", and after SIGCONT stored " + (long) storedAfter + " messages and shed "
        + (long) shedAfter + " stale sends unwritten");
    assertTrue(messages.isAlive(), "the paused message-service runs on after SIGCONT");
  }

  @Test
  @Order(2)
  @DisplayName("kill -9 of a message-service process: the gateways retry the sends on the other instance")
  void killMessageService() throws Exception {
    Run run = new Run("kill -9 of a message-service", List.of(gateway1(), gateway2()),
        List.of(gateway2(), gateway1()));
    run.traffic();
    long at = run.fault(PRESENCE_BOUND_MS);
    messages.kill9();
    run.traffic();
    run.finish(at, "not restarted: the store node's instance serves on");
  }

  @Test
  @Order(3)
  @DisplayName("kill -9 of the node holding the store, restarted on the same data dir: every acked message is there")
  void killStoreNode() throws Exception {
    Run run = new Run("kill -9 of the store node, restart on its data dir", List.of(gateway1(), gateway2()),
        List.of(gateway2(), gateway1()));
    run.traffic();
    // Presence lives in user-service, on the store node: it can't be right before that node is back.
    long at = run.fault(SEND_RECOVERY_BOUND_MS);
    store.kill9();
    store = startStore("fault-store-b");
    store.awaitHealthy(httpStore, START_MS);
    long restarted = System.currentTimeMillis();
    run.traffic();
    run.finish(at, "the node was back (healthy) " + (restarted - at) + " ms after the kill");
  }

  @Test
  @Order(4)
  @DisplayName("A gateway cut off by a network partition and healed: its clients move, nothing is lost")
  void partitionGateway() throws Exception {
    Assumptions.assumeTrue(netns != null, "network namespaces need root (ip netns); CI runs as root");
    Run run = new Run("network partition of a gateway, healed", List.of(gateway1(), gateway2()),
        List.of(gateway2(), gateway1()));
    try (WsClient onVictim = connect(gateway1(), bystander)) {
      run.awaitBystander(true);
      run.traffic();
      long at = run.fault(PRESENCE_BOUND_MS);
      netns.cut();
      run.traffic();
      run.awaitPresence();
      netns.heal();
      long healed = System.currentTimeMillis();
      long back = awaitSendThrough(gateway1(), run.sids.get(0)) - healed;
      run.traffic();
      run.finish(at, "cut for " + (healed - at) + " ms; after healing, a new client's send through that gateway was"
          + " acked within " + back + " ms");
    }
  }

  @Test
  @Order(5)
  @DisplayName("kill -9 of a gateway with a reconnect storm: its clients move to the other gateway, its users go offline")
  void killGateway() throws Exception {
    Run run = new Run("kill -9 of a gateway, " + STORM + "-socket reconnect storm", List.of(gateway1(), gateway2()),
        List.of(gateway2(), gateway1()));
    List<WsClient> storm = connectStorm(gateway1());
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (WsClient onVictim = connect(gateway1(), bystander)) {
      run.awaitBystander(true);
      run.traffic();
      long at = run.fault(PRESENCE_BOUND_MS);
      gateway1.kill9();
      Future<Long> stormMs = background.submit(() -> reconnectStorm(storm, run.sids, gateway2()));
      run.traffic();
      long stormTook = stormMs.get(120, TimeUnit.SECONDS);
      run.finish(at, "all " + storm.size() + " storm sockets reconnected to the other gateway and synced from their"
          + " last seq within " + stormTook + " ms");
    } finally {
      background.shutdownNow();
      storm.forEach(WsClient::close);
    }
  }

  /** One fault's run: its own sessions and senders, the checker, the result row. */
  private static final class Run {
    final String fault;
    final List<String> sids = new ArrayList<>();
    final HistoryChecker checker = new HistoryChecker();
    final List<SteadySender> running = new ArrayList<>();
    final RawWsClient slowConsumer;
    final double loadBefore = load();
    long faultAt;
    long presenceBound;
    Future<Long> presence;

    /** Senders 0 and 1 start on {@code first}'s first node, 2 and 3 on {@code second}'s; each falls back along its list. */
    Run(String fault, List<Node> first, List<Node> second) {
      this.fault = fault;
      Http rest = restNode();
      List<User> members = new ArrayList<>(senders);
      members.add(bystander);
      members.add(slow);
      members.addAll(stormUsers);
      for (int i = 0; i < 2; i++) {
        sids.add(rest.newGroup(owner, fault + " " + i, members.toArray(new User[0])));
      }
      slowConsumer = RawWsClient.connect(http2, 4096).auth(slow.token());
      long interval = 1000L * SENDERS / RATE;
      for (int i = 0; i < SENDERS; i++) {
        running.add(new SteadySender(vertx, "s" + i + "-" + System.nanoTime(), senders.get(i).token(), sids,
            i < 2 ? first : second, interval, checker));
      }
    }

    void traffic() throws InterruptedException {
      Thread.sleep(TRAFFIC_MS);
    }

    /**
     * Marks the fault's start and begins watching presence through a node that is up: right again once every
     * sender shows online and the bystander (whose only socket, if any, was on the failed node) offline,
     * within {@code presenceBoundMs}.
     */
    long fault(long presenceBoundMs) {
      faultAt = System.currentTimeMillis();
      presenceBound = presenceBoundMs;
      presence = PROBES.submit(() -> {
        long deadline = faultAt + presenceBoundMs + 15_000;
        while (System.currentTimeMillis() < deadline) {
          Map<String, String> states = states();
          if (states != null && "offline".equals(states.get(bystander.uid()))
              && senders.stream().allMatch(u -> "online".equals(states.get(u.uid())))) {
            return System.currentTimeMillis() - faultAt;
          }
          sleep(250);
        }
        return -1L;
      });
      return faultAt;
    }

    /** Waits for the presence watch begun at the fault; how long after the fault presence was right (-1: never). */
    long awaitPresence() {
      try {
        return presence.get(presenceBound + 30_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        return -1;
      }
    }

    /** Before a fault: waits until the bystander shows {@code online} (or not). */
    void awaitBystander(boolean online) {
      Await.until("the bystander shows " + (online ? "online" : "offline"), 30_000, () -> {
        Map<String, String> states = states();
        return states != null && "online".equals(states.get(bystander.uid())) == online;
      });
    }

    /** uid → presence state of the first session's members, asked through the first node that answers. */
    private Map<String, String> states() {
      for (int port : new int[] {http2, httpStore, http1}) {
        try {
          Http.Response r = rest(port).get("/sessions/" + sids.get(0), owner.token());
          if (r.status() == 200) {
            Map<String, String> states = new HashMap<>();
            JsonArray members = r.json().getJsonArray("members");
            for (int i = 0; i < members.size(); i++) {
              states.put(members.getJsonObject(i).getString("uid"), members.getJsonObject(i).getString("state"));
            }
            return states;
          }
        } catch (RuntimeException | AssertionError down) {
          // that node is down: the next
        }
      }
      return null;
    }

    /** Stops the senders (each finishes its message in flight), checks the history, prints and asserts the row. */
    void finish(long at, String notes) throws IOException {
      long presenceMs = awaitPresence();
      running.forEach(SteadySender::stop);
      long recovered = 0;
      long longest = 0;
      int reconnects = 0;
      int retries = 0;
      int unacked = 0;
      for (SteadySender s : running) {
        long r = s.disturbedAfter(at, SLOW_SEND_MS);
        recovered = r < 0 || recovered < 0 ? -1 : Math.max(recovered, r);
        longest = Math.max(longest, s.longestSendMs());
        reconnects += s.reconnects();
        retries += s.retries();
        unacked += s.unacked();
        assertNull(s.failure(), s.failure());
      }
      Http rest = restNode();
      HistoryChecker.Result result = checker.check(sid -> rest.history(owner, sid));
      String slowState = slowConsumerState();
      running.forEach(SteadySender::close);
      String row = String.format("| %s | %d | %d | %d | %d | %d | %d | %s | %d ms | %s | %s%s%d reconnects, %d retries;"
              + " slow consumer %s; load %.1f → %.1f |",
          fault, result.acked(), result.stored(), result.lost(), result.duplicated(), result.gaps(), result.reorders(),
          recovered < 0 ? "never" : recovered + " ms", longest, presenceMs < 0 ? "not within bound" : presenceMs + " ms",
          notes, notes.isEmpty() ? "" : "; ", reconnects, retries, slowState,
          loadBefore, load());
      System.out.println(row);
      Files.writeString(TABLE, row + "\n", StandardOpenOption.APPEND);
      assertTrue(result.clean(), fault + ": " + result.problems());
      assertEquals(0, unacked, "every message was acked in the end");
      assertTrue(result.acked() > 0, "traffic flowed");
      assertTrue(recovered >= 0 && recovered <= SEND_RECOVERY_BOUND_MS,
          fault + ": sends recovered after " + recovered + " ms");
      assertTrue(presenceMs >= 0 && presenceMs <= presenceBound, fault + ": presence right after " + presenceMs + " ms");
    }

    /** What became of the socket that never read: the server's close code, or "open". */
    private String slowConsumerState() {
      try {
        int code = slowConsumer.closeCodeWithin(1_000);
        return code == 0 ? "still open" : "closed by the server with " + code;
      } finally {
        slowConsumer.close();
      }
    }
  }

  /** {@code STORM} sockets of the storm users on {@code node}, each ready. */
  private static List<WsClient> connectStorm(Node node) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      List<Future<WsClient>> sockets = new ArrayList<>();
      for (int i = 0; i < STORM; i++) {
        String token = stormUsers.get(i / 50).token();
        sockets.add(pool.submit(() -> WsClient.connectWithin(vertx, node.host(), node.port(), token, 20_000)));
      }
      List<WsClient> open = new ArrayList<>();
      for (Future<WsClient> f : sockets) {
        open.add(f.get(60, TimeUnit.SECONDS));
      }
      return open;
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Each storm socket, once it sees its gateway gone, reconnects to {@code port} and syncs both sessions,
   * all at once; replaces them in {@code storm}; returns how long until the last one had synced.
   */
  private static long reconnectStorm(List<WsClient> storm, List<String> sids, Node node) throws Exception {
    long start = System.currentTimeMillis();
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try {
      List<Future<WsClient>> again = new ArrayList<>();
      for (int i = 0; i < storm.size(); i++) {
        WsClient old = storm.get(i);
        String token = stormUsers.get(i / 50).token();
        again.add(pool.submit(() -> {
          Await.until("storm socket closed", 30_000, old::isClosed);
          old.close();
          // As a client resumes: from the last seq it holds of each session.
          JsonObject positions = new JsonObject();
          sids.forEach(sid -> positions.put(sid, lastSeq(old, sid)));
          for (int attempt = 0; ; attempt++) {
            try {
              WsClient ws = WsClient.connectWithin(vertx, node.host(), node.port(), token, 10_000);
              JsonObject synced = ws.requestWithin(new JsonObject().put("type", "sync").put("positions", positions),
                  20_000);
              if (synced != null && "synced".equals(synced.getString("type"))) {
                return ws;
              }
              ws.close();
            } catch (RuntimeException busy) {
              if (attempt > 20) {
                throw busy;
              }
            }
            Thread.sleep(200);
          }
        }));
      }
      for (int i = 0; i < storm.size(); i++) {
        storm.set(i, again.get(i).get(90, TimeUnit.SECONDS));
      }
      return System.currentTimeMillis() - start;
    } finally {
      pool.shutdown();
    }
  }

  /** The highest seq of {@code sid} up to which {@code ws} received every message. */
  private static long lastSeq(WsClient ws, String sid) {
    java.util.Set<Long> seqs = new java.util.HashSet<>();
    ws.received(f -> "message".equals(f.getString("type")) && sid.equals(f.getString("sid")))
        .forEach(f -> seqs.add(f.getLong("seq")));
    long last = 0;
    while (seqs.contains(last + 1)) {
      last++;
    }
    return last;
  }

  /** Opens a new socket on {@code node} until a send through it is acked; returns when that was. */
  private static long awaitSendThrough(Node node, String sid) {
    User who = senders.get(0);
    long deadline = System.currentTimeMillis() + 90_000;
    for (int i = 0; System.currentTimeMillis() < deadline; i++) {
      try (WsClient ws = WsClient.connectWithin(vertx, node.host(), node.port(), who.token(), 3_000)) {
        String cid = "healed-" + System.nanoTime();
        JsonObject ack = ws.requestWithin(WsClient.text(sid, cid, cid), SteadySender.ANSWER_MS);
        if (ack != null && "ack".equals(ack.getString("type"))) {
          return System.currentTimeMillis();
        }
      } catch (RuntimeException notYet) {
        // still merging
      }
      sleep(500);
    }
    throw new AssertionError("no send through " + node + " acked within 90 s of healing");
  }

  private static JarProcess startStore(String name) {
    return JarProcess.start(name, JarProcess.STANDALONE_JAR, clusterArgs(0, host, "--store-port", "" + storePort,
        "--data-dir", dir.resolve("data").toString(), "--http-port", "" + httpStore, "--max-connections-per-ip", "0",
        "--sign-ups-per-ip-per-minute", "1000", "--ws-max-sockets-per-user", "100"));
  }

  private static JarProcess startMessages(String name) {
    return JarProcess.start(name, MESSAGE_JAR, clusterArgs(1, host, "--mongo-uri", "mongodb://127.0.0.1:" + storePort,
        "--store-tls-dir", dir.resolve("data").resolve("store-tls").toString(), "--jwt-secret-file", jwtFile(),
        "--management-port", "" + messagesManagement));
  }

  /** Gateway 1 (index 2) runs in the network namespace when there is one, so that it can be cut off. */
  private static JarProcess startGateway(String name, int index, int http) {
    boolean inside = index == 2 && netns != null;
    return JarProcess.start(inside ? netns.exec() : List.of(), name, GATEWAY_JAR,
        clusterArgs(index, inside ? netns.innerAddress() : host, "--http-port", "" + http,
            "--jwt-secret-file", jwtFile(), "--max-connections-per-ip", "0", "--ws-max-sockets-per-user", "100"));
  }

  private static Node gateway1() {
    return new Node(netns == null ? "127.0.0.1" : netns.innerAddress(), http1);
  }

  private static Node gateway2() {
    return new Node("127.0.0.1", http2);
  }

  private static WsClient connect(Node node, User user) {
    return WsClient.connectWithin(vertx, node.host(), node.port(), user.token(), 10_000);
  }

  /**
   * Until a message sent through {@code from} reaches a socket on {@code to}: a node whose join timed out
   * under load forms a cluster of its own and merges only later, and traffic must not start before.
   */
  private static void awaitCrossDelivery(Node from, Node to) {
    User sender = senders.get(0);
    User watcher = senders.get(1);
    String sid = api.newGroup(owner, "cross " + System.nanoTime(), sender, watcher);
    Await.until("a message through " + from + " reaches " + to, 90_000, () -> {
      try (WsClient in = connect(from, sender); WsClient out = connect(to, watcher)) {
        String cid = "cross-" + System.nanoTime();
        in.requestWithin(WsClient.text(sid, cid, cid), 5_000);
        out.next(WsClient.messageWith(sid, cid), 3_000);
        return true;
      } catch (RuntimeException | AssertionError notYet) {
        return false;
      }
    });
  }

  private static void awaitUp(JarProcess messageService) {
    Await.until("message-service process up", START_MS,
        () -> messageService.output().contains("palaver-message-service started") || !messageService.isAlive());
    assertTrue(messageService.isAlive(), messageService.output());
  }

  private static void awaitHealthy(Node node, long millis) {
    java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
        .connectTimeout(java.time.Duration.ofSeconds(2)).build();
    Await.until(node + " healthy", millis, () -> {
      try {
        return client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://" + node.host() + ":" + node.port() + "/health"))
            .timeout(java.time.Duration.ofSeconds(3)).build(),
            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException notYet) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    });
  }

  private static String jwtFile() {
    return dir.resolve("data").resolve("jwt.secret").toString();
  }

  /** A REST client on a node that is up (the second gateway never fails in this suite). */
  private static Http restNode() {
    return rest(http2);
  }

  private static final Map<Integer, Http> REST = new HashMap<>();

  private static synchronized Http rest(int port) {
    return REST.computeIfAbsent(port, p -> new Http(vertx, p));
  }

  private static String[] clusterArgs(int index, String bindHost, String... more) {
    Map<Integer, String> hosts = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      hosts.put(i, host);
    }
    if (netns != null) {
      hosts.put(2, netns.innerAddress());
    }
    String seeds = hosts.entrySet().stream().map(e -> e.getValue() + ":" + cluster.port(e.getKey()))
        .collect(Collectors.joining(","));
    List<String> args = new ArrayList<>(List.of("--cluster", "--cluster-name", cluster.name(),
        "--cluster-host", bindHost, "--cluster-port", "" + cluster.port(index), "--seeds", seeds));
    args.addAll(List.of(more));
    return args.toArray(new String[0]);
  }

  /** The sum of a Prometheus counter's series on the management port {@code port}; -1 when unreadable. */
  private static double metric(int port, String name) {
    try {
      String text = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(java.time.Duration.ofSeconds(10))
          .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      double sum = 0;
      for (String line : text.split("\n")) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static int count(String text, String word) {
    int n = 0;
    for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
      n++;
    }
    return n;
  }

  private static double load() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static {
    // The table's date line, once per JVM.
    System.out.println("fault suite run at " + Instant.now() + " on " + Runtime.getRuntime().availableProcessors()
        + " cores");
  }
}
