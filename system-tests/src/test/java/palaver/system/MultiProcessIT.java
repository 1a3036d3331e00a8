package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import palaver.system.Http.User;
import palaver.testing.Await;
import palaver.testing.Ports;

/** The standalone jar as separate JVMs: clustering, restarts, signals and exit codes. */
@DisplayName("The standalone jar run as separate processes")
class MultiProcessIT {
  private static Vertx vertx;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  @Test
  @DisplayName("Two clustered processes sharing one embedded store pass a message between their users")
  void twoProcessCluster(@TempDir Path dir) {
    TestCluster cluster = new TestCluster(2);
    int storePort = Ports.free();
    int http1 = Ports.free();
    int http2 = Ports.free();
    try (JarProcess first = JarProcess.start("cluster-1", JarProcess.STANDALONE_JAR,
            "--cluster", "--cluster-name", cluster.name(), "--cluster-host", "127.0.0.1",
            "--cluster-port", "" + cluster.port(0), "--seeds", cluster.seeds(),
            "--store-port", "" + storePort, "--data-dir", dir.resolve("data").toString(),
            "--http-port", "" + http1).awaitHealthy(http1, 90_000);
        JarProcess second = JarProcess.start("cluster-2", JarProcess.STANDALONE_JAR,
            "--cluster", "--cluster-name", cluster.name(), "--cluster-host", "127.0.0.1",
            "--cluster-port", "" + cluster.port(1), "--seeds", cluster.seeds(),
            "--mongo-uri", "mongodb://127.0.0.1:" + storePort, "--store-tls-dir", dir.resolve("data").resolve("store-tls").toString(), "--jwt-secret-file", dir.resolve("data").resolve("jwt.secret").toString(), "--http-port", "" + http2)
            .awaitHealthy(http2, 90_000)) {
      Http one = new Http(vertx, http1);
      Http two = new Http(vertx, http2);
      User alice = one.newUser("Alice");
      User bob = two.newUser("Bob");
      String sid = one.newGroup(alice, "two-jvms");
      two.join(bob, sid);
      try (WsClient wa = WsClient.connect(vertx, http1, alice.token());
          WsClient wb = WsClient.connect(vertx, http2, bob.token())) {
        JsonObject ack = wa.send(sid, "mp-1", "from process one");
        JsonObject got = wb.next(f -> "message".equals(f.getString("type")) && "text".equals(f.getString("msgType")));
        assertEquals("from process one", got.getString("content"));
        assertEquals(ack.getLong("seq"), got.getLong("seq"));
        JsonObject back = wb.send(sid, "mp-2", "and back");
        JsonObject reply = wa.next(f -> "message".equals(f.getString("type")) && "mp-2".equals(cidOf(f, back)));
        assertEquals("and back", reply.getString("content"));
      }
    }
  }

  @Test
  @DisplayName("Users of a gateway process killed with -9 show offline on the other nodes within 30 s")
  void presenceAfterGatewayKill(@TempDir Path dir) {
    TestCluster cluster = new TestCluster(2);
    int storePort = Ports.free();
    int http1 = Ports.free();
    int http2 = Ports.free();
    try (JarProcess main = JarProcess.start("presence-main", JarProcess.STANDALONE_JAR,
            "--cluster", "--cluster-name", cluster.name(), "--cluster-port", "" + cluster.port(0),
            "--seeds", cluster.seeds(), "--store-port", "" + storePort,
            "--data-dir", dir.resolve("data").toString(), "--http-port", "" + http1).awaitHealthy(http1, 90_000);
        JarProcess gateway = JarProcess.start("presence-gateway", Path.of("..", "gateway", "target", "palaver-gateway.jar"),
            "--cluster", "--cluster-name", cluster.name(), "--cluster-port", "" + cluster.port(1),
            "--seeds", cluster.seeds(), "--http-port", "" + http2).awaitHealthy(http2, 90_000)) {
      Http api = new Http(vertx, http1);
      User alice = api.newUser("Alice");
      User bob = api.newUser("Bob");
      String sid = api.newGroup(bob, "watchers");
      api.join(alice, sid);
      WsClient aliceOnGateway = WsClient.connect(vertx, http2, alice.token());
      Await.until("alice online", 15_000, () -> "online".equals(stateOf(api, bob, sid, alice.uid())));
      gateway.kill9();
      long killedAt = System.currentTimeMillis();
      Await.until("alice offline", 40_000, () -> "offline".equals(stateOf(api, bob, sid, alice.uid())));
      long took = System.currentTimeMillis() - killedAt;
      assertTrue(took <= 30_000, "offline after " + took + " ms");
      aliceOnGateway.close();
    }
  }

  private static String stateOf(Http api, User viewer, String sid, String uid) {
    var members = api.get("/sessions/" + sid, viewer.token()).json().getJsonArray("members");
    for (int i = 0; i < members.size(); i++) {
      if (uid.equals(members.getJsonObject(i).getString("uid"))) {
        return members.getJsonObject(i).getString("state");
      }
    }
    return null;
  }

