package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.system.Http.User;

/**
 * Limits lowered for the test: 5 frames/s (burst 10) per connection, 2/s
 * (burst 12) per user, 20 refused frames per 10 s before the socket is closed.
 */
@DisplayName("Rate limits per connection and per user")
class RateLimitTest {
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() {
    server = TestServer.standalone(new JsonObject()
        .put("wsFramesPerSecond", 5).put("wsFrameBurst", 10)
        .put("wsUserFramesPerSecond", 2).put("wsUserFrameBurst", 12)
        .put("wsMaxRejectedFrames", 20));
    http = server.http();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("A burst over the connection's limit gets rate_limited errors echoing the rid; nothing over the limit is stored")
  void connectionLimit() throws InterruptedException {
    User u = http.newUser("Burst");
    String sid = server.group("burst", u);
    try (WsClient ws = server.ws(u)) {
      for (int i = 0; i < 25; i++) {
        ws.send(WsClient.text(sid, "burst-" + i, "m" + i).put("rid", "b" + i));
      }
      int acked = 0;
      int limited = 0;
      for (int i = 0; i < 25; i++) {
        String rid = "b" + i;
        JsonObject answer = ws.next(f -> rid.equals(f.getString("rid")) && !"message".equals(f.getString("type")));
        if ("ack".equals(answer.getString("type"))) {
          acked++;
        } else {
          assertEquals("rate_limited", answer.getString("code"));
          limited++;
        }
      }
      assertTrue(limited >= 1, "refused: " + limited);
      assertTrue(acked >= 9, "the burst is allowed: " + acked);
      long stored = http.history(u, sid).stream().filter(m -> "text".equals(m.getString("msgType"))).count();
      assertEquals(acked, stored);
      Thread.sleep(1_500);
      assertEquals("pong", ws.request(new JsonObject().put("type", "ping")).getString("type"), "tokens refill");
    }
  }

  @Test
  @DisplayName("A user's connections share the per-user limit")
  void userLimitAcrossConnections() {
    User u = http.newUser("Many tabs");
    try (WsClient a = server.ws(u); WsClient b = server.ws(u)) {
      int limited = 0;
      for (int i = 0; i < 9; i++) {
        for (WsClient ws : List.of(a, b)) {
          String rid = "u" + i + (ws == a ? "a" : "b");
          ws.send(new JsonObject().put("type", "ping").put("rid", rid));
        }
      }
      for (int i = 0; i < 9; i++) {
        for (WsClient ws : List.of(a, b)) {
          String rid = "u" + i + (ws == a ? "a" : "b");
          if ("rate_limited".equals(ws.next(f -> rid.equals(f.getString("rid"))).getString("code"))) {
            limited++;
          }
        }
      }
      assertTrue(limited >= 1, "18 frames, each connection within its own burst, exceed the user's 12: " + limited);
    }
  }

  @Test
  @DisplayName("A client that keeps flooding is closed with 4429; another user on the node is unaffected")
  void floodIsClosed() {
    User flooder = http.newUser("Flooder");
    User bystander = http.newUser("Bystander");
    String sid = server.group("calm", bystander);
    try (WsClient flood = server.ws(flooder); WsClient calm = server.ws(bystander)) {
      for (int i = 0; i < 60 && !flood.isClosed(); i++) {
        try {
          flood.send(new JsonObject().put("type", "ping"));
        } catch (RuntimeException closedMeanwhile) {
          break;
        }
      }
      assertEquals(4429, flood.awaitClose());
      assertEquals("ack", calm.send(sid, "calm-1", "all good").getString("type"));
    }
  }

  @Test
  @DisplayName("REST sends share the per-user limit and answer 429 with Retry-After")
  void restLimit() throws Exception {
    User u = http.newUser("Rest");
    String sid = server.group("rest", u);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Http.Response>> answers = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String cid = "rest-" + i;
        answers.add(pool.submit(() -> http.send(u, sid, cid, "r")));
      }
      int limited = 0;
      for (Future<Http.Response> answer : answers) {
        Http.Response r = answer.get();
        if (r.status() == 429) {
          limited++;
          assertEquals("rate_limited", r.errorCode());
          assertEquals("1", r.headers().get("Retry-After"));
        } else {
          assertEquals(200, r.status(), r.text());
        }
      }
      assertTrue(limited >= 1, "60 sends from 8 threads exceed a burst of 12 at 2/s");
    } finally {
      pool.shutdownNow();
    }
  }
}
