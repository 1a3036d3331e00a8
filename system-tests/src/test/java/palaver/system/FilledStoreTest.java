package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import palaver.fill.Fill;
import palaver.runtime.PalaverConfig;
import palaver.runtime.Setting;
import palaver.runtime.Store;
import palaver.store.EmbeddedStore;

/**
 * The growth benchmark's filler (bench-fill) writes a store the real server reads as its own: 1,000 messages
 * over 20 sessions of 5 members (50 each) among 20 users (5 sessions each), then a node on that store, over a real socket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("A store filled by bench-fill")
class FilledStoreTest {
  private static final int PER_SESSION = 50;
  private EmbeddedStore store;
  private TestServer server;
  private String token;
  private String sid;

  @BeforeAll
  void fill() throws Exception {
    store = TestServer.newStore();
    Path dir = store.dataDir();
    Path population = dir.resolve("population.json");
    Vertx vertx = Vertx.vertx();
    try {
      Fill.run(vertx, Store.client(vertx, PalaverConfig.defaults().put(Setting.MONGO_URI.key(), store.connectionString())),
          dir, population, 20, 20, 5, 20 * PER_SESSION);
    } finally {
      vertx.close().await();
    }
    server = TestServer.on(store, new JsonObject().put(Setting.JWT_SECRET_FILE.key(), dir.resolve("jwt.secret").toString()));
    JsonObject p = new JsonObject(Files.readString(population));
    token = p.getJsonArray("users").getJsonObject(0).getString("token");
    sid = p.getJsonArray("soloSids").getString(0);
  }

  @AfterAll
  void close() {
    if (server != null) {
      server.close();
    }
    store.close();
  }

  private RawWsClient connect() {
    return RawWsClient.connect(server.httpPort(), 1 << 20);
  }

  private static JsonObject ready(RawWsClient ws, String token) {
    ws.sendText(new JsonObject().put("type", "auth").put("token", token).encode());
    return ws.readText(f -> "ready".equals(f.getString("type")));
  }

  private static long head(JsonObject ready, String sid) {
    for (Object o : ready.getJsonArray("sessions")) {
      JsonObject s = (JsonObject) o;
      if (sid.equals(s.getString("sid"))) {
        return s.getLong("lastSeq");
      }
    }
    throw new AssertionError("not a member of " + sid);
  }

  private static List<Long> seqs(JsonArray messages) {
    List<Long> out = new ArrayList<>();
    messages.forEach(m -> out.add(((JsonObject) m).getLong("seq")));
    return out;
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      out.add(s);
    }
    return out;
  }

  @Test
  @DisplayName("The filled user's token is accepted and ready lists their five sessions at the filled heads")
  void readyListsFilledHeads() {
    try (RawWsClient ws = connect()) {
      JsonObject ready = ready(ws, token);
      assertEquals(5, ready.getJsonArray("sessions").size());
      assertTrue(head(ready, sid) >= PER_SESSION, ready.encode());
    }
  }

  @Test
  @DisplayName("History from seq 1 answers the filled messages in order, without a gap")
  void historyHoldsFilledSeqs() {
    try (RawWsClient ws = connect()) {
      ready(ws, token);
      ws.sendText(new JsonObject().put("type", "history").put("rid", "h").put("sid", sid).put("after", 0)
          .put("limit", PER_SESSION).encode());
      JsonArray messages = ws.readText(f -> "h".equals(f.getValue("rid"))).getJsonArray("messages");
      assertEquals(range(1, PER_SESSION), seqs(messages));
      assertTrue(messages.getJsonObject(0).getString("content").startsWith("fill 0 "), messages.getJsonObject(0).encode());
    }
  }

  @Test
  @DisplayName("A send into a filled session is acked with the seq after its head")
  void nextSendNumbersOn() {
    try (RawWsClient ws = connect()) {
      long head = head(ready(ws, token), sid);
      ws.sendText(new JsonObject().put("type", "send").put("rid", "s").put("sid", sid).put("cid", "after-fill")
          .put("msgType", "text").put("content", "after the fill").encode());
      assertEquals(head + 1, ws.readText(f -> "s".equals(f.getValue("rid"))).getLong("seq"));
    }
  }

  @Test
  @DisplayName("A sync from ten messages behind a filled head brings those ten in order")
  void syncBringsMissedFilledMessages() {
    try (RawWsClient ws = connect()) {
      JsonObject ready = ready(ws, token);
      long head = head(ready, sid);
      ws.sendText(new JsonObject().put("type", "sync").put("rid", "y")
          .put("positions", new JsonObject().put(sid, head - 10)).encode());
      JsonArray got = new JsonArray();
      while (true) {
        JsonObject f = ws.readText(x -> "message".equals(x.getString("type")) || "y".equals(x.getValue("rid")));
        if ("synced".equals(f.getString("type"))) {
          break;
        }
        got.add(f);
      }
      assertEquals(range(head - 9, head), seqs(got));
    }
  }
}
