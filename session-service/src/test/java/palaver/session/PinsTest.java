package palaver.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import palaver.api.Address;
import palaver.api.Field;

@DisplayName("Pinned messages")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PinsTest {
  private SessionService s;

  @BeforeAll
  void start() {
    s = SessionService.start();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private JsonObject pin(String uid, String sid, long seq, boolean pinned) {
    return s.request(Address.SESSION_PIN, SessionService.of(uid, sid).put(Field.SEQ, seq).put(Field.PINNED, pinned));
  }

  private int pinFailure(String uid, String sid, long seq) {
    return s.failureCode(Address.SESSION_PIN, SessionService.of(uid, sid).put(Field.SEQ, seq).put(Field.PINNED, true));
  }

  /** A group of Ann (owner) and Bob (member) with {@code messages} messages; {sid, ann, bob}. */
  private String[] group(int messages) {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "public");
    s.join(bob, sid);
    for (int i = 0; i < messages; i++) {
      s.messages.send(sid, ann);
    }
    return new String[] {sid, ann, bob};
  }

  @Test
  @DisplayName("The owner pins messages; the pins are listed newest pin first, in every member's session info")
  void ownerPins() {
    String[] g = group(3);
    pin(g[1], g[0], 2, true);
    assertEquals(new JsonArray().add(3L).add(2L), pin(g[1], g[0], 3, true).getJsonArray(Field.PINS));
    JsonObject info = s.request(Address.SESSION_MEMBERSHIPS, new JsonObject().put(Field.UID, g[2]))
        .getJsonArray(Field.SESSIONS).getJsonObject(0);
    assertEquals(new JsonArray().add(3L).add(2L), info.getJsonArray(Field.PINS));
  }

  @Test
  @DisplayName("Pinning twice keeps one pin; unpinning takes it out")
  void pinTwiceThenUnpin() {
    String[] g = group(2);
    pin(g[1], g[0], 1, true);
    assertEquals(new JsonArray().add(1L), pin(g[1], g[0], 1, true).getJsonArray(Field.PINS));
    assertEquals(new JsonArray(), pin(g[1], g[0], 1, false).getJsonArray(Field.PINS));
  }

  @Test
  @DisplayName("The members are told of a pin on the session's fan-out address")
  void membersTold() {
    String[] g = group(1);
    List<JsonObject> seen = s.listen(Address.fanoutSession(g[0]));
    pin(g[1], g[0], 1, true);
    JsonObject event = SessionService.awaitOne(seen, "a pins event", e -> "pins".equals(e.getString(Field.ACTION)));
    assertEquals(new JsonArray().add(1L), event.getJsonArray(Field.PINS));
  }

  @Test
  @DisplayName("In a group a plain member may not pin (403); in a private session either member may")
  void whoMayPin() {
    String[] g = group(1);
    assertEquals(403, pinFailure(g[2], g[0], 1));
    String cat = s.user("Cat");
    String dan = s.user("Dan");
    String pid = s.privateSession(cat, dan).getString(Field.SID);
    s.messages.send(pid, cat);
    assertEquals(new JsonArray().add(1L), pin(dan, pid, 1, true).getJsonArray(Field.PINS));
  }

  @Test
  @DisplayName("A seq past the session's last is 404, a non-member 403, a seq below 1 invalid; nothing is pinned")
  void badPins() {
    String[] g = group(2);
    String eve = s.user("Eve");
    assertEquals(404, pinFailure(g[1], g[0], 1000));
    assertEquals(403, pinFailure(eve, g[0], 1));
    assertEquals(400, pinFailure(g[1], g[0], 0));
    assertEquals(400, s.failureCode(Address.SESSION_PIN, SessionService.of(g[1], g[0]).put(Field.SEQ, 1)));
    assertEquals(new JsonArray(), s.storedSession(g[0]).getJsonArray(Field.PINS, new JsonArray()));
  }

  @Test
  @DisplayName("A session keeps at most 50 pins; the 51st is refused until one is unpinned")
  void bounded() {
    String[] g = group(SessionStore.MAX_PINS + 1);
    for (int seq = 1; seq <= SessionStore.MAX_PINS; seq++) {
      pin(g[1], g[0], seq, true);
    }
    assertEquals(400, pinFailure(g[1], g[0], SessionStore.MAX_PINS + 1));
    pin(g[1], g[0], 1, false);
    assertEquals(SessionStore.MAX_PINS, pin(g[1], g[0], SessionStore.MAX_PINS + 1, true).getJsonArray(Field.PINS).size());
  }
}
