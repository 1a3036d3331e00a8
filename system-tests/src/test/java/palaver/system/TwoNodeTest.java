package palaver.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import palaver.store.EmbeddedStore;

/**
 * The set-up of the two-node chat tests, for the whole class: node {@code a} runs every chat service and a
 * gateway, node {@code b} only a gateway, clustered over Hazelcast on 127.0.0.1 and sharing one embedded store;
 * what a client does on {@code b} crosses the event bus to the services on {@code a}.
 */
abstract class TwoNodeTest {
  static EmbeddedStore store;
  static TestCluster cluster;
  static TestServer a;
  static TestServer b;

  @BeforeAll
  static void startNodes() {
    store = TestServer.newStore();
    cluster = new TestCluster(2);
    a = cluster.start(0, store, "user-service", "session-service", "message-service", "message-files", "gateway");
    b = cluster.start(1, store, "gateway");
  }

  @AfterAll
  static void stopNodes() {
    b.close();
    a.close();
    store.close();
  }
}
