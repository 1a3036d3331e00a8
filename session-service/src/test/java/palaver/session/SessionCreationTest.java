package palaver.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Field;
import palaver.testing.Await;

@DisplayName("Creating sessions")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionCreationTest {
  private SessionService s;

  @BeforeAll
  void start() {
    s = SessionService.start();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private JsonObject createGroup(String uid, String visibility) {
    JsonObject body = new JsonObject().put(Field.UID, uid).put(Field.TYPE, "group").put(Field.NAME, "  Book club  ");
    if (visibility != null) {
      body.put(Field.VISIBILITY, visibility);
    }
    return s.request(Address.SESSION_CREATE, body);
  }

  @Test
  @DisplayName("A public group is created with its trimmed name, and its creator as owner")
  void publicGroup() {
    String ann = s.user("Ann");
    JsonObject info = createGroup(ann, "public");
    assertEquals("group", info.getString(Field.TYPE));
    assertEquals("Book club", info.getString(Field.NAME));
    assertEquals("public", info.getString(Field.VISIBILITY));
    assertEquals(ann, info.getString(Field.OWNER));
    assertEquals(SessionStore.OWNER, s.storedRole(info.getString(Field.SID), ann));
  }

  @Test
  @DisplayName("A group is public unless asked otherwise")
  void publicByDefault() {
    assertEquals("public", createGroup(s.user("Ann"), null).getString(Field.VISIBILITY));
  }

  @Test
  @DisplayName("A private group is created private")
  void privateGroup() {
    JsonObject info = createGroup(s.user("Ann"), "private");
    assertEquals("private", info.getString(Field.VISIBILITY));
    assertEquals("private", s.storedSession(info.getString(Field.SID)).getString(Field.VISIBILITY));
  }

  @Test
  @DisplayName("Creating a group stores a create system message naming it")
  void groupSystemMessage() {
    String ann = s.user("Ann");
    String sid = createGroup(ann, "public").getString(Field.SID);
    JsonObject content = s.messages.systemMessages(sid).get(0);
    assertEquals("create", content.getString(Field.ACTION));
    assertEquals("Book club", content.getString(Field.NAME));
    assertEquals(ann, content.getString(Field.UID));
  }

  @Test
  @DisplayName("The creator's gateways are told to subscribe to a new group")
  void groupAddedEvent() {
    String ann = s.user("Ann");
    List<JsonObject> toAnn = s.listen(Address.fanoutUser(ann));
    String sid = createGroup(ann, "public").getString(Field.SID);
    JsonObject event = SessionService.awaitOne(toAnn, "the added event", e -> sid.equals(e.getString(Field.SID)));
    assertEquals("event", event.getString(Field.TYPE));
    assertEquals("session", event.getString(Field.EVENT));
    assertEquals("added", event.getString(Field.ACTION));
  }

  @Test
  @DisplayName("A group whose create message can't be stored is removed again")
  void groupRolledBack() {
    String ann = s.user("Ann");
    s.messages.storing(false);
    try {
      assertEquals(503, s.failureCode(Address.SESSION_CREATE, new JsonObject().put(Field.UID, ann)
          .put(Field.TYPE, "group").put(Field.NAME, "doomed")));
    } finally {
      s.messages.storing(true);
    }
    assertEquals(0, Await.result(s.service.mongo().count(SessionStore.SESSIONS,
        new JsonObject().put(Field.NAME, "doomed"))));
    assertEquals(0, Await.result(s.service.mongo().count(SessionStore.MEMBERS, new JsonObject().put(Field.UID, ann))));
  }

  @Test
  @DisplayName("A private session has both users as members and shows the creator the other as peer")
  void privateSession() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    JsonObject info = s.privateSession(ann, bob);
    String sid = info.getString(Field.SID);
    assertEquals("private", info.getString(Field.TYPE));
    assertEquals(bob, info.getJsonObject(Field.PEER).getString(Field.UID));
    assertEquals(SessionStore.MEMBER, s.storedRole(sid, ann));
    assertEquals(SessionStore.MEMBER, s.storedRole(sid, bob));
  }

  @Test
  @DisplayName("A private session created from either side is the same session")
  void privateSessionFromEitherSide() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String fromAnn = s.privateSession(ann, bob).getString(Field.SID);
    JsonObject fromBob = s.privateSession(bob, ann);
    assertEquals(fromAnn, fromBob.getString(Field.SID));
    assertEquals(ann, fromBob.getJsonObject(Field.PEER).getString(Field.UID));
  }

  @Test
  @DisplayName("Both users creating their private session at once get one session with two memberships")
  void privateSessionConcurrently() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    List<Future<JsonObject>> both = List.of(
        Bus.request(s.service.vertx(), Address.SESSION_CREATE,
            new JsonObject().put(Field.UID, ann).put(Field.TYPE, "private").put(Field.PEER, bob)),
        Bus.request(s.service.vertx(), Address.SESSION_CREATE,
            new JsonObject().put(Field.UID, bob).put(Field.TYPE, "private").put(Field.PEER, ann)));
    Await.result(Future.all(both));
    String sid = both.get(0).result().getString(Field.SID);
    assertEquals(sid, both.get(1).result().getString(Field.SID));
    assertEquals(1, Await.result(s.service.mongo().count(SessionStore.SESSIONS, new JsonObject().put("_id", sid))));
    assertEquals(2, Await.result(s.service.mongo().count(SessionStore.MEMBERS, new JsonObject().put(Field.SID, sid))));
  }

  @Test
  @DisplayName("Different pairs of users get different private sessions")
  void differentPairs() {
    String ann = s.user("Ann");
    String sid = s.privateSession(ann, s.user("Bob")).getString(Field.SID);
    assertNotEquals(sid, s.privateSession(ann, s.user("Cy")).getString(Field.SID));
  }

  @Test
  @DisplayName("Both users' gateways are told to subscribe to a new private session")
  void privateAddedEvents() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    List<JsonObject> toBob = s.listen(Address.fanoutUser(bob));
    String sid = s.privateSession(ann, bob).getString(Field.SID);
    JsonObject event = SessionService.awaitOne(toBob, "the added event", e -> sid.equals(e.getString(Field.SID)));
    assertEquals("added", event.getString(Field.ACTION));
    assertEquals(bob, event.getString(Field.UID));
  }

  @Test
  @DisplayName("A private session with a user who does not exist is refused with 404")
  void privateWithUnknownUser() {
    assertEquals(404, s.failureCode(Address.SESSION_CREATE, new JsonObject().put(Field.UID, s.user("Ann"))
        .put(Field.TYPE, "private").put(Field.PEER, "nobody")));
  }

  @Test
  @DisplayName("Creating a membership announces the change, so every instance drops its cached checks")
  void announcesMembership() {
    String ann = s.user("Ann");
    List<JsonObject> changes = s.listen(Address.SESSION_MEMBERSHIP_CHANGED);
    String sid = createGroup(ann, "public").getString(Field.SID);
    assertNotNull(SessionService.awaitOne(changes, "the announcement",
        c -> sid.equals(c.getString(Field.SID)) && ann.equals(c.getString(Field.UID))));
  }
}
