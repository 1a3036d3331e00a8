package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.api.PushNames;
import palaver.runtime.Setting;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;

@DisplayName("xlvein on the gateway: /ws/connect, POST /api/v1/im/push, stored pushes replayed on connect")
class XlveinGatewayTest {
  static final String APP = "app1";
  static final String KEY = "key1";
  static final String SECRET = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-0001";
  static final String OTHER_KEY = "key2";
  static final String OTHER_SECRET = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-0002";
  /** An app allowing one socket per gateway, from one browser origin. */
  static final String LIMITED_KEY = "key3";
  static final String LIMITED_SECRET = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-0003";
  static final String ALLOWED_ORIGIN = "https://app3.example";
  static final int MAX_EVENT_BYTES = 1000;
  /** Many pings long (pings every 100 ms), so a busy machine's late pong does not close a test's socket. */
  static final int IDLE_TIMEOUT_MS = 1_500;
  private static final FakeInboxes INBOXES = new FakeInboxes();
  private static ServiceUnderTest gateway;
  private static WebClient http;

  @BeforeAll
  static void start() {
    JsonArray apps = new JsonArray()
        .add(new JsonObject().put("id", APP).put("key", KEY).put("secret", SECRET).put("maxEventBytes", MAX_EVENT_BYTES))
        .add(new JsonObject().put("id", "app2").put("key", OTHER_KEY).put("secret", OTHER_SECRET))
        .add(new JsonObject().put("id", "app3").put("key", LIMITED_KEY).put("secret", LIMITED_SECRET)
            .put("maxConnections", 1).put("allowedOrigins", new JsonArray().add(ALLOWED_ORIGIN)));
    JsonObject settings = new JsonObject().put(Setting.APPS.key(), apps)
        .put(Setting.WS_PING_INTERVAL_MS.key(), 100).put(Setting.WS_IDLE_TIMEOUT_MS.key(), IDLE_TIMEOUT_MS)
        .put(Setting.METRICS_TOKEN.key(), PublicMetricsTest.TOKEN);
    gateway = ServiceUnderTest.start(settings, List.of(INBOXES.neighbour), GatewayVerticle::new);
    INBOXES.vertx = gateway.vertx();
    http = WebClient.create(gateway.vertx());
  }

  @AfterAll
  static void stop() {
    http.close();
    gateway.close();
  }

  @AfterEach
  void noDelay() {
    INBOXES.sinceDelayMs = 0;
  }

  // ---- connect ----

  @Test
  @DisplayName("An unknown app_id is refused at the upgrade with 401")
  void unknownAppRefused() {
    assertEquals(401, refusal("app_id=nope&token=" + token(SECRET, user())));
  }

  @Test
  @DisplayName("A connect without a token is refused with 401")
  void missingTokenRefused() {
    assertEquals(401, refusal("app_id=" + KEY));
  }

  @Test
  @DisplayName("A token signed with another app's secret is refused with 401")
  void wrongSecretRefused() {
    assertEquals(401, refusal("app_id=" + KEY + "&token=" + token(OTHER_SECRET, user())));
  }

  @Test
  @DisplayName("A token with alg none is refused with 401")
  void algNoneRefused() {
    assertEquals(401, refusal("app_id=" + KEY + "&token=" + XlveinCredentials.unsigned(user())));
  }

  @Test
  @DisplayName("A token claiming another algorithm (HS512) is refused with 401 even when signed HS256")
  void otherAlgRefused() {
    String t = XlveinCredentials.jwt(new JsonObject().put("alg", "HS512"), new JsonObject().put("sub", user()), SECRET);
    assertEquals(401, refusal("app_id=" + KEY + "&token=" + t));
  }

  @Test
  @DisplayName("An expired token is refused with 401")
  void expiredRefused() {
    String t = XlveinCredentials.token(SECRET, user(), System.currentTimeMillis() / 1000 - 10);
    assertEquals(401, refusal("app_id=" + KEY + "&token=" + t));
  }

