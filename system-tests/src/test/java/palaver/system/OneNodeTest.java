package palaver.system;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import palaver.runtime.Setting;

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
    // Metrics are on the management port only (the public /metrics is 404 without a metrics token).
    server = TestServer.standalone(new JsonObject().put(Setting.MANAGEMENT_PORT.key(), 0));
    http = server.http();
    bus = server.bus();
  }

  @AfterAll
  static void stopNode() {
    server.close();
  }
}
