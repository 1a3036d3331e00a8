package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.WebSocketHandshakeException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.standalone.StandaloneMain;
import palaver.store.EmbeddedStore;

/**
 * xlvein across two clustered nodes on one store: A runs every service, B
 * only a gateway. The app server calls one node, its accounts are connected
 * to the other.
 */
@DisplayName("xlvein across a cluster: pushes and messages cross gateways")
class XlveinClusterTest {
  private static final String KEY = "xl-cluster";
  private static final String SECRET = "xlvein-cluster-secret-0123456789abcdef0123";
  private static EmbeddedStore store;
  private static TestServer a;
  private static TestServer b;

  @BeforeAll
  static void start() {
    JsonArray apps = new JsonArray().add(new JsonObject().put("id", "xl-cluster").put("key", KEY).put("secret", SECRET));
    store = TestServer.newStore();
    TestCluster cluster = new TestCluster(2);
    a = cluster.start(cluster.config(0, store.connectionString()).put("apps", apps), StandaloneMain.services());
    b = cluster.start(cluster.config(1, store.connectionString()).put("apps", apps), TestServer.services("gateway"));
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
    store.close();
  }

  @Test
  @DisplayName("A push made on node A reaches the account connected to node B, once")
  void pushCrossesNodes() throws Exception {
    String u = account();
    try (XlveinClient c = connect(b, u)) {
      assertEquals(0, push(a, u, new JsonObject().put("k", "live")).getInteger("error"));
      assertEquals("live", c.next().getJsonObject("data").getString("k"));
      assertNull(c.poll(700));
    }
  }

  @Test
  @DisplayName("A push made on node B for an offline account arrives when it connects to node A")
  void offlinePushCrossesNodes() throws Exception {
    String u = account();
    assertEquals(0, push(b, u, new JsonObject().put("k", "stored")).getInteger("error"));
    try (XlveinClient c = connect(a, u)) {
      assertEquals("stored", c.next().getJsonObject("data").getString("k"));
    }
  }

  @Test
  @DisplayName("A client on node B messages an account connected to node A")
  void clientMessageCrossesNodes() throws Exception {
    String from = account();
    String to = account();
    try (XlveinClient cb = connect(b, from); XlveinClient ca = connect(a, to)) {
      cb.send(new JsonObject().put("to", to).put("data", new JsonObject().put("text", "across")));
      JsonObject got = ca.next();
      assertEquals(from, got.getString("from"));
      assertEquals("across", got.getJsonObject("data").getString("text"));
      assertEquals("ack", cb.next().getString("type"));
    }
  }

  private static String account() {
    return "acc-" + UUID.randomUUID();
  }

  private static XlveinClient connect(TestServer node, String account) throws WebSocketHandshakeException {
    return XlveinClient.connect(node.httpPort(), KEY, XlveinClient.token(SECRET, account));
  }

  private static JsonObject push(TestServer node, String sendTo, JsonObject message) {
    String text = message.encode();
    String nonce = UUID.randomUUID().toString();
    return XlveinClient.pushForm(node.httpPort(), KEY, sendTo, text, nonce,
        XlveinClient.sign(KEY, sendTo, text, nonce, SECRET));
  }
}
