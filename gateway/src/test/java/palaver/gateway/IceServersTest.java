package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Field;

@DisplayName("The iceServers setting")
class IceServersTest {
  private static JsonObject config(Object iceServers) {
    return new JsonObject().put("iceServers", iceServers);
  }

  @Test
  @DisplayName("Absent, it is an empty list: calls use host candidates only")
  void noneByDefault() {
    assertEquals(new JsonArray(), IceServers.from(new JsonObject()));
  }

  @Test
  @DisplayName("A JSON text (flag or env) of STUN and TURN servers is read as RTCIceServer objects")
  void parsesText() {
    JsonArray servers = IceServers.from(config(
        "[{\"urls\":\"stun:stun.example.org:3478\"},{\"urls\":[\"turn:turn.example.org\"],\"username\":\"u\",\"credential\":\"c\"}]"));
    assertEquals(new JsonArray().add(new JsonObject().put("urls", new JsonArray().add("stun:stun.example.org:3478")))
        .add(new JsonObject().put("urls", new JsonArray().add("turn:turn.example.org")).put("username", "u").put("credential", "c")),
        servers);
  }

  @Test
  @DisplayName("Fields other than urls, username and credential are left out")
  void dropsOtherFields() {
    JsonArray servers = IceServers.from(config(new JsonArray().add(new JsonObject().put("urls", "stun:s.example.org").put("x", 1))));
    assertEquals(new JsonObject().put("urls", new JsonArray().add("stun:s.example.org")), servers.getJsonObject(0));
  }

  @Test
  @DisplayName("A URL that is not stun:, stuns:, turn: or turns: stops the start, naming the entry")
  void badSchemeRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IceServers.from(config(new JsonArray().add(new JsonObject().put("urls", "http://stun.example.org")))));
    assertTrue(e.getMessage().startsWith("iceServers[0].urls"), e.getMessage());
  }

  @Test
  @DisplayName("A TURN server without username and credential stops the start")
  void turnNeedsCredentials() {
    assertThrows(IllegalArgumentException.class,
        () -> IceServers.from(config(new JsonArray().add(new JsonObject().put("urls", "turn:t.example.org")))));
  }

  @Test
  @DisplayName("Text that is not a JSON array stops the start")
  void notAnArray() {
    assertThrows(IllegalArgumentException.class, () -> IceServers.from(config("{\"urls\":\"stun:x\"}")));
  }

  @Test
  @DisplayName("A gateway configured with a bad entry does not start, and says which entry")
  void badEntryStopsTheGateway() {
    RuntimeException e = assertThrows(RuntimeException.class,
        () -> new GatewayUnderTest(config(new JsonArray().add(new JsonObject().put("urls", "turn:t.example.org")))).close());
    assertTrue(String.valueOf(e.getMessage()).contains("iceServers[0]")
        || (e.getCause() != null && String.valueOf(e.getCause().getMessage()).contains("iceServers[0]")), String.valueOf(e));
  }

  @Test
  @DisplayName("The configured servers reach every client in its ready frame")
  void inReady() {
    JsonArray servers = new JsonArray().add(new JsonObject().put("urls", new JsonArray().add("stun:stun.example.org")));
    try (GatewayUnderTest gateway = new GatewayUnderTest(config(servers));
        TestSocket socket = TestSocket.open(gateway.sut.vertx(), gateway.port())) {
      assertEquals(servers, socket.auth(GatewayUnderTest.token("alice")).getJsonArray(Field.ICE_SERVERS));
    }
  }
}
