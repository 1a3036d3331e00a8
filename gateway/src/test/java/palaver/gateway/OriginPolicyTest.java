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
    assertTrue(ownOnly.allows(null, CHAT));
  }

  @Test
  @DisplayName("The gateway's own origin (same host and port as Host) is allowed")
  void ownOriginIsAllowed() {
    assertTrue(ownOnly.allows("http://chat.example:8080", CHAT));
  }

  @Test
  @DisplayName("The same host on another port is refused")
  void otherPortIsRefused() {
    assertFalse(ownOnly.allows("http://chat.example:9090", CHAT));
  }

  @Test
  @DisplayName("Another host is refused")
  void otherHostIsRefused() {
    assertFalse(ownOnly.allows("http://evil.example:8080", CHAT));
  }

  @Test
  @DisplayName("An origin without a port means the scheme's default port")
  void defaultPortOfTheScheme() {
    assertTrue(ownOnly.allows("https://chat.example", HostAndPort.create("chat.example", 443)));
    assertFalse(ownOnly.allows("https://chat.example", HostAndPort.create("chat.example", 80)));
  }

  @Test
  @DisplayName("A configured origin is allowed whatever the Host, compared without case")
  void configuredOriginIsAllowed() {
    OriginPolicy policy = new OriginPolicy("https://app.example, https://other.example");
    assertTrue(policy.allows("HTTPS://App.Example", CHAT));
    assertFalse(policy.allows("https://third.example", CHAT));
  }

  @Test
  @DisplayName("A configured * allows every origin")
  void starAllowsAll() {
    assertTrue(new OriginPolicy("*").allows("http://anything.example", CHAT));
  }

  @Test
  @DisplayName("An Origin that is not a URL with a host is refused")
  void malformedOriginIsRefused() {
    assertFalse(ownOnly.allows("null", CHAT));
    assertFalse(ownOnly.allows("http://[bad", CHAT));
  }
}
