package palaver.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import palaver.api.Address;
import palaver.api.Field;

@DisplayName("A member's own mute and archive flags")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreferencesTest {
  private SessionService s;

  @BeforeAll
  void start() {
    s = SessionService.start();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private JsonObject set(String uid, String sid, JsonObject flags) {
    return s.request(Address.SESSION_PREFERENCES, SessionService.of(uid, sid).mergeIn(flags));
  }

  /** The user's membership in {@code sid} as the gateway and the session list see it. */
  private JsonObject membership(String uid, String sid) {
    return s.request(Address.SESSION_LIST, new JsonObject().put(Field.UID, uid)).getJsonArray(Field.SESSIONS).stream()
        .map(JsonObject.class::cast).filter(m -> sid.equals(m.getString(Field.SID))).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("Muting is kept on the caller's membership and shown in their session list, not in the other members'")
  void muteIsPerUser() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "public");
    s.join(bob, sid);
    JsonObject answer = set(bob, sid, new JsonObject().put(Field.MUTED, true));
    assertEquals(new JsonObject().put(Field.SID, sid).put(Field.MUTED, true).put(Field.ARCHIVED, false), answer);
    assertTrue(membership(bob, sid).getBoolean(Field.MUTED));
    assertFalse(membership(ann, sid).getBoolean(Field.MUTED));
  }

  @Test
  @DisplayName("A muted session still counts its unread messages")
  void mutedStillCountsUnread() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "public");
    s.join(bob, sid);
    set(bob, sid, new JsonObject().put(Field.MUTED, true));
    s.messages.send(sid, ann);
    s.messages.send(sid, ann);
    assertEquals(2L, membership(bob, sid).getLong(Field.UNREAD));
  }

  @Test
  @DisplayName("Archiving and unarchiving leave the other flag as it was")
  void archiveKeepsMute() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "public");
    set(ann, sid, new JsonObject().put(Field.MUTED, true));
    set(ann, sid, new JsonObject().put(Field.ARCHIVED, true));
    JsonObject after = set(ann, sid, new JsonObject().put(Field.ARCHIVED, false));
    assertTrue(after.getBoolean(Field.MUTED));
    assertFalse(after.getBoolean(Field.ARCHIVED));
  }

  @Test
  @DisplayName("The caller's own sockets are told of the change on their user fan-out address")
  void ownSocketsTold() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "public");
    List<JsonObject> seen = s.listen(Address.fanoutUser(ann));
    set(ann, sid, new JsonObject().put(Field.ARCHIVED, true));
    JsonObject event = SessionService.awaitOne(seen, "a preferences event",
        e -> "preferences".equals(e.getString(Field.ACTION)) && sid.equals(e.getString(Field.SID)));
    assertTrue(event.getBoolean(Field.ARCHIVED));
  }

  @Test
  @DisplayName("A non-member gets 403, an unknown session 404, and nothing is stored")
  void nonMemberRefused() {
    String ann = s.user("Ann");
    String eve = s.user("Eve");
    String sid = s.group(ann, "public");
    assertEquals(403, s.failureCode(Address.SESSION_PREFERENCES, SessionService.of(eve, sid).put(Field.MUTED, true)));
    assertEquals(404, s.failureCode(Address.SESSION_PREFERENCES, SessionService.of(eve, "nope").put(Field.MUTED, true)));
    assertEquals(null, s.storedRole(sid, eve));
  }

  @Test
  @DisplayName("A flag that is not true or false, or no flag at all, is invalid")
  void badFlags() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "public");
    assertEquals(400, s.failureCode(Address.SESSION_PREFERENCES, SessionService.of(ann, sid).put(Field.MUTED, "yes")));
    assertEquals(400, s.failureCode(Address.SESSION_PREFERENCES, SessionService.of(ann, sid).put(Field.ARCHIVED, 1)));
    assertEquals(400, s.failureCode(Address.SESSION_PREFERENCES, SessionService.of(ann, sid)));
  }
}
