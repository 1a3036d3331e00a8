package palaver.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import palaver.api.Address;
import palaver.api.Field;

@DisplayName("Read positions")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadPositionsTest {
  private SessionService s;

  @BeforeAll
  void start() {
    s = SessionService.start();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private long read(String uid, String sid, long seq) {
    return s.request(Address.SESSION_READ, SessionService.of(uid, sid).put(Field.SEQ, seq)).getLong(Field.READ_SEQ);
  }

  /** A group of a new owner with a new member and {@code messages} messages by the owner; {sid, member}. */
  private String[] groupWithMessages(int messages) {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "public");
    s.join(bob, sid);
    for (int i = 0; i < messages; i++) {
      s.messages.send(sid, ann);
    }
    return new String[] {sid, bob};
  }

  /** The user's read position in their only session, as the gateway is told it. */
  private long storedPosition(String uid) {
    return s.request(Address.SESSION_MEMBERSHIPS, new JsonObject().put(Field.UID, uid))
        .getJsonArray(Field.SESSIONS).getJsonObject(0).getLong(Field.READ_SEQ);
  }

  @Test
  @DisplayName("Reading moves the read position to the seq read")
  void moves() {
    String[] g = groupWithMessages(3);
    assertEquals(3, read(g[1], g[0], 3));
    assertEquals(3L, storedPosition(g[1]));
  }

  @Test
  @DisplayName("Reading an earlier seq is answered with the position, which stays where it was")
  void neverBack() {
    String[] g = groupWithMessages(4);
    read(g[1], g[0], 4);
    assertEquals(4, read(g[1], g[0], 2));
    assertEquals(4L, storedPosition(g[1]));
  }

  @Test
  @DisplayName("The read position never moves past the session's last message")
  void neverPastLast() {
    String[] g = groupWithMessages(2);
    long last = s.messages.send(g[0], s.user("Cy"));
    assertEquals(last, read(g[1], g[0], last + 100));
  }

  @Test
  @DisplayName("The members are told when a member's read position moved")
  void readEvent() {
    String[] g = groupWithMessages(3);
    List<JsonObject> toMembers = s.listen(Address.fanoutSession(g[0]));
    read(g[1], g[0], 3);
    JsonObject event = SessionService.awaitOne(toMembers, "the read event", e -> "read".equals(e.getString(Field.EVENT)));
    assertEquals("event", event.getString(Field.TYPE));
    assertEquals(g[1], event.getString(Field.UID));
    assertEquals(3L, event.getLong(Field.SEQ));
  }

  @Test
  @DisplayName("A non-member's read is refused with 403")
  void nonMember() {
    String[] g = groupWithMessages(1);
    assertEquals(403, s.failureCode(Address.SESSION_READ, SessionService.of(s.user("Eve"), g[0]).put(Field.SEQ, 1)));
  }
}
