package palaver.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The management port of a node")
class ManagementPortTest {
  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("answers /live, /ready and /metrics, and 404 elsewhere; off when not configured")
  void probesAndMetrics() throws Exception {
    JsonObject config = new JsonObject().put(Setting.MANAGEMENT_PORT.key(), 0).put(Setting.HTTP_HOST.key(), "127.0.0.1");
    PalaverNode node = Launcher.await(PalaverNode.start(config, List.of()), 30);
    try {
      int port = node.managementPort();
      assertTrue(port > 0);
      assertEquals(200, get(port, "/live").statusCode());
      assertEquals(200, get(port, "/ready").statusCode());
      HttpResponse<String> metrics = get(port, "/metrics");
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().contains("jvm_"), "JVM metrics in Prometheus text");
      assertEquals(404, get(port, "/other").statusCode());
    } finally {
      Launcher.await(node.close(), 30);
    }
    PalaverNode off = Launcher.await(PalaverNode.start(new JsonObject(), List.of()), 30);
    try {
      assertEquals(-1, off.managementPort());
    } finally {
      Launcher.await(off.close(), 30);
    }
  }
}
