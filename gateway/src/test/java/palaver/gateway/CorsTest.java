package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.Setting;
import palaver.testing.Await;

/** CORS on the REST API: a web client on a configured origin can call it, others can't. */
class CorsTest {
  private static final String ALLOWED = "https://chat.example.com";
  private GatewayUnderTest gateway;
  private WebClient http;

  private void start(String allowedOrigins) {
    gateway = new GatewayUnderTest(new JsonObject().put(Setting.ALLOWED_ORIGINS.key(), allowedOrigins));
    http = WebClient.create(gateway.sut.vertx());
  }

  @AfterEach
  void stop() {
    http.close();
    gateway.close();
  }

  private HttpResponse<Buffer> preflight(String origin) {
    return Await.result(http.request(HttpMethod.OPTIONS, gateway.port(), "127.0.0.1", "/api/v1/auth/login")
        .putHeader("Origin", origin).putHeader("Access-Control-Request-Method", "POST")
        .putHeader("Access-Control-Request-Headers", "content-type,authorization").send());
  }

  @Test
  @DisplayName("A preflight from a configured origin is answered with that origin, the methods and credentials")
  void preflightAllowed() {
    start(ALLOWED);
    HttpResponse<Buffer> r = preflight(ALLOWED);
    assertEquals(204, r.statusCode());
    assertEquals(ALLOWED, r.getHeader("Access-Control-Allow-Origin"));
    assertEquals("true", r.getHeader("Access-Control-Allow-Credentials"));
    assertTrue(r.getHeader("Access-Control-Allow-Methods").contains("POST"), r.getHeader("Access-Control-Allow-Methods"));
    assertTrue(r.getHeader("Access-Control-Allow-Headers").toLowerCase().contains("authorization"));
  }

  @Test
  @DisplayName("A preflight from any other origin gets no CORS grant")
  void preflightRefused() {
    start(ALLOWED);
    HttpResponse<Buffer> r = preflight("https://evil.example.net");
    assertNull(r.getHeader("Access-Control-Allow-Origin"));
  }

  @Test
  @DisplayName("Without allowedOrigins the REST API grants no cross-origin access")
  void sameOriginByDefault() {
    start("");
    assertNull(preflight(ALLOWED).getHeader("Access-Control-Allow-Origin"));
  }
}
