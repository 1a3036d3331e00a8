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

@DisplayName("Renaming and editing a group")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionUpdateTest {
  private SessionService s;

  @BeforeAll
  void start() {
    s = SessionService.start();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private JsonObject update(String uid, String sid, JsonObject changes) {
    return s.request(Address.SESSION_UPDATE, SessionService.of(uid, sid).mergeIn(changes));
  }

  private static JsonObject name(String name) {
    return new JsonObject().put(Field.NAME, name);
  }

  private static String lastAction(SessionService s, String sid) {
    List<String> actions = s.messages.systemActions(sid);
    return actions.get(actions.size() - 1);
  }

  @Test
  @DisplayName("The owner renames a group; the answer and the store have the new name")
  void rename() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "public");
    assertEquals("Chess", update(ann, sid, name(" Chess ")).getString(Field.NAME));
    assertEquals("Chess", s.storedSession(sid).getString(Field.NAME));
  }

  @Test
  @DisplayName("A rename stores a rename system message with the new name")
  void renameSystemMessage() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "public");
    update(ann, sid, name("Chess"));
    JsonObject content = s.messages.systemMessages(sid).get(1);
    assertEquals("rename", content.getString(Field.ACTION));
    assertEquals("Chess", content.getString(Field.NAME));
  }

  @Test
  @DisplayName("Changing only the icon stores an edit system message")
  void editIcon() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "public");
    update(ann, sid, new JsonObject().put(Field.ICON, "file-1"));
    assertEquals("edit", lastAction(s, sid));
    assertEquals("file-1", s.storedSession(sid).getString(Field.ICON));
  }

  @Test
  @DisplayName("An admin makes a public group private")
  void adminChangesVisibility() {
    String admin = s.user("Adam");
    String sid = s.groupWithAdmin(s.user("Ann"), admin, s.user("Mo"));
    assertEquals("private", update(admin, sid, new JsonObject().put(Field.VISIBILITY, "private")).getString(Field.VISIBILITY));
  }

  @Test
  @DisplayName("The members are told of an update with the new info and who made it")
  void updateEvent() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "public");
    List<JsonObject> toMembers = s.listen(Address.fanoutSession(sid));
    update(ann, sid, name("Chess"));
    JsonObject event = SessionService.awaitOne(toMembers, "the updated event",
        e -> "updated".equals(e.getString(Field.ACTION)));
    assertEquals("event", event.getString(Field.TYPE));
    assertEquals("Chess", event.getString(Field.NAME));
    assertEquals(ann, event.getString(Field.BY));
  }

  @Test
  @DisplayName("A plain member editing a group is refused with 403")
  void memberUpdates() {
    String mo = s.user("Mo");
    String sid = s.groupWithAdmin(s.user("Ann"), s.user("Adam"), mo);
    assertEquals(403, s.failureCode(Address.SESSION_UPDATE, SessionService.of(mo, sid).mergeIn(name("Mine"))));
  }

  @Test
  @DisplayName("A rename whose system message can't be stored fails with 503 and keeps the old name")
  void renameRolledBack() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "public");
    s.messages.storing(false);
    try {
      assertEquals(503, s.failureCode(Address.SESSION_UPDATE, SessionService.of(ann, sid).mergeIn(name("Lost"))));
    } finally {
      s.messages.storing(true);
    }
    assertEquals("group of " + ann, s.storedSession(sid).getString(Field.NAME));
  }
}
