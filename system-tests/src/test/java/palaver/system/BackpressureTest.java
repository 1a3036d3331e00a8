package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.standalone.StandaloneMain;
import palaver.store.EmbeddedStore;
import palaver.system.Http.User;

/**
 * A client that stops reading while a session is busy: its bounded outbound
 * queue fills, it is closed with 4008, and the other members on the same
 * node receive everything.
 */
@DisplayName("Backpressure: a slow consumer is closed, the others are not slowed")
class BackpressureTest {
  private static final int MESSAGES = 600;
  private static final String BODY = "x".repeat(8 * 1024);

  private static EmbeddedStore store;
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() {
    store = TestServer.newStore();
    JsonObject config = TestServer.config(store.connectionString()).put("wsOutboundQueueBytes", 64 * 1024);
    server = TestServer.start(config, StandaloneMain.services(), null);
    http = server.http();
  }

  @AfterAll
  static void stop() {
    server.close();
    store.close();
  }

  @Test
  @DisplayName("A socket that stops reading is closed with 4008 while another member receives all 600 messages")
  void slowConsumerIsClosedOthersUnaffected() {
    User sender = http.newUser("Sender");
    User slow = http.newUser("Slow");
    User fast = http.newUser("Fast");
    String sid = Chat.group(http, "firehose", sender, slow, fast);
    try (RawWsClient stalled = RawWsClient.connect(server.httpPort(), 4096).auth(slow.token());
        WsClient reader = server.ws(fast.token())) {
      for (int i = 0; i < MESSAGES; i += 50) {
        Chat.postMany(server.node().vertx(), sender, sid, "fire-" + i + "-", 50, BODY);
      }
      Set<Long> seqs = new HashSet<>();
      for (int i = 0; i < MESSAGES; i++) {
        seqs.add(reader.next(Chat.textIn(sid)).getLong("seq"));
      }
      assertEquals(MESSAGES, seqs.size());
      assertEquals("ack", reader.request(Chat.send(sid, "still-served", "hello")).getString("type"));
      assertEquals(4008, stalled.readUntilClosed());
    }
  }
}