  @Test
  @DisplayName("A token without sub is refused with 401")
  void noSubRefused() {
    String t = XlveinCredentials.jwt(new JsonObject().put("alg", "HS256"), new JsonObject().put("exp",
        XlveinCredentials.inAnHour()), SECRET);
    assertEquals(401, refusal("app_id=" + KEY + "&token=" + t));
  }

  @Test
  @DisplayName("A garbage token is refused with 401")
  void garbageRefused() {
    assertEquals(401, refusal("app_id=" + KEY + "&token=a.b%25.c"));
  }

  @Test
  @DisplayName("A browser origin the app does not allow is refused with 403; an allowed one connects")
  void originChecked() {
    String query = "app_id=" + LIMITED_KEY + "&token=" + token(LIMITED_SECRET, user());
    Throwable t = Await.failure(XlveinSocket.connect(gateway.vertx(), gateway.httpPort(), query, "https://evil.example"));
    assertEquals(403, ((UpgradeRejectedException) t).getStatus());
    try (XlveinSocket s = Await.result(XlveinSocket.connect(gateway.vertx(), gateway.httpPort(), query, ALLOWED_ORIGIN))) {
      assertFalse(s.isClosed());
    }
  }

  @Test
  @DisplayName("A connect beyond the app's maxConnections is refused with 503, and accepted again once one closed")
  void connectionQuota() {
    String query = "app_id=" + LIMITED_KEY + "&token=" + token(LIMITED_SECRET, user());
    try (XlveinSocket first = Await.result(XlveinSocket.connect(gateway.vertx(), gateway.httpPort(), query, ALLOWED_ORIGIN))) {
      assertFalse(first.isClosed());
      Throwable t = Await.failure(XlveinSocket.connect(gateway.vertx(), gateway.httpPort(), query, ALLOWED_ORIGIN));
      assertEquals(503, ((UpgradeRejectedException) t).getStatus());
    }
    Await.until("the quota frees", 5_000, () -> Await.result(XlveinSocket.connect(gateway.vertx(), gateway.httpPort(),
        query, ALLOWED_ORIGIN).map(s -> {
          s.close();
          return true;
        }).otherwise(false)));
  }

  @Test
  @DisplayName("A token of the app's secret with a future exp connects")
  void validTokenConnects() {
    try (XlveinSocket s = connect(user())) {
      assertFalse(s.isClosed());
    }
  }

  @Test
  @DisplayName("The server pings an open socket periodically")
  void serverPings() {
    try (XlveinSocket s = connect(user())) {
      Await.until("a ping arrives", 5_000, () -> s.pings.get() >= 2);
    }
  }

  @Test
  @DisplayName("A client that answers pings stays connected past the idle timeout")
  void pongsKeepSocketOpen() throws InterruptedException {
    try (XlveinSocket s = connect(user())) {
      Thread.sleep(IDLE_TIMEOUT_MS * 2);
      assertFalse(s.isClosed());
    }
  }

  // ---- stored pushes on connect ----

  @Test
  @DisplayName("Pushes stored while the account was offline arrive on connect, in order, then live ones")
  void storedThenLive() {
    String u = user();
    pushOk(u, new JsonObject().put("n", 1));
    pushOk(u, new JsonObject().put("n", 2));
    try (XlveinSocket s = connect(u)) {
      assertEquals(1, s.next().getJsonObject("data").getInteger("n"));
      assertEquals(2, s.next().getJsonObject("data").getInteger("n"));
      pushOk(u, new JsonObject().put("n", 3));
      assertEquals(3, s.next().getJsonObject("data").getInteger("n"));
      assertNull(s.poll(300));
    }
  }

  @Test
  @DisplayName("A push made while the replay is read arrives once, in order (replay and live overlap)")
  void overlapDeliveredOnce() {
    String u = user();
    pushOk(u, new JsonObject().put("n", 1));
    INBOXES.sinceDelayMs = 500;
    var connecting = XlveinSocket.connect(gateway.vertx(), gateway.httpPort(), "app_id=" + KEY + "&token=" + token(SECRET, u));
    XlveinSocket s = Await.result(connecting);
    try (s) {
      pushOk(u, new JsonObject().put("n", 2));
      assertEquals(1, s.next().getJsonObject("data").getInteger("n"));
      assertEquals(2, s.next().getJsonObject("data").getInteger("n"));
      assertNull(s.poll(500));
    }
  }

