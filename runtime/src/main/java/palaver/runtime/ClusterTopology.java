package palaver.runtime;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Address;
import palaver.api.Field;

/**
 * Turns Hazelcast's membership and merge events into a local-only {@link Address#CLUSTER_TOPOLOGY} event,
 * so services can flush what a split brain may have made stale without knowing about Hazelcast.
 */
public final class ClusterTopology {
  public static final String MEMBER_ADDED = "memberAdded";
  public static final String MEMBER_REMOVED = "memberRemoved";
  /** This node's side of a split brain was merged into the other: everything it held may be stale. */
  public static final String MERGED = "merged";

  private static final Logger LOG = LoggerFactory.getLogger(ClusterTopology.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private ClusterTopology() {
  }

  /** Starts announcing; a node that is not clustered on Hazelcast has no topology to announce. */
  public static void announce(Vertx vertx) {
    if (!(((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager manager)) {
      return;
    }
    HazelcastInstance hazelcast = manager.getHazelcastInstance();
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        publish(vertx, MEMBER_ADDED, event.getMember().getAddress().toString());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        publish(vertx, MEMBER_REMOVED, event.getMember().getAddress().toString());
      }
    });
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        publish(vertx, MERGED, hazelcast.getCluster().getLocalMember().getAddress().toString());
      }
    });
  }

  /** Hazelcast's threads call this; publishing is thread-safe and hands the event to each consumer's own context. */
  static void publish(Vertx vertx, String event, String member) {
    LOG.info("cluster topology: {} {}", event, member);
    vertx.eventBus().publish(Address.CLUSTER_TOPOLOGY, new JsonObject().put(Field.EVENT, event).put(Field.MEMBER, member), LOCAL);
  }
}
