package palaver.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 20 item 12: the Hazelcast member listens on the cluster host only, not on every interface. */
@DisplayName("A Hazelcast member started with --cluster-host 127.0.0.1")
class ClusterBindingTest {
  @Test
  @DisplayName("accepts connections on 127.0.0.1 but not on another local address (127.0.0.2)")
  void boundToClusterHostOnly() throws Exception {
    int port = freePort();
    JsonConfig settings = new JsonConfig(port);
    Config hz = ClusterSetup.clusterManager(settings.config).getConfig();
    hz.setInstanceName("binding-test-" + port);
    HazelcastInstance member = Hazelcast.newHazelcastInstance(hz);
    try {
      int memberPort = member.getCluster().getLocalMember().getAddress().getPort();
      connect("127.0.0.1", memberPort);
      // On Linux all of 127/8 is local: a socket bound to * would accept this too.
      assertThrows(IOException.class, () -> connect("127.0.0.2", memberPort));
      assertEquals("127.0.0.1", member.getCluster().getLocalMember().getAddress().getHost());
    } finally {
      member.shutdown();
    }
  }

  private record JsonConfig(io.vertx.core.json.JsonObject config) {
    JsonConfig(int port) {
      this(PalaverConfig.defaults().put("clusterName", "binding-" + port).put("clusterHost", "127.0.0.1")
          .put("clusterPort", port).put("seeds", "127.0.0.1:" + port));
    }
  }

  private static void connect(String host, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2_000);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