  @Test
  @DisplayName("What was delivered is reported as the inbox's delivered mark")
  void deliveredMarkReported() {
    String u = user();
    pushOk(u, new JsonObject().put("n", 1));
    pushOk(u, new JsonObject().put("n", 2));
    try (XlveinSocket s = connect(u)) {
      s.next();
      s.next();
      Await.until("the mark reaches 2", 5_000, () -> INBOXES.deliveredMark(inbox(u)) == 2L);
    }
  }

  @Test
  @DisplayName("A second connection gets no push the first one already delivered")
  void deliveredNotReplayed() {
    String u = user();
    pushOk(u, new JsonObject().put("n", 1));
    try (XlveinSocket s = connect(u)) {
      s.next();
      Await.until("the mark reaches 1", 5_000, () -> INBOXES.deliveredMark(inbox(u)) == 1L);
    }
    try (XlveinSocket again = connect(u)) {
      assertNull(again.poll(500));
    }
  }

  // ---- client to client ----

  @Test
  @DisplayName("{to, data} from one account reaches the other as {from, to, event, data, msg_id, send_at, conversation_id}")
  void clientToClient() {
    String a = user();
    String b = user();
    try (XlveinSocket sa = connect(a); XlveinSocket sb = connect(b)) {
      sa.send(new JsonObject().put("to", b).put("data", new JsonObject().put("text", "hi")));
      JsonObject got = sb.next();
      assertEquals(Set.of("from", "to", "event", "data", "msg_id", "send_at", "conversation_id"), got.fieldNames());
      assertEquals(a, got.getString("from"));
      assertEquals(b, got.getString("to"));
      assertEquals(1, got.getInteger("event"));
      assertEquals(new JsonObject().put("text", "hi"), got.getJsonObject("data"));
      assertTrue(got.getLong("send_at") > 0);
      JsonObject ack = sa.next();
      assertEquals("ack", ack.getString("type"));
      assertEquals(got.getString("msg_id"), ack.getString("msg_id"));
      assertEquals(got.getString("conversation_id"), ack.getString("conversation_id"));
    }
  }

  @Test
  @DisplayName("The conversation id is the same in both directions and differs between pairs")
  void conversationIdIsOfThePair() {
    assertEquals(XlveinFrames.conversationId("a", "b"), XlveinFrames.conversationId("b", "a"));
    assertFalse(XlveinFrames.conversationId("a", "b").equals(XlveinFrames.conversationId("a", "c")));
  }

  @Test
  @DisplayName("A client message is stored in the receiver's inbox with the sender as uid and its msg_id as cid")
  void clientMessageStored() {
    String a = user();
    String b = user();
    try (XlveinSocket sa = connect(a)) {
      sa.send(new JsonObject().put("to", b).put("data", new JsonObject().put("x", 1)));
      JsonObject ack = sa.next();
      JsonObject stored = INBOXES.pushes(inbox(b)).get(0);
      assertEquals(ack.getString("msg_id"), stored.getString(Field.MSG_ID));
      assertEquals(a, stored.getJsonObject(Field.CONTENT).getString("from"));
    }
  }

  @Test
  @DisplayName("A frame that is not JSON gets error 1003 and the socket stays usable")
  void notJson() {
    try (XlveinSocket s = connect(user())) {
      s.sendText("{nope");
      assertEquals(1003, error(s.next()));
      s.send(new JsonObject().put("to", user()).put("data", new JsonObject()));
      assertEquals("ack", s.next().getString("type"));
    }
  }

