package palaver.runtime;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Hazelcast and event-bus settings for a clustered node: TCP-IP join to the
 * seeds, no multicast or auto-detection, everything bound to the cluster host.
 */
public final class ClusterSetup {
  private ClusterSetup() {
  }

  public static HazelcastClusterManager clusterManager(JsonObject config) {
    // Vert.x's default config carries the maps it needs (__vertx.subs, ...).
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(hazelcastClusterName(config));
    String host = config.getString(Setting.CLUSTER_HOST.key());
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(config.getInteger(Setting.CLUSTER_PORT.key())).setPortAutoIncrement(true).setPortCount(20);
    if (!"0.0.0.0".equals(host)) {
      network.getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    }
    String publicHost = config.getString(Setting.PUBLIC_HOST.key());
    if (publicHost != null) {
      network.setPublicAddress(publicHost);
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    String kubernetesService = config.getString(Setting.KUBERNETES_SERVICE.key());
    if (kubernetesService != null) {
      // Pods find each other through the headless service's DNS records.
      join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", kubernetesService);
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(seeds(config, host));
    }
    if (!"0.0.0.0".equals(host)) {
      hz.setProperty("hazelcast.local.localAddress", host);
      // Without this Hazelcast listens on every interface (*:5701) whatever the interfaces say:
      // the member port is then reachable from networks --cluster-host was meant to keep out.
      hz.setProperty("hazelcast.socket.bind.any", "false");
    }
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    // We leave the cluster ourselves, after the gateway closed its sockets.
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    // A member killed without warning is dropped within ~10 s, so its users
    // can be shown offline well inside the 30 s presence bound (docs/architecture.md, Presence).
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "8");
    // After a network partition heals, the split clusters merge within ~10 s (Hazelcast's default
    // waits 300 s for the first check and 120 s between checks); Vert.x then republishes
    // each node's subscriptions, so clients of a cut-off gateway get live messages again.
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    return new HazelcastClusterManager(hz);
  }

  /** The shortest cluster secret accepted: shorter ones are guessable. */
  static final int MIN_SECRET_BYTES = 16;
  /** Hex digits of the secret's HMAC in the cluster name (128 bits). */
  private static final int TAG_HEX = 32;

  /**
   * The Hazelcast cluster name: {@code clusterName} alone without a {@code clusterSecret}, else
   * {@code clusterName-<first 32 hex of HMAC-SHA256(secret, clusterName)>}. Open-source Hazelcast has no
   * member authentication (that is Enterprise's JAAS security), but it refuses a join request, and a
   * client, whose cluster name differs: a member without the secret can't compute the name, so it is
   * refused at join. The name itself travels in plaintext (docs/operations.md, Cluster security).
   */
  public static String hazelcastClusterName(JsonObject config) {
    String name = config.getString(Setting.CLUSTER_NAME.key(), (String) Setting.CLUSTER_NAME.defaultValue());
    String secret = clusterSecret(config);
    if (secret == null) {
      return name;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] tag = mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
      return name + "-" + HexFormat.of().formatHex(tag).substring(0, TAG_HEX);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** The configured cluster secret, null when absent or blank; one shorter than 16 bytes is refused. */
  static String clusterSecret(JsonObject config) {
    String secret = config.getString(Setting.CLUSTER_SECRET.key());
    if (secret == null || secret.isBlank()) {
      return null;
    }
    if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("clusterSecret must be at least " + MIN_SECRET_BYTES
          + " bytes (e.g. openssl rand -base64 32)");
    }
    return secret;
  }

  /** Whether the event bus between nodes runs mutual TLS (all of busTlsCert, busTlsKey and busTlsCa). */
  static boolean busTlsOn(JsonObject config) {
    return config.getString(Setting.BUS_TLS_CERT.key()) != null && config.getString(Setting.BUS_TLS_KEY.key()) != null
        && config.getString(Setting.BUS_TLS_CA.key()) != null;
  }

  public static VertxOptions vertxOptions(JsonObject config, VertxOptions base) {
    EventBusOptions bus = base.getEventBusOptions()
        .setHost(config.getString(Setting.CLUSTER_HOST.key()))
        .setPort(config.getInteger(Setting.BUS_PORT.key(), 0));
    String publicHost = config.getString(Setting.PUBLIC_HOST.key());
    if (publicHost != null) {
      bus.setClusterPublicHost(publicHost);
    }
    busTls(config, bus);
    return base;
  }

  /**
   * TLS between nodes on the event bus, with mutual authentication: a node presents its certificate and
   * accepts only peers whose certificates the configured authority signed, so a stranger that reaches
   * the bus port can neither read the traffic nor inject messages. All three files, or none.
   */
  static void busTls(JsonObject config, EventBusOptions bus) {
    String cert = config.getString(Setting.BUS_TLS_CERT.key());
    String key = config.getString(Setting.BUS_TLS_KEY.key());
    String ca = config.getString(Setting.BUS_TLS_CA.key());
    if (cert == null && key == null && ca == null) {
      return;
    }
    if (cert == null || key == null || ca == null) {
      throw new IllegalArgumentException("busTlsCert, busTlsKey and busTlsCa go together: give all three, or none");
    }
    bus.setSsl(true)
        .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(cert).setKeyPath(key))
        .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(ca))
        .setClientAuth(io.vertx.core.http.ClientAuth.REQUIRED);
  }

  static List<String> seeds(JsonObject config, String host) {
    List<String> members = new ArrayList<>();
    for (String seed : config.getString(Setting.SEEDS.key(), "").split(",")) {
      if (!seed.isBlank()) {
        members.add(seed.trim());
      }
    }
    if (members.isEmpty()) {
      members.add(host);
    }
    return members;
  }
}