  /** A healthy non-clustered standalone process on {@code dataDir}. */
  private static JarProcess standalone(String name, String dataDir, int http) {
    return JarProcess.start(name, JarProcess.STANDALONE_JAR, "--data-dir", dataDir, "--http-port", "" + http)
        .awaitHealthy(http, 90_000);
  }

  /** Posts a text over REST and returns the ack. */
  private static JsonObject post(Http api, User user, String sid, String cid, String text) {
    Http.Response ack = api.send(user, sid, cid, text);
    assertEquals(200, ack.status());
    return ack.json();
  }

  private static String cidOf(JsonObject frame, JsonObject ack) {
    return ack.getString("id").equals(frame.getString("id")) ? ack.getString("cid") : null;
  }

  @Test
  @DisplayName("A restarted standalone process finds its data intact in the same data dir")
  void restartKeepsData(@TempDir Path dir) {
    int http = Ports.free();
    String dataDir = dir.resolve("data").toString();
    User alice;
    String sid;
    try (JarProcess first = standalone("restart-1", dataDir, http)) {
      Http api = new Http(vertx, http);
      alice = api.newUser("Alice");
      sid = api.newGroup(alice, "durable");
      post(api, alice, sid, "d-1", "kept");
      first.terminate();
    }
    try (JarProcess second = standalone("restart-2", dataDir, http)) {
      Http api = new Http(vertx, http);
      Http.Response login = api.post("/auth/login", null,
          new JsonObject().put("login", alice.login()).put("password", "plover-kettle-41"));
      assertEquals(200, login.status());
      assertEquals(200, api.get("/users/me", alice.token()).status(), "the signing key survived too");
      Http.Response history = api.get("/sessions/" + sid + "/messages", alice.token());
      var messages = history.json().getJsonArray("messages");
      assertEquals("kept", messages.getJsonObject(messages.size() - 1).getString("content"));
    }
  }

  @Test
  @DisplayName("An acked message survives kill -9 of the process that holds the embedded store")
  void ackedSurvivesKill(@TempDir Path dir) {
    int http = Ports.free();
    String dataDir = dir.resolve("data").toString();
    User alice;
    String sid;
    long seq;
    try (JarProcess first = standalone("kill-1", dataDir, http)) {
      Http api = new Http(vertx, http);
      alice = api.newUser("Alice");
      sid = api.newGroup(alice, "crashy");
      seq = post(api, alice, sid, "k-1", "acked then killed").getLong("seq");
      first.kill9();
    }
    try (JarProcess second = standalone("kill-2", dataDir, http)) {
      Http api = new Http(vertx, http);
      Http.Response history = api.get("/sessions/" + sid + "/messages?after=" + (seq - 1), alice.token());
      assertEquals(200, history.status());
      assertEquals("acked then killed", history.json().getJsonArray("messages").getJsonObject(0).getString("content"));
    }
  }

  @Test
  @DisplayName("SIGTERM closes open sockets with 1001 and the process exits")
  void gracefulShutdown(@TempDir Path dir) {
    int http = Ports.free();
    try (JarProcess node = standalone("sigterm", dir.resolve("data").toString(), http)) {
      User u = new Http(vertx, http).newUser("Leaving");
      try (WsClient ws = WsClient.connect(vertx, http, u.token())) {
        node.terminate();
        assertEquals(1001, ws.awaitClose());
      }
      assertFalse(node.isAlive());
      assertFalse(node.output().contains("Exception"), node.output());
    }
  }

  @Test
  @DisplayName("--help prints every flag and exits 0")
  void help() {
    try (JarProcess p = JarProcess.start("help", JarProcess.STANDALONE_JAR, "--help")) {
      assertEquals(0, p.awaitExit(30_000));
      for (String flag : new String[] {"--http-port", "--data-dir", "--mongo-uri", "--cluster", "--cluster-host",
          "--cluster-port", "--seeds", "--public-host", "--store-port"}) {
        assertTrue(p.output().contains(flag), flag + " in " + p.output());
      }
    }
  }

  @Test
  @DisplayName("An unknown flag is one clear line and exit code 2")
  void badFlag() {
    try (JarProcess p = JarProcess.start("bad-flag", JarProcess.STANDALONE_JAR, "--no-such-flag")) {
      assertEquals(2, p.awaitExit(30_000));
      assertTrue(p.output().contains("--no-such-flag"), p.output());
      assertFalse(p.output().contains("\tat "), "no stack trace: " + p.output());
    }
  }

  @Test
  @DisplayName("A store that can't be reached is a clear error, a non-zero exit and no stack trace")
  void unreachableStore() {
    int deadPort = Ports.free();
    try (JarProcess p = JarProcess.start("no-store", JarProcess.STANDALONE_JAR,
        "--mongo-uri", "mongodb://127.0.0.1:" + deadPort, "--mongo-timeout-ms", "1500",
        "--http-port", "" + Ports.free())) {
      int code = p.awaitExit(60_000);
      assertTrue(code != 0, "exit code " + code);
      assertTrue(p.output().contains("cannot reach the store at mongodb://127.0.0.1:" + deadPort), p.output());
      assertFalse(p.output().contains("\tat "), "no stack trace: " + p.output());
    }
  }
}
