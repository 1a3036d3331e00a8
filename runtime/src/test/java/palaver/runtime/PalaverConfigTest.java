package palaver.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Configuration layers: defaults < file < env < flags")
class PalaverConfigTest {
  private Vertx vertx;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() {
    vertx.close();
  }

  private JsonObject load(JsonObject flags, Map<String, String> env) throws Exception {
    return Launcher.await(PalaverConfig.load(vertx, flags, env), 10);
  }

  @Test
  @DisplayName("Defaults apply when nothing else is given")
  void defaults() throws Exception {
    JsonObject config = load(new JsonObject(), Map.of());
    assertEquals(8080, config.getInteger("httpPort"));
    assertEquals("./data", config.getString("dataDir"));
    assertEquals(false, config.getBoolean("cluster"));
  }

  @Test
  @DisplayName("The file overrides defaults, env overrides the file, flags override env")
  void precedence(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("palaver.json");
    Files.writeString(file, "{\"httpPort\": 9001, \"dataDir\": \"/from/file\", \"clusterHost\": \"10.0.0.1\","
        + " \"mongoDb\": \"fromfile\"}");
    JsonObject config = load(new JsonObject().put("config", file.toString()).put("httpPort", 9003),
        Map.of("PALAVER_HTTP_PORT", "9002", "PALAVER_DATA_DIR", "/from/env"));
    assertEquals(9003, config.getInteger("httpPort"), "flag wins");
    assertEquals("/from/env", config.getString("dataDir"), "env beats file");
    assertEquals("10.0.0.1", config.getString("clusterHost"), "file beats default");
    assertEquals("fromfile", config.getString("mongoDb"));
  }

  @Test
  @DisplayName("Env values are typed: numbers and booleans")
  void envTypes() throws Exception {
    JsonObject config = load(new JsonObject(), Map.of("PALAVER_CLUSTER", "true", "PALAVER_CLUSTER_PORT", "6000"));
    assertEquals(true, config.getBoolean("cluster"));
    assertEquals(6000, config.getInteger("clusterPort"));
  }

  @Test
  @DisplayName("A malformed env number is a clear error naming the variable")
  void badEnv() {
    Throwable t = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> load(new JsonObject(), Map.of("PALAVER_HTTP_PORT", "eighty")));
    assertTrue(t.getMessage().contains("PALAVER_HTTP_PORT"), t.getMessage());
  }

  @Test
  @DisplayName("A missing config file is a clear error naming the file")
  void missingFile() {
    Throwable t = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> load(new JsonObject().put("config", "/no/such/palaver.json"), Map.of()));
    assertTrue(t.getMessage().contains("/no/such/palaver.json"), t.getMessage());
  }

  @Test
  @DisplayName("An unknown key in the config file stops the start, naming it and the setting it was probably meant to be")
  void unknownKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("palaver.json");
    Files.writeString(file, "{\"httpPrt\": 9001, \"dataDir\": \"/d\"}");
    Throwable t = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> load(new JsonObject().put("config", file.toString()), Map.of()));
    assertTrue(t.getMessage().contains("'httpPrt'") && t.getMessage().contains("'httpPort'"), t.getMessage());
  }
}