  @Test
  @DisplayName("A frame without to gets error 1004")
  void missingTo() {
    try (XlveinSocket s = connect(user())) {
      s.send(new JsonObject().put("data", new JsonObject()));
      assertEquals(1004, error(s.next()));
    }
  }

  @Test
  @DisplayName("A frame whose to is not a string gets error 1004")
  void toNotString() {
    try (XlveinSocket s = connect(user())) {
      s.send(new JsonObject().put("to", 42).put("data", new JsonObject()));
      assertEquals(1004, error(s.next()));
    }
  }

  @Test
  @DisplayName("A frame whose data is not an object gets error 1003")
  void dataNotObject() {
    try (XlveinSocket s = connect(user())) {
      s.send(new JsonObject().put("to", user()).put("data", "text"));
      assertEquals(1003, error(s.next()));
    }
  }

  @Test
  @DisplayName("A frame whose data is over the app's maxEventBytes gets error 1003 and is not stored")
  void hugeData() {
    String b = user();
    try (XlveinSocket s = connect(user())) {
      s.send(new JsonObject().put("to", b).put("data", new JsonObject().put("x", "y".repeat(MAX_EVENT_BYTES))));
      assertEquals(1003, error(s.next()));
      assertTrue(INBOXES.pushes(inbox(b)).isEmpty());
    }
  }

  @Test
  @DisplayName("A binary frame gets error 1003")
  void binaryFrame() {
    try (XlveinSocket s = connect(user())) {
      s.sendBinary(new byte[] {1, 2, 3});
      assertEquals(1003, error(s.next()));
    }
  }

