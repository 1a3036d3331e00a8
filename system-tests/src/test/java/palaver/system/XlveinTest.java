package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.testing.Await;

/**
 * xlvein's formats against a whole node (gateway, message-service and the
 * rest, real store), driven by the JDK's WebSocket and HTTP clients the way
 * an xlvein app server and its users drive xlvein.
 */
@DisplayName("xlvein end to end: stored pushes, replayed signs, client messages, errors")
class XlveinTest {
  private static final String KEY = "xl-key";
  private static final String SECRET = "xlvein-end-to-end-secret-0123456789abcdef";
  /**
   * Short for the test of a silent client, long enough for the stalled one's queue to fill first (neither
   * pongs); the JDK's clients answer every 200 ms ping by themselves.
   */
  private static final int IDLE_TIMEOUT_MS = 8_000;
  private static TestServer server;

  @BeforeAll
  static void start() {
    JsonArray apps = new JsonArray().add(new JsonObject().put("id", "xl-app").put("key", KEY).put("secret", SECRET));
    server = TestServer.standalone(new JsonObject().put("apps", apps).put("wsPingIntervalMs", 200)
        .put("wsIdleTimeoutMs", IDLE_TIMEOUT_MS).put("wsOutboundQueueBytes", 64 * 1024));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("Pushes to an offline account arrive once, in order, when it connects, then live; a reconnect gets none again")
  void offlineThenConnect() throws Exception {
    String u = account();
    for (int i = 1; i <= 3; i++) {
      assertEquals(0, push(u, new JsonObject().put("n", i)).getInteger("error"));
    }
    try (XlveinClient c = connect(u)) {
      for (int i = 1; i <= 3; i++) {
        JsonObject got = c.next();
        assertEquals(u, got.getString("to"));
        assertEquals(i, got.getJsonObject("data").getInteger("n"));
      }
      push(u, new JsonObject().put("n", 4));
      assertEquals(4, c.next().getJsonObject("data").getInteger("n"));
      assertNull(c.poll(700));
    }
    Thread.sleep(600); // the delivered mark is written within a fraction of a second
    try (XlveinClient again = connect(u)) {
      assertNull(again.poll(1_000));
    }
  }

  @Test
  @DisplayName("A replayed sign is answered as a success and delivered once")
  void replayedSign() throws Exception {
    String u = account();
    String message = new JsonObject().put("k", "once").encode();
    String nonce = UUID.randomUUID().toString();
    String sign = XlveinClient.sign(KEY, u, message, nonce, SECRET);
    assertEquals(0, XlveinClient.pushForm(server.httpPort(), KEY, u, message, nonce, sign).getInteger("error"));
    assertEquals(0, XlveinClient.pushForm(server.httpPort(), KEY, u, message, nonce, sign).getInteger("error"));
    try (XlveinClient c = connect(u)) {
      assertEquals("once", c.next().getJsonObject("data").getString("k"));
      assertEquals(0, XlveinClient.pushForm(server.httpPort(), KEY, u, message, nonce, sign).getInteger("error"));
      assertNull(c.poll(1_000));
    }
  }

  @Test
  @DisplayName("One account's {to, data} reaches another, online, as xlvein's message frame; the sender gets an ack")
  void clientToClient() throws Exception {
    String a = account();
    String b = account();
    try (XlveinClient ca = connect(a); XlveinClient cb = connect(b)) {
      ca.send(new JsonObject().put("to", b).put("data", new JsonObject().put("text", "hello b")));
      JsonObject got = cb.next();
      assertEquals(a, got.getString("from"));
      assertEquals(b, got.getString("to"));
      assertEquals(1, got.getInteger("event"));
      assertEquals("hello b", got.getJsonObject("data").getString("text"));
      JsonObject ack = ca.next();
      assertEquals("ack", ack.getString("type"));
      assertEquals(got.getString("msg_id"), ack.getString("msg_id"));
      assertEquals(got.getString("conversation_id"), ack.getString("conversation_id"));
    }
  }

  @Test
  @DisplayName("A message to an offline account is stored and arrives when it connects")
  void clientToOffline() throws Exception {
    String a = account();
    String b = account();
    try (XlveinClient ca = connect(a)) {
      ca.send(new JsonObject().put("to", b).put("data", new JsonObject().put("text", "later")));
      assertEquals("ack", ca.next().getString("type"));
    }
    try (XlveinClient cb = connect(b)) {
      JsonObject got = cb.next();
      assertEquals(a, got.getString("from"));
      assertEquals("later", got.getJsonObject("data").getString("text"));
    }
  }

  @Test
  @DisplayName("A bad sign answers 1002 and delivers nothing")
  void badSign() throws Exception {
    String u = account();
    String message = new JsonObject().put("k", "v").encode();
    String sign = XlveinClient.sign(KEY, u, message, "n1", "not-the-secret");
    assertEquals(1002, XlveinClient.pushForm(server.httpPort(), KEY, u, message, "n1", sign).getInteger("error"));
    try (XlveinClient c = connect(u)) {
      assertNull(c.poll(700));
    }
  }

  @Test
  @DisplayName("A message that is not a JSON object answers 1003")
  void badMessage() {
    String u = account();
    for (String message : List.of("not json", "[1]", "\"text\"")) {
      String sign = XlveinClient.sign(KEY, u, message, "n2", SECRET);
      assertEquals(1003, XlveinClient.pushForm(server.httpPort(), KEY, u, message, "n2", sign).getInteger("error"),
          message);
    }
  }

  @Test
  @DisplayName("A JSON body is accepted like a form")
  void jsonBody() throws Exception {
    String u = account();
    String message = new JsonObject().put("k", "json").encode();
    JsonObject body = new JsonObject().put("app_key", KEY).put("send_to", u).put("message", message).put("nonce", "n3")
        .put("sign", XlveinClient.sign(KEY, u, message, "n3", SECRET));
    assertEquals(new JsonObject().put("error", 0).put("data", new JsonObject()).put("message", ""),
        XlveinClient.pushJson(server.httpPort(), body));
    try (XlveinClient c = connect(u)) {
      assertEquals("json", c.next().getJsonObject("data").getString("k"));
    }
  }

  @Test
  @DisplayName("A token not signed with the app's secret is refused at the upgrade with 401")
  void badTokenRefused() {
    WebSocketHandshakeException refused = assertThrows(WebSocketHandshakeException.class,
        () -> XlveinClient.connect(server.httpPort(), KEY, XlveinClient.token("another-secret-another-secret-123", "x")));
    assertEquals(401, refused.getResponse().statusCode());
  }

  @Test
  @DisplayName("The server pings connected clients")
  void serverPings() throws Exception {
    try (XlveinClient c = connect(account())) {
      Await.until("pings arrive", 5_000, () -> c.pings.get() >= 2);
    }
  }

  @Test
  @DisplayName("A client that never answers the pings is closed with 4408 after the idle timeout")
  void silentClientClosed() {
    String query = "/ws/connect?app_id=" + KEY + "&token=" + XlveinClient.token(SECRET, account());
    try (RawWsClient raw = RawWsClient.connect(server.httpPort(), 64 * 1024, query)) {
      long started = System.currentTimeMillis();
      int pings = 0;
      RawWsClient.Frame frame;
      while (!(frame = raw.read()).isClose()) {
        pings += frame.opcode() == 9 ? 1 : 0;
      }
      assertEquals(4408, frame.closeCode());
      assertTrue(pings >= 2, "pings before the close: " + pings);
      assertTrue(System.currentTimeMillis() - started >= IDLE_TIMEOUT_MS - 100);
    }
  }

  @Test
  @DisplayName("A client too slow to read is closed with 4008; what it never got arrives on its next connection")
  void slowClientLosesNothing() throws Exception {
    String u = account();
    String query = "/ws/connect?app_id=" + KEY + "&token=" + XlveinClient.token(SECRET, u);
    // Large (the app's 10 KiB limit) and many (past the OS's socket buffers), sent 50 at a time so they are all
    // made well within the idle timeout (the stalled client can't pong).
    int pushes = 700;
    String filler = "x".repeat(8_000);
    Set<Integer> received = new HashSet<>();
    try (RawWsClient stalled = RawWsClient.connect(server.httpPort(), 4096, query)) {
      for (int batch = 0; batch < pushes; batch += 50) {
        List<CompletableFuture<JsonObject>> answers = new ArrayList<>();
        for (int i = batch; i < batch + 50; i++) {
          String text = new JsonObject().put("n", i).put("filler", filler).encode();
          String nonce = UUID.randomUUID().toString();
          answers.add(XlveinClient.pushFormAsync(server.httpPort(), KEY, u, text, nonce,
              XlveinClient.sign(KEY, u, text, nonce, SECRET)));
        }
        for (CompletableFuture<JsonObject> answer : answers) {
          assertEquals(0, answer.get(20, TimeUnit.SECONDS).getInteger("error"));
        }
      }
      RawWsClient.Frame frame;
      while (!(frame = stalled.read()).isClose()) {
        if (frame.isText()) {
          received.add(frame.json().getJsonObject("data").getInteger("n"));
        }
      }
      assertEquals(4008, frame.closeCode());
    }
    assertTrue(received.size() < pushes, "the stalled client got everything: nothing was tested");
    Thread.sleep(600);
    try (XlveinClient again = connect(u)) {
      JsonObject next;
      while ((next = again.poll(1_500)) != null) {
        received.add(next.getJsonObject("data").getInteger("n"));
      }
    }
    assertEquals(pushes, received.size());
  }

  private static String account() {
    return "acc-" + UUID.randomUUID();
  }

  private static XlveinClient connect(String account) throws WebSocketHandshakeException {
    return XlveinClient.connect(server.httpPort(), KEY, XlveinClient.token(SECRET, account));
  }

  private static JsonObject push(String sendTo, JsonObject message) {
    String text = message.encode();
    String nonce = UUID.randomUUID().toString();
    return XlveinClient.pushForm(server.httpPort(), KEY, sendTo, text, nonce, XlveinClient.sign(KEY, sendTo, text, nonce, SECRET));
  }
}
