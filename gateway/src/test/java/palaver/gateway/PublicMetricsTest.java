package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.Setting;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;

/** Issue 19: /metrics on the user-facing port is off unless a metrics token opens it. */
@DisplayName("GET /metrics on the gateway's public port")
class PublicMetricsTest {
  /** The metrics token the gateway tests that scrape the public port configure. */
  static final String TOKEN = "test-metrics-token-0123456789abcdef";

  private ServiceUnderTest sut;
  private WebClient http;

  private HttpResponse<Buffer> scrape(JsonObject settings, String authorization) {
    sut = ServiceUnderTest.start(settings, List.of(), GatewayVerticle::new);
    http = WebClient.create(sut.vertx());
    var request = http.get(sut.httpPort(), "127.0.0.1", "/metrics");
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return Await.result(request.send());
  }

  private static JsonObject withToken() {
    return new JsonObject().put(Setting.METRICS_TOKEN.key(), TOKEN);
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
    if (sut != null) {
      sut.close();
    }
  }

  @Test
  @DisplayName("is 404 when no metrics token is configured, also with a bearer token")
  void offByDefault() {
    HttpResponse<Buffer> r = scrape(new JsonObject(), "Bearer " + TOKEN);
    assertEquals(404, r.statusCode());
    assertEquals("not_found", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  @Test
  @DisplayName("is 401 with a wrong token")
  void wrongToken() {
    HttpResponse<Buffer> r = scrape(withToken(), "Bearer " + TOKEN + "x");
    assertEquals(401, r.statusCode());
    assertEquals("unauthenticated", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals("Bearer", r.getHeader("WWW-Authenticate"));
  }

  @Test
  @DisplayName("is 401 without an Authorization header")
  void noToken() {
    assertEquals(401, scrape(withToken(), null).statusCode());
  }

  @Test
  @DisplayName("is 401 with the token in another scheme than Bearer")
  void otherScheme() {
    assertEquals(401, scrape(withToken(), "Basic " + TOKEN).statusCode());
  }

  @Test
  @DisplayName("serves the Prometheus text with the right bearer token")
  void rightToken() {
    HttpResponse<Buffer> r = scrape(withToken(), "Bearer " + TOKEN);
    assertEquals(200, r.statusCode());
    assertTrue(r.bodyAsString().contains("jvm_"), "JVM metrics in Prometheus text");
  }

  @Test
  @DisplayName("a metrics token shorter than 16 bytes stops the gateway's start")
  void shortTokenRefused() {
    Throwable t = assertThrows(RuntimeException.class,
        () -> ServiceUnderTest.start(new JsonObject().put(Setting.METRICS_TOKEN.key(), "short"), List.of(),
            GatewayVerticle::new));
    assertTrue(String.valueOf(t.getMessage()).contains("metricsToken") || String.valueOf(t.getCause()).contains("metricsToken"),
        String.valueOf(t));
  }
}
