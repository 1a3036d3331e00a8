package palaver.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import palaver.api.Address;
import palaver.api.Field;
import palaver.runtime.Setting;

@DisplayName("A group's own message retention, never longer than the deployment's")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupRetentionTest {
  private SessionService s;

  @BeforeAll
  void start() {
    s = SessionService.start(new JsonObject().put(Setting.RETENTION_DAYS.key(), 30));
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private JsonObject retention(String uid, String sid, Object days) {
    return SessionService.of(uid, sid).put(Field.RETENTION_DAYS, days);
  }

  @Test
  @DisplayName("The owner sets a shorter retention; the answer and the store have it")
  void ownerSetsRetention() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "public");
    assertEquals(7, s.request(Address.SESSION_UPDATE, retention(ann, sid, 7)).getInteger(Field.RETENTION_DAYS));
    assertEquals(7, s.storedSession(sid).getInteger(Field.RETENTION_DAYS));
  }

  @Test
  @DisplayName("A retention longer than the deployment's is refused with 400")
  void longerThanDeploymentRefused() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "public");
    assertEquals(400, s.failureCode(Address.SESSION_UPDATE, retention(ann, sid, 31)));
  }

  @Test
  @DisplayName("A retention that is negative, fractional or not a number is refused with 400")
  void badRetentionRefused() {
    String ann = s.user("Ann");
    String sid = s.group(ann, "public");
    assertEquals(400, s.failureCode(Address.SESSION_UPDATE, retention(ann, sid, -1)));
    assertEquals(400, s.failureCode(Address.SESSION_UPDATE, retention(ann, sid, 1.5)));
    assertEquals(400, s.failureCode(Address.SESSION_UPDATE, retention(ann, sid, "7")));
  }

  @Test
  @DisplayName("A plain member setting the retention is refused with 403")
  void memberRefused() {
    String mo = s.user("Mo");
    String sid = s.groupWithAdmin(s.user("Ann"), s.user("Adam"), mo);
    assertEquals(403, s.failureCode(Address.SESSION_UPDATE, retention(mo, sid, 7)));
  }

  @Test
  @DisplayName("The sweep's list has the groups with a retention of their own, and not one set back to 0")
  void retentionsList() {
    String ann = s.user("Ann");
    String kept = s.group(ann, "public");
    String reset = s.group(ann, "public");
    s.request(Address.SESSION_UPDATE, retention(ann, kept, 5));
    s.request(Address.SESSION_UPDATE, retention(ann, reset, 5));
    s.request(Address.SESSION_UPDATE, retention(ann, reset, 0));
    JsonObject page = s.request(Address.SESSION_RETENTIONS, new JsonObject());
    assertTrue(page.getJsonArray(Field.SESSIONS).stream().map(JsonObject.class::cast)
        .anyMatch(g -> g.getString(Field.SID).equals(kept) && g.getInteger(Field.RETENTION_DAYS) == 5));
    assertTrue(page.getJsonArray(Field.SESSIONS).stream().map(JsonObject.class::cast)
        .noneMatch(g -> g.getString(Field.SID).equals(reset)));
  }
}
