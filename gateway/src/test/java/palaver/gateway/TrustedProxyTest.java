package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.runtime.Setting;
import palaver.testing.Await;
import palaver.testing.FakeNeighbour;
import palaver.testing.ServiceUnderTest;

/** The login throttle's per-IP count behind a reverse proxy: which address is the client's. */
class TrustedProxyTest {
  private final FakeNeighbour users = new FakeNeighbour("user-service")
      .answer(Address.USER_LOGIN, body -> Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("wrong login or password")));
  private ServiceUnderTest sut;
  private WebClient http;

  private void start(String trustedProxies) {
    sut = ServiceUnderTest.start(new JsonObject().put(Setting.TRUSTED_PROXIES.key(), trustedProxies), List.of(users),
        GatewayVerticle::new);
    http = WebClient.create(sut.vertx());
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

  /** A wrong login (a fresh login name each time, so only the per-IP count can throttle) with this header. */
  private int wrongLoginFrom(String forwardedFor, int n) {
    var request = http.post(sut.httpPort(), "127.0.0.1", "/api/v1/auth/login");
    if (forwardedFor != null) {
      request.putHeader("X-Forwarded-For", forwardedFor);
    }
    return Await.result(request.sendJsonObject(new JsonObject().put(Field.LOGIN, "user" + n + "-" + System.nanoTime())
        .put(Field.PASSWORD, "wrong"))).statusCode();
  }

  private void failFromIp(String forwardedFor) {
    for (int i = 0; i < LoginThrottle.FAILURES_PER_IP; i++) {
      assertEquals(401, wrongLoginFrom(forwardedFor, i));
    }
  }

  @Test
  @DisplayName("Behind a trusted proxy, one client's failed logins throttle that client, not everyone behind the proxy")
  void trustedProxyCountsPerClient() {
    start("127.0.0.1");
    failFromIp("203.0.113.7");
    assertEquals(429, wrongLoginFrom("203.0.113.7", 99), "the failing client is throttled");
    assertEquals(401, wrongLoginFrom("198.51.100.9", 99), "another client behind the same proxy is not");
  }

  @Test
  @DisplayName("A client can't dodge the throttle by prepending its own X-Forwarded-For entries")
  void spoofedLeftEntriesIgnored() {
    start("127.0.0.1");
    failFromIp("203.0.113.7");
    // What our proxy appends is the right-most entry; anything left of it came from the client.
    assertEquals(429, wrongLoginFrom("10.9.8.7, 203.0.113.7", 99));
  }

  @Test
  @DisplayName("Without trusted proxies a spoofed X-Forwarded-For is ignored: the TCP peer is throttled")
  void untrustedPeerHeaderIgnored() {
    start("");
    for (int i = 0; i < LoginThrottle.FAILURES_PER_IP; i++) {
      assertEquals(401, wrongLoginFrom("192.0.2." + i, i));
    }
    assertEquals(429, wrongLoginFrom("192.0.2.200", 99), "rotating the header does not reset the count");
  }

  @Test
  @DisplayName("A trustedProxies entry that is not an address stops the gateway with a clear message")
  void badSetting() {
    Throwable t = assertThrows(RuntimeException.class, () -> start("proxy.example.com"));
    assertTrue(String.valueOf(t.getMessage()).contains("trustedProxies"), t.getMessage());
  }

  @Test
  @DisplayName("RFC 7239 Forwarded is read when X-Forwarded-For is absent, and networks match by prefix")
  void forwardedHeaderAndCidr() {
    start("127.0.0.0/8");
    for (int i = 0; i < LoginThrottle.FAILURES_PER_IP; i++) {
      var request = http.post(sut.httpPort(), "127.0.0.1", "/api/v1/auth/login")
          .putHeader("Forwarded", "for=\"[2001:db8::1]:4711\";proto=https");
      assertEquals(401, Await.result(request.sendJsonObject(new JsonObject().put(Field.LOGIN, "f" + i)
          .put(Field.PASSWORD, "wrong"))).statusCode());
    }
    assertEquals(401, wrongLoginFrom("2001:db8::2", 99), "a different client");
    var again = http.post(sut.httpPort(), "127.0.0.1", "/api/v1/auth/login").putHeader("Forwarded", "for=\"[2001:db8::1]\"");
    assertEquals(429, Await.result(again.sendJsonObject(new JsonObject().put(Field.LOGIN, "g").put(Field.PASSWORD, "x")))
        .statusCode());
  }
}
