package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.testing.Await;
import palaver.testing.FakeNeighbour;

@DisplayName("MemberChecks: session-service's membership answers kept in message-service")
class MemberChecksTest {
  private static final String SID = "g1";
  private static final String ALICE = "alice";
  private static final String BOB = "bob";
  private static final String STRANGER = "mallory";

  private Vertx vertx;
  private Context loop;
  private FakeNeighbour sessions;
  private MemberChecks checks;
  private final AtomicLong now = new AtomicLong(1_000_000);
  /** What session-service answers a check now: Promise.promise() makes it wait until completed. */
  private volatile Promise<JsonObject> held;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    sessions = new FakeNeighbour("session-service").answer(Address.SESSION_CHECK_MEMBER, body -> {
      if (STRANGER.equals(body.getString(Field.UID))) {
        return Future.failedFuture(ErrorCode.FORBIDDEN.exception("not a member of this session"));
      }
      Promise<JsonObject> wait = held;
      JsonObject answer = new JsonObject().put(Field.ROLE, "member");
      return wait == null ? Future.succeededFuture(answer) : wait.future().map(v -> answer);
    });
    Await.result(vertx.deployVerticle(sessions));
    loop = vertx.getOrCreateContext();
    checks = onLoop(() -> {
      MemberChecks c = new MemberChecks(vertx, 1000, 60_000, now::get);
      return c.listen().map(c);
    });
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  private <T> T onLoop(Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    loop.runOnContext(v -> action.get().onComplete(done));
    return Await.result(done.future());
  }

  private JsonObject check(String uid) {
    return onLoop(() -> checks.check(uid, SID));
  }

  private int asked() {
    return sessions.requests(Address.SESSION_CHECK_MEMBER).size();
  }

  @Test
  @DisplayName("A member's second check is answered without asking session-service again")
  void answerIsKept() {
    assertEquals("member", check(ALICE).getString(Field.ROLE));
    assertEquals("member", check(ALICE).getString(Field.ROLE));
    assertEquals(1, asked());
  }

  @Test
  @DisplayName("Concurrent checks of one member share one request")
  void concurrentMissesShareOneRequest() {
    held = Promise.promise();
    Promise<JsonObject> release = held;
    Future<?> both = onLoop(() -> Future.succeededFuture(Future.all(checks.check(ALICE, SID), checks.check(ALICE, SID))));
    Await.until("the first request", 5_000, () -> asked() == 1);
    release.complete(new JsonObject());
    Await.result(both);
    assertEquals(1, asked());
  }

  @Test
  @DisplayName("A refusal is not kept: a user who is not a member is asked about each time")
  void refusalNotKept() {
    onLoop(() -> checks.check(STRANGER, SID).transform(ar -> Future.succeededFuture(ar.failed())));
    onLoop(() -> checks.check(STRANGER, SID).transform(ar -> Future.succeededFuture(ar.failed())));
    assertEquals(2, asked());
  }

  @Test
  @DisplayName("A membership change announced on the bus drops the answer, and answers in the next 2 s are not kept")
  void membershipChangeDropsAndSettles() {
    check(ALICE);
    vertx.eventBus().publish(Address.SESSION_MEMBERSHIP_CHANGED, new JsonObject().put(Field.SID, SID).put(Field.UID, ALICE));
    Await.until("the announcement", 5_000, () -> onLoop(() -> Future.succeededFuture(checks.size())) == 0);
    check(ALICE);
    check(ALICE);
    assertEquals(3, asked(), "asked afresh while the change settles");
    now.addAndGet(MemberChecks.SETTLE_MS);
    check(ALICE);
    check(ALICE);
    assertEquals(4, asked(), "kept again once settled");
  }

  @Test
  @DisplayName("Another member's change leaves this member's answer alone")
  void otherMembersChangeKeepsAnswer() {
    check(ALICE);
    onLoop(() -> {
      checks.membershipChanged(SID, BOB);
      return Future.succeededFuture();
    });
    check(ALICE);
    assertEquals(1, asked());
  }

  @Test
  @DisplayName("A block change drops the answers of both users")
  void blockChangeDropsBothUsers() {
    check(ALICE);
    check(BOB);
    vertx.eventBus().publish(Address.USER_BLOCK_CHANGED, new JsonObject().put(Field.UID, ALICE).put(Field.PEER, BOB));
    Await.until("the announcement", 5_000, () -> onLoop(() -> Future.succeededFuture(checks.size())) == 0);
    now.addAndGet(MemberChecks.SETTLE_MS);
    check(ALICE);
    check(BOB);
    assertEquals(4, asked());
  }

  @Test
  @DisplayName("A cluster topology change drops every answer")
  void topologyDropsEverything() {
    check(ALICE);
    check(BOB);
    vertx.eventBus().publish(Address.CLUSTER_TOPOLOGY, new JsonObject().put(Field.EVENT, "merged"));
    Await.until("the topology event", 5_000, () -> onLoop(() -> Future.succeededFuture(checks.size())) == 0);
    assertTrue(asked() == 2);
  }

  @Test
  @DisplayName("An answer older than the TTL is asked for again")
  void ttlExpires() {
    check(ALICE);
    now.addAndGet(60_001);
    check(ALICE);
    assertEquals(2, asked());
  }

  @Test
  @DisplayName("An answer that was in flight when a change came is not kept")
  void answerInFlightDuringChangeNotKept() {
    held = Promise.promise();
    Promise<JsonObject> release = held;
    Future<?> first = onLoop(() -> Future.succeededFuture(checks.check(ALICE, SID)));
    Await.until("the request", 5_000, () -> asked() == 1);
    onLoop(() -> {
      checks.membershipChanged(SID, ALICE);
      return Future.succeededFuture();
    });
    now.addAndGet(MemberChecks.SETTLE_MS);
    held = null;
    release.complete(new JsonObject());
    Await.result(first);
    check(ALICE);
    assertEquals(2, asked());
  }
}
