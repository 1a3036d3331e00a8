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
import palaver.api.Ids;

/** Each test names its groups with a word of its own and searches for it, so tests don't see each other's groups. */
@DisplayName("The directory of public groups")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectoryTest {
  private SessionService s;

  @BeforeAll
  void start() {
    s = SessionService.start();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private String group(String owner, String name, String visibility) {
    return s.request(Address.SESSION_CREATE, new JsonObject().put(Field.UID, owner).put(Field.TYPE, "group")
        .put(Field.NAME, name).put(Field.VISIBILITY, visibility)).getString(Field.SID);
  }

  private JsonObject search(String uid, String q, Integer limit) {
    JsonObject body = new JsonObject().put(Field.UID, uid).put(Field.QUERY, q);
    if (limit != null) {
      body.put(Field.LIMIT, limit);
    }
    return s.request(Address.SESSION_DIRECTORY, body);
  }

  private List<String> found(String uid, String q) {
    return search(uid, q, null).getJsonArray(Field.SESSIONS).stream().map(e -> ((JsonObject) e).getString(Field.SID)).toList();
  }

  private static String word() {
    return "w" + Ids.randomBytes(6).replaceAll("[^A-Za-z0-9]", "x");
  }

  @Test
  @DisplayName("The directory lists public groups whose name contains the query, ignoring case")
  void publicGroupsMatching() {
    String ann = s.user("Ann");
    String w = word();
    String first = group(ann, "Old " + w, "public");
    String second = group(ann, w.toUpperCase() + " new", "public");
    group(ann, "unrelated", "public");
    List<String> found = found(ann, w);
    assertEquals(2, found.size());
    assertTrue(found.containsAll(List.of(first, second)));
  }

  @Test
  @DisplayName("Private groups are not in the directory")
  void noPrivateGroups() {
    String ann = s.user("Ann");
    String w = word();
    group(ann, w, "private");
    assertTrue(found(ann, w).isEmpty());
  }

  @Test
  @DisplayName("A query is matched literally, not as a regular expression")
  void literalQuery() {
    String ann = s.user("Ann");
    String w = word();
    String dotted = group(ann, w + " a.b", "public");
    group(ann, w + " axb", "public");
    assertEquals(List.of(dotted), found(ann, w + " a.b"));
  }

  @Test
  @DisplayName("Each group says whether the caller has joined it")
  void joinedFlag() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String w = word();
    String joined = group(ann, w + " one", "public");
    String other = group(ann, w + " two", "public");
    s.join(bob, joined);
    search(bob, w, null).getJsonArray(Field.SESSIONS).stream().map(JsonObject.class::cast).forEach(g ->
        assertEquals(g.getString(Field.SID).equals(joined), g.getBoolean(Sessions.JOINED), g.getString(Field.NAME)));
    assertTrue(found(bob, w).contains(other));
  }

  @Test
  @DisplayName("A page holds at most limit groups and says when more follow")
  void paging() {
    String ann = s.user("Ann");
    String w = word();
    for (int i = 0; i < 3; i++) {
      group(ann, w + " " + i, "public");
    }
    JsonObject page = search(ann, w, 2);
    assertEquals(2, page.getJsonArray(Field.SESSIONS).size());
    assertTrue(page.getBoolean(Field.MORE));
  }

  @Test
  @DisplayName("The last page says no more follow")
  void lastPage() {
    String ann = s.user("Ann");
    String w = word();
    group(ann, w, "public");
    JsonObject page = s.request(Address.SESSION_DIRECTORY,
        new JsonObject().put(Field.UID, ann).put(Field.QUERY, w).put(Field.OFFSET, 0).put(Field.LIMIT, 1));
    assertEquals(1, page.getJsonArray(Field.SESSIONS).size());
    assertFalse(page.getBoolean(Field.MORE));
  }

  @Test
  @DisplayName("The offset skips the groups of earlier pages")
  void offset() {
    String ann = s.user("Ann");
    String w = word();
    for (int i = 0; i < 3; i++) {
      group(ann, w + " " + i, "public");
    }
    JsonObject page = s.request(Address.SESSION_DIRECTORY,
        new JsonObject().put(Field.UID, ann).put(Field.QUERY, w).put(Field.OFFSET, 2).put(Field.LIMIT, 2));
    assertEquals(1, page.getJsonArray(Field.SESSIONS).size());
    assertFalse(page.getBoolean(Field.MORE));
  }
}
