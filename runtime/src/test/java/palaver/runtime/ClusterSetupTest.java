package palaver.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Hazelcast and event-bus settings")
class ClusterSetupTest {
  private static JsonObject config() {
    return PalaverConfig.defaults().put("clusterName", "c1").put("clusterHost", "127.0.0.1")
        .put("clusterPort", 5999).put("seeds", "127.0.0.1:5999, 127.0.0.1:6000");
  }

  private static Config hazelcast(JsonObject config) {
    return ClusterSetup.clusterManager(config).getConfig();
  }

  @Test
  @DisplayName("TCP-IP join to the seeds, with multicast and auto-detection off")
  void tcpIpJoin() {
    Config hz = hazelcast(config());
    JoinConfig join = hz.getNetworkConfig().getJoin();
    assertEquals("c1", hz.getClusterName());
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(java.util.List.of("127.0.0.1:5999", "127.0.0.1:6000"), join.getTcpIpConfig().getMembers());
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled());
    assertEquals(5999, hz.getNetworkConfig().getPort());
  }

  @Test
  @DisplayName("Vert.x's own maps are configured (subscriptions survive a member loss)")
  void vertxMaps() {
    assertEquals(1, hazelcast(config()).getMultiMapConfig("__vertx.subs").getBackupCount());
  }

  @Test
  @DisplayName("--kubernetes-service switches the join to DNS discovery")
  void kubernetes() {
    JoinConfig join = hazelcast(config().put("kubernetesService", "palaver-hz.chat.svc.cluster.local"))
        .getNetworkConfig().getJoin();
    assertTrue(join.getKubernetesConfig().isEnabled());
    assertEquals("palaver-hz.chat.svc.cluster.local", join.getKubernetesConfig().getProperty("service-dns"));
    assertFalse(join.getTcpIpConfig().isEnabled());
  }

  @Test
  @DisplayName("The event bus binds to the cluster host and advertises the public host")
  void eventBus() {
    VertxOptions options = ClusterSetup.vertxOptions(config().put("publicHost", "10.1.2.3"), new VertxOptions());
    assertEquals("127.0.0.1", options.getEventBusOptions().getHost());
    assertEquals("10.1.2.3", options.getEventBusOptions().getClusterPublicHost());
  }
}
