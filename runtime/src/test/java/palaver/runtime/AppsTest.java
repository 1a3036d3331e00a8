package palaver.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The apps setting")
class AppsTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  private static JsonObject app(String id, String key) {
    return new JsonObject().put("id", id).put("key", key).put("secret", SECRET);
  }

  private static String refusal(JsonObject... apps) {
    JsonObject config = new JsonObject().put("apps", new JsonArray(java.util.List.of((Object[]) apps)));
    return assertThrows(IllegalArgumentException.class, () -> Apps.from(config)).getMessage();
  }

  @Test
  @DisplayName("Soketi's field names are read, with Pusher's limits as defaults")
  void soketiFields() {
    Apps apps = Apps.from(new JsonObject().put("apps", new JsonArray().add(app("app-1", "key-1")
        .put("enableClientMessages", true).put("maxConnections", 500).put("maxEventPayloadInKb", 20)
        .put("webhooks", new JsonArray().add(new JsonObject().put("url", "https://example.com/hook")
            .put("event_types", new JsonArray().add("channel_occupied")))))));
    App a = apps.byKey("key-1");
    assertEquals("app-1", a.id());
    assertEquals(a, apps.byId("app-1"));
    assertTrue(a.enableClientMessages());
    assertEquals(500, a.maxConnections());
    assertEquals(20 * 1024, a.maxEventBytes());
    assertEquals(100, a.maxPresenceMembers());
    assertEquals(7L * 24 * 3600, a.retentionSeconds());
    assertEquals(1, a.webhooksFor("channel_occupied").size());
    assertTrue(a.webhooksFor("member_added").isEmpty());
    assertFalse(a.toString().contains(SECRET), "the secret never shows in logs");
  }

  @Test
  @DisplayName("No apps setting means no apps")
  void none() {
    assertTrue(Apps.from(new JsonObject()).isEmpty());
  }

  @Test
  @DisplayName("A duplicate key is refused, naming the entry")
  void duplicateKey() {
    String msg = refusal(app("a", "same"), app("b", "same"));
    assertTrue(msg.contains("apps[1]") && msg.contains("duplicate key"), msg);
  }

  @Test
  @DisplayName("A duplicate id is refused")
  void duplicateId() {
    assertTrue(refusal(app("a", "k1"), app("a", "k2")).contains("duplicate id"));
  }

  @Test
  @DisplayName("A secret under 32 bytes is refused")
  void shortSecret() {
    String msg = refusal(app("a", "k").put("secret", "7ad3773142a6692b25b8"));
    assertTrue(msg.contains("secret") && msg.contains("32"), msg);
  }

  @Test
  @DisplayName("A webhook URL that is not absolute http(s) is refused")
  void badUrl() {
    String msg = refusal(app("a", "k").put("webhooks", new JsonArray().add(new JsonObject()
        .put("url", "ftp://x/y").put("event_types", new JsonArray().add("member_added")))));
    assertTrue(msg.contains("webhooks[0]") && msg.contains("url"), msg);
  }

  @Test
  @DisplayName("An unknown webhook event type is refused")
  void badEventType() {
    String msg = refusal(app("a", "k").put("webhooks", new JsonArray().add(new JsonObject()
        .put("url", "http://localhost/h").put("event_types", new JsonArray().add("channel_exploded")))));
    assertTrue(msg.contains("channel_exploded"), msg);
  }

  @Test
  @DisplayName("Wrong types are refused with the field named")
  void wrongTypes() {
    assertTrue(refusal(app("a", "k").put("maxConnections", "many")).contains("maxConnections"));
    assertTrue(refusal(app("a", "k").put("enableClientMessages", "yes")).contains("enableClientMessages"));
    assertTrue(refusal(app("a/b", "k")).contains("id"));
  }

  @Test
  @DisplayName("PALAVER_APPS is read as the same JSON, and a node with a bad entry does not start")
  void fromEnvAndStart() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject config = Launcher.await(PalaverConfig.load(vertx, new JsonObject(),
          Map.of("PALAVER_APPS", new JsonArray().add(app("env-app", "env-key")).encode())), 10);
      assertEquals("env-app", Apps.from(config).byKey("env-key").id());
    } finally {
      vertx.close();
    }
    JsonObject bad = PalaverConfig.defaults().put("apps", new JsonArray().add(app("a", "k").put("secret", "short")));
    Throwable t = assertThrows(Exception.class, () -> Launcher.await(PalaverNode.start(bad, java.util.List.of()), 10));
    assertTrue(t.getMessage().contains("secret"), t.getMessage());
  }
}
