package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.store.EmbeddedStore;

/**
 * The official SDKs, unmodified, against a two-node cluster: pusher-js
 * clients on either gateway, the {@code pusher} npm SDK as the app server
 * calling the other one. Node A runs every service; node B a gateway, a
 * second push-service and a second message-service, so the channel registry
 * and the inboxes are shared by two instances each.
 */
@DisplayName("pusher-js and the pusher SDK across two clustered nodes")
class PusherClusterSdkIT {
  private static final String APP = "cluster-app";
  private static final String KEY = "cluster-key";
  private static final String SECRET = "cluster-secret-0123456789abcdef0123456789";
  private static final long WAIT_MS = 20_000;
  private static EmbeddedStore store;
  private static TestServer a;
  private static TestServer b;
  private final AtomicInteger ids = new AtomicInteger();
  private NodeScript clientsOnA;
  private NodeScript clientsOnB;
  private NodeScript appServerOnB;

  @BeforeAll
  static void start() {
    JsonObject apps = new JsonObject().put("apps", new JsonArray().add(new JsonObject()
        .put("id", APP).put("key", KEY).put("secret", SECRET).put("enableClientMessages", true)));
    store = TestServer.newStore();
    TestCluster cluster = new TestCluster(2);
    a = cluster.start(cluster.config(0, store.connectionString()).mergeIn(apps),
        palaver.standalone.StandaloneMain.services());
    b = cluster.start(cluster.config(1, store.connectionString()).mergeIn(apps),
        TestServer.services("message-service", "push-service", "gateway"));
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
    store.close();
  }

  @BeforeEach
  void scripts() {
    clientsOnA = NodeScript.start("pusher-client.js", String.valueOf(a.httpPort()), KEY, SECRET);
    clientsOnB = NodeScript.start("pusher-client.js", String.valueOf(b.httpPort()), KEY, SECRET);
    appServerOnB = NodeScript.start("pusher-app.js", APP, KEY, SECRET, String.valueOf(b.httpPort()));
    for (NodeScript s : new NodeScript[] {clientsOnA, clientsOnB, appServerOnB}) {
      s.next("ready", WAIT_MS);
    }
  }

