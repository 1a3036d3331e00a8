package palaver.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import palaver.api.Address;
import palaver.api.Field;

@DisplayName("Per-user limits on creating groups and inviting (issue 20: 2,000 groups in 27 s)")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CreationLimitsTest {
  private SessionService s;

  @BeforeAll
  void start() {
    s = SessionService.start();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private int createGroup(String uid) {
    return s.failureCode(Address.SESSION_CREATE, new JsonObject().put(Field.UID, uid).put(Field.TYPE, "group")
        .put(Field.NAME, "flood"));
  }

  @Test
  @DisplayName("Creating more groups than the burst at once is refused with 429")
  void groupCreationLimited() {
    String eve = s.user("Eve");
    for (int i = 0; i < Sessions.GROUPS_BURST; i++) {
      s.group(eve, "private");
    }
    assertEquals(429, createGroup(eve));
  }

  @Test
  @DisplayName("One user's group limit leaves another user's untouched")
  void limitIsPerUser() {
    String eve = s.user("Eve");
    for (int i = 0; i < Sessions.GROUPS_BURST; i++) {
      s.group(eve, "private");
    }
    assertEquals(429, createGroup(eve));
    s.group(s.user("Ann"), "private");
  }

  @Test
  @DisplayName("Inviting more users than the burst at once is refused with 429")
  void invitesLimited() {
    String eve = s.user("Eve");
    String sid = s.group(eve, "private");
    for (int i = 0; i < Memberships.INVITES_BURST; i++) {
      s.request(Address.SESSION_INVITE, SessionService.of(eve, sid).put(Field.MEMBER, s.user("Victim" + i)));
    }
    assertEquals(429, s.failureCode(Address.SESSION_INVITE, SessionService.of(eve, sid).put(Field.MEMBER, s.user("One more"))));
  }

  @Test
  @DisplayName("A user in 500 sessions can't join another one (409), so their list and ready stay bounded")
  void membershipsBounded() {
    String bob = s.user("Bob");
    java.util.List<io.vertx.ext.mongo.BulkOperation> members = new java.util.ArrayList<>();
    for (int i = 0; i < SessionStore.MAX_MEMBERSHIPS; i++) {
      members.add(io.vertx.ext.mongo.BulkOperation.createInsert(SessionStore.newMember("s" + i + bob, bob,
          SessionStore.MEMBER, System.currentTimeMillis())));
    }
    palaver.testing.Await.result(s.service.mongo().bulkWrite(SessionStore.MEMBERS, members));
    String sid = s.group(s.user("Ann"), "public");
    assertEquals(409, s.failureCode(Address.SESSION_JOIN, SessionService.of(bob, sid)));
  }
}
