package palaver.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class whose tests share one standalone node (own store, real
 * ports), started before the first test and stopped after the last; its
 * clients over HTTP and the event bus are at hand as {@code http} and {@code bus}.
 */
public abstract class OneNodeTest {
  protected static TestServer server;
  protected static Http http;
  protected static BusClient bus;

  @BeforeAll
  static void startNode() {
    server = TestServer.standalone();
    http = server.http();
    bus = server.bus();
  }

  @AfterAll
  static void stopNode() {
    server.close();
  }
}