  @AfterEach
  void closeScripts() {
    for (NodeScript s : new NodeScript[] {clientsOnA, clientsOnB, appServerOnB}) {
      if (s != null) {
        s.close();
      }
    }
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void connect(NodeScript clients, String name, String userId) {
    clients.send(new JsonObject().put("cmd", "connect").put("name", name).put("user_id", userId));
    clients.next("connected", WAIT_MS);
  }

  private static JsonObject subscribe(NodeScript clients, String name, String channel) {
    clients.send(new JsonObject().put("cmd", "subscribe").put("name", name).put("channel", channel));
    return clients.next("subscribed", WAIT_MS);
  }

  /** One call of the app server's SDK; its answer {status, body}. */
  private JsonObject app(JsonObject call) {
    int id = ids.incrementAndGet();
    appServerOnB.send(call.put("id", id));
    while (true) {
      JsonObject result = appServerOnB.next("result", WAIT_MS);
      if (result.getInteger("id", -1) == id) {
        return result;
      }
    }
  }

  @Test
  @DisplayName("An event the pusher SDK triggers through node B reaches a pusher-js client subscribed on node A")
  void triggerCrossesNodes() {
    String channel = unique("news");
    connect(clientsOnA, "alice", "alice");
    subscribe(clientsOnA, "alice", channel);
    JsonObject result = app(new JsonObject().put("cmd", "trigger").put("channel", channel).put("event", "greeting")
        .put("data", new JsonObject().put("hello", "cluster")));
    assertEquals(200, result.getInteger("status"), result.encode());
    JsonObject event = clientsOnA.next("event", WAIT_MS);
    assertEquals(channel, event.getString("channel"));
    assertEquals("greeting", event.getString("event"));
    assertEquals("cluster", event.getJsonObject("data").getString("hello"));
  }

  @Test
  @DisplayName("Presence across nodes: each member sees the other, member_added once per user, member_removed when the user's last socket leaves")
  void presenceAcrossNodes() {
    String channel = unique("presence-room");
    connect(clientsOnA, "alice", "alice");
    assertEquals(new JsonArray().add("alice"), subscribe(clientsOnA, "alice", channel).getJsonArray("members"));

    connect(clientsOnB, "bob1", "bob");
    JsonObject bobView = subscribe(clientsOnB, "bob1", channel);
    assertEquals(new JsonArray().add("alice").add("bob"), bobView.getJsonArray("members"));
    JsonObject added = clientsOnA.next("member_added", WAIT_MS);
    assertEquals("bob", added.getString("user_id"));

    // A second socket of bob (on node A this time) is not a new member.
    connect(clientsOnA, "bob2", "bob");
    subscribe(clientsOnA, "bob2", channel);
    clientsOnB.send(new JsonObject().put("cmd", "disconnect").put("name", "bob1"));
    assertNull(pollType(clientsOnA, "member_removed", 1_500), "bob is still in through his socket on node A");

    clientsOnA.send(new JsonObject().put("cmd", "disconnect").put("name", "bob2"));
    JsonObject removed = clientsOnA.next("member_removed", WAIT_MS);
    assertEquals("bob", removed.getString("user_id"));
    assertNull(pollType(clientsOnA, "member_added", 500), "bob's second socket was never announced");
  }

  @Test
  @DisplayName("GET /channels through node B counts the subscribers and users of a presence channel held on node A")
  void channelQueriesSeeTheWholeCluster() {
    String channel = unique("presence-count");
    connect(clientsOnA, "carol", "carol");
    subscribe(clientsOnA, "carol", channel);
    connect(clientsOnA, "dave", "dave");
    subscribe(clientsOnA, "dave", channel);
    long deadline = System.currentTimeMillis() + WAIT_MS;
    JsonObject info;
    do {
      info = app(new JsonObject().put("cmd", "get").put("path", "/channels/" + channel)
          .put("params", new JsonObject().put("info", "user_count,subscription_count")));
    } while (info.getJsonObject("body").getInteger("user_count", 0) < 2 && System.currentTimeMillis() < deadline);
    assertEquals(200, info.getInteger("status"), info.encode());
    assertTrue(info.getJsonObject("body").getBoolean("occupied"), info.encode());
    assertEquals(2, info.getJsonObject("body").getInteger("user_count"), info.encode());
    assertEquals(2, info.getJsonObject("body").getInteger("subscription_count"), info.encode());
  }

  @Test
  @DisplayName("sendToUser through node B reaches the user signed in on node A, and one sent while they were away arrives when they sign in")
  void sendToUserAcrossNodesAndOffline() {
    String user = unique("erin");
    JsonObject offline = app(new JsonObject().put("cmd", "sendToUser").put("user", user).put("event", "while-away")
        .put("data", new JsonObject().put("n", 1)));
    assertEquals(200, offline.getInteger("status"), offline.encode());

    connect(clientsOnA, "erin", user);
    clientsOnA.send(new JsonObject().put("cmd", "signin").put("name", "erin").put("user_id", user));
    clientsOnA.next("signed_in", WAIT_MS);
    JsonObject stored = clientsOnA.next("user_event", WAIT_MS);
    assertEquals("while-away", stored.getString("event"));

    JsonObject live = app(new JsonObject().put("cmd", "sendToUser").put("user", user).put("event", "live")
        .put("data", new JsonObject().put("n", 2)));
    assertEquals(200, live.getInteger("status"), live.encode());
    assertEquals("live", clientsOnA.next("user_event", WAIT_MS).getString("event"));
    assertNull(pollType(clientsOnA, "user_event", 700), "each push arrives once");
  }

  /** The next line of {@code type} within {@code millis}, or null. */
  private static JsonObject pollType(NodeScript script, String type, long millis) {
    try {
      return script.next(type, millis);
    } catch (AssertionError e) {
      return null;
    }
  }
}