  @Test
  @DisplayName("A text message that is not UTF-8 closes the socket with 1007 before it is read")
  void invalidUtf8() {
    try (XlveinSocket s = connect(user())) {
      s.sendTextFragments(new byte[] {'{', '"', 't', 'o', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
      assertEquals(1007, s.closeCode());
    }
  }

  @Test
  @DisplayName("A message in fragments, a character split between two of them, is read as one message (here: not JSON, error 1003)")
  void fragmentedMessage() {
    try (XlveinSocket s = connect(user())) {
      byte[] text = "caf\u00e9 is not JSON".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      s.sendTextFragments(text, 2, 4);
      assertEquals(1003, error(s.next()));
      assertFalse(s.isClosed());
    }
  }

  @Test
  @DisplayName("A flood of WebSocket pings is charged to the send rate and closes the socket with 4429")
  void pingFlood() {
    try (XlveinSocket s = connect(user())) {
      for (int i = 0; i < 2_000 && s.whileOpen(s::sendPing); i++) {
        // the server closes the socket somewhere in here
      }
      assertEquals(4429, s.closeCode());
    }
  }

  // ---- HTTP push ----

  @Test
  @DisplayName("A signed JSON push answers {error:0, data:{}, message:\"\"} and the account gets {to, data, msg_id, send_at}")
  void jsonPush() {
    String u = user();
    try (XlveinSocket s = connect(u)) {
      JsonObject answer = post(XlveinCredentials.push(KEY, SECRET, u, new JsonObject().put("k", "v"), nonce()));
      assertEquals(new JsonObject().put("error", 0).put("data", new JsonObject()).put("message", ""), answer);
      JsonObject got = s.next();
      assertEquals(Set.of("to", "data", "msg_id", "send_at"), got.fieldNames());
      assertEquals(u, got.getString("to"));
      assertEquals(new JsonObject().put("k", "v"), got.getJsonObject("data"));
      assertNotNull(got.getString("msg_id"));
    }
  }

  @Test
  @DisplayName("A signed form push is accepted like a JSON one")
  void formPush() {
    String u = user();
    JsonObject body = XlveinCredentials.push(KEY, SECRET, u, new JsonObject().put("k", "form"), nonce());
    MultiMap form = MultiMap.caseInsensitiveMultiMap();
    body.forEach(e -> form.add(e.getKey(), (String) e.getValue()));
    JsonObject answer = Await.result(http.post(gateway.httpPort(), "127.0.0.1", "/api/v1/im/push").sendForm(form))
        .bodyAsJsonObject();
    assertEquals(0, answer.getInteger("error"));
    assertEquals("form", INBOXES.pushes(inbox(u)).get(0).getJsonObject(Field.CONTENT)
        .getJsonObject("data").getString("k"));
  }

  @Test
  @DisplayName("A push is stored from the app's server with cid sign:<SIGN>, so a replayed sign reaches the account once")
  void replayedSignOnce() {
    String u = user();
    JsonObject body = XlveinCredentials.push(KEY, SECRET, u, new JsonObject().put("k", "once"), nonce());
    try (XlveinSocket s = connect(u)) {
      assertEquals(0, post(body).getInteger("error"));
      assertEquals(0, post(body).getInteger("error"));
      s.next();
      assertNull(s.poll(500));
    }
    assertEquals(1, INBOXES.pushes(inbox(u)).size());
    assertEquals("sign:" + body.getString("sign"), INBOXES.pushes(inbox(u)).get(0).getString(Field.MSG_ID));
  }

  @Test
  @DisplayName("A bad sign answers 1002 and stores nothing")
  void badSign() {
    String u = user();
    JsonObject body = XlveinCredentials.push(KEY, SECRET, u, new JsonObject(), nonce()).put("sign", "0".repeat(32));
    assertEquals(1002, post(body).getInteger("error"));
    assertTrue(INBOXES.pushes(inbox(u)).isEmpty());
  }

  @Test
  @DisplayName("A sign made with another app's secret answers 1002")
  void otherSecretSign() {
    JsonObject body = XlveinCredentials.push(KEY, OTHER_SECRET, user(), new JsonObject(), nonce());
    assertEquals(1002, post(body).getInteger("error"));
  }

  @Test
  @DisplayName("A message that is not JSON answers 1003")
  void messageNotJson() {
    assertEquals(1003, post(signed(user(), "{nope")).getInteger("error"));
  }

  @Test
  @DisplayName("A message that is a JSON array, not an object, answers 1003")
  void messageNotObject() {
    assertEquals(1003, post(signed(user(), "[1,2]")).getInteger("error"));
  }

  @Test
  @DisplayName("A message over the app's maxEventBytes answers 1003")
  void messageTooBig() {
    String big = new JsonObject().put("x", "y".repeat(MAX_EVENT_BYTES)).encode();
    assertEquals(1003, post(signed(user(), big)).getInteger("error"));
  }

  @Test
  @DisplayName("An unknown app_key answers 1001")
  void unknownAppKey() {
    assertEquals(1001, post(XlveinCredentials.push("nope", SECRET, user(), new JsonObject(), nonce())).getInteger("error"));
  }

  @Test
  @DisplayName("A missing field answers 1004")
  void missingField() {
    JsonObject body = XlveinCredentials.push(KEY, SECRET, user(), new JsonObject(), nonce());
    body.remove("nonce");
    assertEquals(1004, post(body).getInteger("error"));
  }

  @Test
  @DisplayName("A field of the wrong type answers 1004")
  void wrongType() {
    JsonObject body = XlveinCredentials.push(KEY, SECRET, user(), new JsonObject(), nonce()).put("send_to", 7);
    assertEquals(1004, post(body).getInteger("error"));
  }

  @Test
  @DisplayName("A body that is not JSON (sent as JSON) answers 1004")
  void bodyNotJson() {
    JsonObject answer = Await.result(http.post(gateway.httpPort(), "127.0.0.1", "/api/v1/im/push")
        .putHeader("Content-Type", "application/json").sendBuffer(io.vertx.core.buffer.Buffer.buffer("{x"))).bodyAsJsonObject();
    assertEquals(1004, answer.getInteger("error"));
  }

  @Test
  @DisplayName("Pushes of one app never reach the same account name of another app")
  void appsAreIsolated() {
    String u = user();
    assertFalse(PushNames.inbox(APP, u).equals(PushNames.inbox("app2", u)));
    assertEquals(0, post(XlveinCredentials.push(OTHER_KEY, OTHER_SECRET, u, new JsonObject(), nonce())).getInteger("error"));
    try (XlveinSocket s = connect(u)) {
      assertNull(s.poll(500));
    }
  }

  @Test
  @DisplayName("Stored pushes and refusals are counted by app (and reason) on /metrics; an unknown key is not a label")
  void metricsByApp() {
    pushOk(user(), new JsonObject());
    post(XlveinCredentials.push(KEY, SECRET, user(), new JsonObject(), nonce()).put("sign", "0".repeat(32)));
    post(XlveinCredentials.push("made-up-key", SECRET, user(), new JsonObject(), nonce()));
    String metrics = Await.result(http.get(gateway.httpPort(), "127.0.0.1", "/metrics")
        .bearerTokenAuthentication(PublicMetricsTest.TOKEN).send()).bodyAsString();
    assertTrue(metrics.contains("palaver_push_xlvein_pushes_in_total{app=\"" + APP + "\""), metrics);
    assertTrue(metrics.matches("(?s).*palaver_push_xlvein_refusals_total\\{[^}]*reason=\"bad_sign\".*"), metrics);
    assertFalse(metrics.contains("made-up-key"));
  }

  // ---- helpers ----

  @Test
  @DisplayName("Tokens never reach the logs: neither a good nor a refused one, nor the query string that carries them")
  void tokensNeverLogged() {
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> captured =
        new ch.qos.logback.core.read.ListAppender<>();
    captured.start();
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
        .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(captured);
    try {
      String good = token(SECRET, user());
      String forged = token("not-the-secret-not-the-secret-not-the", user());
      try (XlveinSocket socket = XlveinSocket.open(gateway.vertx(), gateway.httpPort(), KEY, good)) {
        assertNotNull(socket);
      }
      assertEquals(401, refusal("app_id=" + KEY + "&token=" + forged));
      assertEquals(401, refusal("app_id=" + KEY + "&token=garbage-token-value"));
      for (ch.qos.logback.classic.spi.ILoggingEvent e : captured.list) {
        String line = e.getFormattedMessage() + " " + e.getKeyValuePairs();
        assertFalse(line.contains(good) || line.contains(forged) || line.contains("garbage-token-value"), line);
      }
    } finally {
      root.detachAppender(captured);
    }
  }

  private static String user() {
    return "u-" + Ids.randomBytes(6);
  }

  private static String nonce() {
    return Ids.randomBytes(8);
  }

  private static String inbox(String user) {
    return PushNames.inbox(APP, user);
  }

  private static String token(String secret, String sub) {
    return XlveinCredentials.token(secret, sub, XlveinCredentials.inAnHour());
  }

  private static XlveinSocket connect(String user) {
    return XlveinSocket.open(gateway.vertx(), gateway.httpPort(), KEY, token(SECRET, user));
  }

  private static int refusal(String query) {
    Throwable t = Await.failure(XlveinSocket.connect(gateway.vertx(), gateway.httpPort(), query));
    if (t instanceof UpgradeRejectedException r) {
      return r.getStatus();
    }
    throw new AssertionError("expected a refused upgrade, got " + t, t);
  }

  private static int error(JsonObject frame) {
    assertEquals("error", frame.getString("type"), frame.encode());
    return frame.getInteger("error");
  }

  private static JsonObject signed(String sendTo, String message) {
    String nonce = nonce();
    return new JsonObject().put("app_key", KEY).put("send_to", sendTo).put("message", message).put("nonce", nonce)
        .put("sign", XlveinCredentials.sign(KEY, sendTo, message, nonce, SECRET));
  }

  private static JsonObject post(JsonObject body) {
    return Await.result(http.post(gateway.httpPort(), "127.0.0.1", "/api/v1/im/push").sendJsonObject(body))
        .bodyAsJsonObject();
  }

  private static void pushOk(String user, JsonObject message) {
    assertEquals(0, post(XlveinCredentials.push(KEY, SECRET, user, message, nonce())).getInteger("error"));
  }
}
