package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.store.EmbeddedStore;
import palaver.system.Http.Response;
import palaver.system.Http.User;

/**
 * message-service runs alone on node B, which is stopped once the fixtures
 * exist: every membership change then can't store its system message, and
 * must fail without leaving any trace of itself.
 */
@DisplayName("A membership change whose system message can't be stored is not half-written")
class MembershipRollbackTest {
  private static EmbeddedStore store;
  private static TestServer a;
  private static Http http;
  private static User owner;
  private static User member;
  private static User outsider;
  private static String sid;

  @BeforeAll
  static void start() {
    store = TestServer.newStore();
    TestCluster cluster = new TestCluster(2);
    a = cluster.start(0, store, "user-service", "session-service", "gateway");
    TestServer b = cluster.start(1, store, "message-service");
    http = a.http();
    a.users("Owner", "Member", "Outsider");
    owner = a.user("Owner");
    member = a.user("Member");
    outsider = a.user("Outsider");
    sid = a.group("steady", owner, member);
    // Friends: the owner's invite then adds at once (a stranger's would only wait, needing no message-service).
    http.befriend(owner, outsider);
    b.close();
  }

  @AfterAll
  static void stop() {
    a.close();
    store.close();
  }

  @Test
  @DisplayName("A failed join leaves the joiner out")
  void join() {
    assertUnavailable(http.post("/sessions/" + sid + "/members", outsider.token(), null));
    assertMembers(owner.uid() + ":owner", member.uid() + ":member");
  }

  @Test
  @DisplayName("A failed invitation adds nobody")
  void invite() {
    assertUnavailable(http.invite(owner, sid, outsider.uid()));
    assertMembers(owner.uid() + ":owner", member.uid() + ":member");
  }

  @Test
  @DisplayName("A failed leave by the owner keeps the owner, and nobody else is promoted")
  void ownerLeave() {
    assertUnavailable(http.leave(owner, sid));
    assertMembers(owner.uid() + ":owner", member.uid() + ":member");
    assertEquals(owner.uid(), http.info(owner, sid).getString("owner"));
  }

  @Test
  @DisplayName("A failed removal keeps the member with their role")
  void remove() {
    assertUnavailable(http.remove(owner, sid, member));
    assertMembers(owner.uid() + ":owner", member.uid() + ":member");
  }

  @Test
  @DisplayName("A failed promotion or rename changes nothing")
  void roleAndRename() {
    assertUnavailable(http.setRole(owner, sid, member, "owner"));
    assertUnavailable(http.patch("/sessions/" + sid, owner.token(), new JsonObject().put("name", "renamed")));
    assertMembers(owner.uid() + ":owner", member.uid() + ":member");
    JsonObject info = http.info(owner, sid);
    assertEquals("steady", info.getString("name"));
    assertEquals(owner.uid(), info.getString("owner"));
  }

  @Test
  @DisplayName("A failed group creation leaves no group behind")
  void create() {
    String name = "ghost" + System.nanoTime();
    assertUnavailable(http.post("/sessions", outsider.token(), new JsonObject().put("type", "group").put("name", name)));
    assertEquals(0, http.get("/sessions/public?q=" + name, outsider.token()).json().getJsonArray("sessions").size());
    assertEquals(0, http.sessions(outsider).size());
  }

  private static void assertUnavailable(Response r) {
    assertEquals(503, r.status(), r.text());
  }

  private static void assertMembers(String... expected) {
    JsonArray members = http.info(owner, sid).getJsonArray("members");
    List<String> actual = members.stream().map(m -> ((JsonObject) m).getString("uid") + ":"
        + ((JsonObject) m).getString("role")).toList();
    assertEquals(List.of(expected), actual);
  }
}
