package palaver.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
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

/** Requests are spread over the instances in turn, so repeating one reaches each instance. */
@DisplayName("Two session-service instances on one store, each with its own cache")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoInstancesTest {
  private static final int INSTANCES = 2;
  private SessionService s;

  @BeforeAll
  void start() {
    s = SessionService.start(INSTANCES);
  }

  @AfterAll
  void stop() {
    s.close();
  }

  /** Asks every instance (twice over) whether the user is a member; the answers' failure codes, 200 for a role. */
  private List<Integer> checkOnEveryInstance(String uid, String sid) {
    List<Integer> codes = new ArrayList<>();
    for (int i = 0; i < 2 * INSTANCES; i++) {
      Throwable t = Await.result(Bus.request(s.service.vertx(), Address.SESSION_CHECK_MEMBER, SessionService.of(uid, sid))
          .transform(ar -> Future.succeededFuture(ar.cause())));
      codes.add(t == null ? 200 : ((ReplyException) t).failureCode());
    }
    return codes;
  }

  @Test
  @DisplayName("A member who left is refused by every instance, although each had cached their role")
  void leaveSeenEverywhere() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "public");
    s.join(bob, sid);
    assertEquals(List.of(200, 200, 200, 200), checkOnEveryInstance(bob, sid));
    s.request(Address.SESSION_LEAVE, SessionService.of(bob, sid));
    assertEquals(List.of(403, 403, 403, 403), checkOnEveryInstance(bob, sid));
  }

  @Test
  @DisplayName("A removal whose announcement never arrived (a split brain) is seen by every instance after a topology change")
  void topologyChangeFlushesCaches() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    String sid = s.group(ann, "private");
    s.invite(ann, sid, bob);
    assertEquals(List.of(200, 200, 200, 200), checkOnEveryInstance(bob, sid));
    // Removed where this node could not hear it: the store changed, no membershipChanged reached us.
    Await.result(s.service.mongo().removeDocument(SessionStore.MEMBERS,
        new JsonObject().put("_id", SessionStore.memberId(sid, bob))));
    s.service.vertx().eventBus().publish(Address.CLUSTER_TOPOLOGY,
        new JsonObject().put(Field.EVENT, "memberAdded"), new DeliveryOptions().setLocalOnly(true));
    Await.until("every instance refuses the removed member", 10_000,
        () -> checkOnEveryInstance(bob, sid).equals(List.of(403, 403, 403, 403)));
  }

  @Test
  @DisplayName("Both users creating their private session at once on different instances get one session")
  void privateSessionAcrossInstances() {
    String ann = s.user("Ann");
    String bob = s.user("Bob");
    List<Future<JsonObject>> creations = new ArrayList<>();
    for (int i = 0; i < 2 * INSTANCES; i++) {
      String uid = i % 2 == 0 ? ann : bob;
      creations.add(Bus.request(s.service.vertx(), Address.SESSION_CREATE, new JsonObject().put(Field.UID, uid)
          .put(Field.TYPE, "private").put(Field.PEER, uid.equals(ann) ? bob : ann)));
    }
    Await.result(Future.all(creations));
    String sid = SessionStore.pairId(ann, bob);
    creations.forEach(c -> assertEquals(sid, c.result().getString(Field.SID)));
    assertEquals(2, Await.result(s.service.mongo().count(SessionStore.MEMBERS, new JsonObject().put(Field.SID, sid))));
  }
}
