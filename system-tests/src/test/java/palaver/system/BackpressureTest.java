package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
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

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.standalone(new JsonObject().put("wsOutboundQueueBytes", 64 * 1024))
        .users("Sender", "Slow", "Fast");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("A socket that stops reading is closed with 4008 while another member receives all 600 messages")
  void slowConsumerIsClosedOthersUnaffected() {
    User sender = server.user("Sender");
    User slow = server.user("Slow");
    User fast = server.user("Fast");
    String sid = server.group("firehose", sender, slow, fast);
    try (RawWsClient stalled = RawWsClient.connect(server.httpPort(), 4096).auth(slow.token());
        WsClient reader = server.ws(fast)) {
      for (int i = 0; i < MESSAGES; i += 50) {
        server.bus().sendMany(sender, sid, "fire-" + i + "-", 50, BODY);
      }
      Set<Long> seqs = new HashSet<>();
      for (int i = 0; i < MESSAGES; i++) {
        seqs.add(reader.next(WsClient.textIn(sid)).getLong("seq"));
      }
      assertEquals(MESSAGES, seqs.size());
      assertEquals("ack", reader.send(sid, "still-served", "hello").getString("type"));
      assertEquals(4008, stalled.readUntilClosed());
    }
  }
}
