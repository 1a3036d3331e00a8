package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Promise;
import io.vertx.core.eventbus.impl.EventBusInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.store.EmbeddedStore;
import palaver.system.Http.User;

/**
 * Node A runs every service and a gateway; node B only a gateway. B "dies"
 * in-process: its Hazelcast member is terminated and its event bus closed,
 * without stopping its verticles, so no clean stop and no last report reach
 * A, only silence, as when its process is killed. A separate-process kill -9
 * test is still wanted on top of this.
 */
@DisplayName("Presence across two clustered nodes, including a gateway that dies")
class PresenceClusterTest {
  /** docs/protocol.md, Presence: a user whose gateway died shows offline within 30 s. */
  private static final long BOUND_MS = 30_000;
  private static EmbeddedStore store;
  private static TestServer a;
  private static TestServer b;
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    store = TestServer.newStore();
    cluster = new TestCluster(3);
    a = cluster.start(0, store, "user-service", "session-service", "message-service", "gateway");
    b = cluster.start(1, store, "gateway");
  }

  @AfterAll
  static void stop() {
    try {
      b.close();
    } catch (RuntimeException alreadyDead) {
      // its cluster member was terminated by the test
    }
    a.close();
    store.close();
  }

  @Test
  @DisplayName("A user connected on both nodes stays online until the node holding the last connection dies")
  void killedGatewayGoesOfflineWithinBound() {
    Http http = a.http();
    User alice = http.newUser("Alice");
    User bob = http.newUser("Bob");
    PresenceTest.makeFriends(http, alice, bob);
    try (WsClient bobWs = a.ws(bob)) {
      WsClient onB = b.ws(alice);
      assertEquals("online", PresenceTest.nextPresence(bobWs, alice.uid()).getString("state"));
      try (WsClient onA = a.ws(alice)) {
        assertEquals("online", PresenceTest.presenceOf(a, alice.uid()));
      }
      assertEquals("online", PresenceTest.presenceOf(a, alice.uid()), "B still holds a connection");

      long killedAt = System.currentTimeMillis();
      killClusterMember(b);
      JsonObject offline = bobWs.next(f -> "presence".equals(f.getString("event"))
          && alice.uid().equals(f.getString("uid")) && "offline".equals(f.getString("state")), BOUND_MS);
      long took = System.currentTimeMillis() - killedAt;
      assertTrue(took <= BOUND_MS, "offline after " + took + " ms");
      assertEquals("offline", offline.getString("state"));
      assertEquals("offline", PresenceTest.presenceOf(a, alice.uid()));
      onB.close();
    }
  }

  @Test
  @DisplayName("A gateway that stops cleanly takes its users offline at once, without waiting for the expiry")
  void cleanStopGoesOfflineAtOnce() {
    TestServer c = cluster.start(2, store, "gateway");
    Http http = a.http();
    User carol = http.newUser("Carol");
    User dave = http.newUser("Dave");
    PresenceTest.makeFriends(http, carol, dave);
    try (WsClient daveWs = a.ws(dave)) {
      WsClient onC = c.ws(carol);
      assertEquals("online", PresenceTest.nextPresence(daveWs, carol.uid()).getString("state"));
      long stoppedAt = System.currentTimeMillis();
      c.close();
      assertEquals("offline", PresenceTest.nextPresence(daveWs, carol.uid()).getString("state"));
      long took = System.currentTimeMillis() - stoppedAt;
      assertTrue(took < 15_000, "offline after " + took + " ms, before any heartbeat could expire");
      assertEquals(1001, onC.awaitClose());
    }
  }

  /**
   * The member leaves the cluster and its bus connections drop, without any
   * goodbye: what a crash looks like to the others. (Terminating Hazelcast
   * alone is not enough: the node's open bus connections would still carry
   * its heartbeats.)
   */
  private static void killClusterMember(TestServer node) {
    VertxInternal vertx = (VertxInternal) node.node().vertx();
    ((HazelcastClusterManager) vertx.clusterManager()).getHazelcastInstance().getLifecycleService().terminate();
    ((EventBusInternal) vertx.eventBus()).close(Promise.promise());
  }
}
