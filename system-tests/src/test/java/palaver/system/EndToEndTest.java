package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.system.Http.User;

@DisplayName("One standalone node, end to end over HTTP and WebSocket")
class EndToEndTest extends OneNodeTest {

  @Test
  @DisplayName("A text sent on one socket reaches another member's socket and is in history")
  void registerLoginCreateSendReceiveHistory() {
    User alice = http.newUser("Alice");
    User bob = http.newUser("Bob");
    Http.Response login = http.post("/auth/login", null,
        new JsonObject().put("login", bob.login()).put("password", "plover-kettle-41"));
    assertEquals(200, login.status());
    String bobToken = login.json().getString("token");
    String sid = http.newGroup(alice, "general");
    http.join(new User(bob.uid(), bobToken, bob.login(), bob.nickname()), sid);

    try (WsClient a = server.ws(alice); WsClient b = server.ws(bobToken)) {
      JsonObject ack = a.send(sid, "c-1", "hello bob");
      assertEquals("ack", ack.getString("type"));
      assertEquals("c-1", ack.getString("cid"));
      JsonObject received = b.next(f -> "message".equals(f.getString("type")) && "text".equals(f.getString("msgType")));
      assertEquals("hello bob", received.getString("content"));
      assertEquals(alice.uid(), received.getString("uid"));
      assertEquals("Alice", received.getString("nickname"));
      assertEquals(ack.getLong("seq"), received.getLong("seq"));
      assertEquals(ack.getString("id"), received.getString("id"));
    }

    Http.Response history = http.get("/sessions/" + sid + "/messages", bobToken);
    assertEquals(200, history.status());
    var messages = history.json().getJsonArray("messages");
    JsonObject last = messages.getJsonObject(messages.size() - 1);
    assertEquals("hello bob", last.getString("content"));
    for (int i = 1; i < messages.size(); i++) {
      assertEquals(messages.getJsonObject(i - 1).getLong("seq") + 1, messages.getJsonObject(i).getLong("seq"));
    }
  }

  @Test
  @DisplayName("Health reports every service up")
  void health() {
    Http.Response r = http.get("/health", null);
    assertEquals(200, r.status());
    assertEquals("UP", r.json().getString("status"));
    assertEquals(4, r.json().getJsonArray("checks").size());
  }

  @Test
  @DisplayName("Liveness answers without asking the services; readiness is the full check")
  void livenessAndReadiness() {
    Http.Response live = http.get("/health/live", null);
    assertEquals(200, live.status());
    assertEquals("UP", live.json().getString("status"));
    Http.Response ready = http.get("/health/ready", null);
    assertEquals(200, ready.status());
    assertEquals(4, ready.json().getJsonArray("checks").size());
  }

  @Test
  @DisplayName("Metrics are served in the Prometheus text format on the management port")
  void metrics() {
    http.get("/health", null);
    Http.Response r = server.management().get("/metrics", null);
    assertEquals(200, r.status());
    assertTrue(r.text().contains("vertx_http_server"), "vertx metrics present");
  }

  @Test
  @DisplayName("The public port answers /metrics with 404 when no metrics token is configured")
  void noPublicMetrics() {
    assertEquals(404, http.get("/metrics", null).status());
  }

  @Test
  @DisplayName("The web client is served at /")
  void webClient() {
    Http.Response r = http.get("/", null);
    assertEquals(200, r.status());
    assertTrue(r.text().contains("Palaver"));
    assertEquals("nosniff", r.headers().get("X-Content-Type-Options"));
  }

  @Test
  @DisplayName("An unknown API path answers 404 with a not_found error body")
  void unknownPath() {
    Http.Response r = http.get("/nothing/here", null);
    assertEquals(404, r.status());
    assertEquals("not_found", r.errorCode());
  }

  @Test
  @DisplayName("Malformed JSON and $-keys are refused with 400 invalid")
  void malformedJson() {
    assertEquals("invalid", http.post("/users", null, "{not json").errorCode());
    Http.Response dollar = http.post("/auth/login", null,
        new JsonObject().put("login", new JsonObject().put("$ne", "")).put("password", "x"));
    assertEquals(400, dollar.status());
    assertEquals("invalid", dollar.errorCode());
  }

  @Test
  @DisplayName("A request without a token, or with a forged one, is 401")
  void unauthenticated() {
    assertEquals(401, http.get("/sessions", null).status());
    Http.Response forged = http.get("/sessions", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwidHYiOjB9.");
    assertEquals(401, forged.status());
    assertEquals("unauthenticated", forged.errorCode());
  }

  @Test
  @DisplayName("A bad token on the socket gets an error frame, then close 4401")
  void badSocketToken() {
    try (WsClient ws = WsClient.open(server.node().vertx(), server.httpPort(), "/ws", null)) {
      ws.send(new JsonObject().put("type", "auth").put("token", "nope").put("rid", 1));
      JsonObject error = ws.next(f -> "error".equals(f.getString("type")));
      assertEquals("unauthenticated", error.getString("code"));
      assertEquals(1, error.getInteger("rid"));
      assertEquals(4401, ws.awaitClose());
    }
  }

  @Test
  @DisplayName("A socket is authenticated by ?token= for clients that can't send a first frame")
  void queryToken() {
    User carol = http.newUser("Carol");
    try (WsClient ws = WsClient.open(server.node().vertx(), server.httpPort(), "/ws?token=" + carol.token(), null)) {
      JsonObject ready = ws.next(f -> "ready".equals(f.getString("type")));
      assertEquals(carol.uid(), ready.getString("uid"));
    }
  }

  @Test
  @DisplayName("A browser socket from a foreign Origin is refused")
  void foreignOrigin() {
    Throwable refused = null;
    try {
      WsClient.open(server.node().vertx(), server.httpPort(), "/ws", "https://evil.example").close();
    } catch (RuntimeException e) {
      refused = e;
    }
    assertTrue(refused != null, "handshake refused");
    WsClient.open(server.node().vertx(), server.httpPort(), "/ws", "http://127.0.0.1:" + server.httpPort()).close();
  }

  @Test
  @DisplayName("Frames before auth are refused with unauthenticated")
  void framesBeforeAuth() {
    try (WsClient ws = WsClient.open(server.node().vertx(), server.httpPort(), "/ws", null)) {
      JsonObject error = ws.request(new JsonObject().put("type", "ping"));
      assertEquals("error", error.getString("type"));
      assertEquals("unauthenticated", error.getString("code"));
    }
  }
}
