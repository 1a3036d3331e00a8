package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.net.HostAndPort;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
  private static final HostAndPort CHAT = HostAndPort.create("chat.example", 8080);
  private final OriginPolicy ownOnly = new OriginPolicy("");

  @Test
  @DisplayName("A request without an Origin header (not a browser) is allowed")
  void noOriginIsAllowed() {
    assertTrue(ownOnly.allows(null, "http", CHAT));
  }

  @Test
  @DisplayName("The gateway's own origin (same host and port as Host) is allowed")
  void ownOriginIsAllowed() {
    assertTrue(ownOnly.allows("http://chat.example:8080", "http", CHAT));
  }

  @Test
  @DisplayName("The same host on another port is refused")
  void otherPortIsRefused() {
    assertFalse(ownOnly.allows("http://chat.example:9090", "http", CHAT));
  }

  @Test
  @DisplayName("Another host is refused")
  void otherHostIsRefused() {
    assertFalse(ownOnly.allows("http://evil.example:8080", "http", CHAT));
  }

  @Test
  @DisplayName("An origin without a port means the scheme's default port")
  void defaultPortOfTheScheme() {
    assertTrue(ownOnly.allows("https://chat.example", "https", HostAndPort.create("chat.example", 443)));
    assertFalse(ownOnly.allows("https://chat.example", "https", HostAndPort.create("chat.example", 80)));
  }

  @Test
  @DisplayName("A configured origin is allowed whatever the Host, compared without case")
  void configuredOriginIsAllowed() {
    OriginPolicy policy = new OriginPolicy("https://app.example, https://other.example");
    assertTrue(policy.allows("HTTPS://App.Example", "http", CHAT));
    assertFalse(policy.allows("https://third.example", "http", CHAT));
  }

  @Test
  @DisplayName("A configured * allows every origin")
  void starAllowsAll() {
    assertTrue(new OriginPolicy("*").allows("http://anything.example", "http", CHAT));
  }

  @Test
  @DisplayName("An Origin that is not a URL with a host is refused")
  void malformedOriginIsRefused() {
    assertFalse(ownOnly.allows("null", "http", CHAT));
    assertFalse(ownOnly.allows("http://[bad", "http", CHAT));
  }

  @Test
  @DisplayName("When Host has no port, an origin on another port or scheme than the request's is refused")
  void hostWithoutPortIsTheSchemesDefault() {
    HostAndPort noPort = HostAndPort.create("chat.example", -1);
    assertTrue(ownOnly.allows("http://chat.example", "http", noPort));
    assertFalse(ownOnly.allows("http://chat.example:9999", "http", noPort));
    assertFalse(ownOnly.allows("https://chat.example", "http", noPort));
  }

  @Test
  @DisplayName("An origin with the request's host and port but another scheme is refused")
  void otherSchemeIsRefused() {
    assertFalse(ownOnly.allows("https://chat.example:8080", "http", CHAT));
  }

  @Test
  @DisplayName("A configured origin matches only its own scheme and port, the default port spelled or not")
  void configuredOriginIsAFullOrigin() {
    OriginPolicy policy = new OriginPolicy("https://app.example");
    assertTrue(policy.allows("https://app.example:443", "http", CHAT));
    assertFalse(policy.allows("http://app.example", "http", CHAT));
    assertFalse(policy.allows("https://app.example:8443", "http", CHAT));
  }
}
