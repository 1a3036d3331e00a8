package palaver.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The log formats, checked in a fresh JVM (logback reads PALAVER_LOG_FORMAT once, at start). */
@DisplayName("Log formats")
class LogFormatTest {
  /** Logs one security event and one plain line, as a node would. */
  public static final class Probe {
    public static void main(String[] args) {
      SecurityLog.event("login_failed", "ip", "192.0.2.1", "login", "bob");
      org.slf4j.LoggerFactory.getLogger("palaver.probe").info("plain {}", 42);
    }
  }

  private static List<String> run(String format) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), Probe.class.getName());
    if (format != null) {
      pb.environment().put("PALAVER_LOG_FORMAT", format);
    }
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return out.lines().filter(l -> !l.isBlank()).toList();
  }

  @Test
  @DisplayName("PALAVER_LOG_FORMAT=json writes one JSON object per line with level, logger, time and the event's fields")
  void json() throws Exception {
    List<String> lines = run("json");
    assertEquals(2, lines.size(), String.join("\n", lines));
    JsonObject event = new JsonObject(lines.get(0));
    assertEquals("WARN", event.getString("level"));
    assertEquals("palaver.security", event.getString("loggerName"));
    assertTrue(event.getLong("timestamp") > 0);
    String fields = event.getValue("kvpList").toString();
    assertTrue(fields.contains("login_failed") && fields.contains("192.0.2.1"), fields);
    assertEquals("plain 42", new JsonObject(lines.get(1)).getString("formattedMessage"));
  }

  @Test
  @DisplayName("Without it the lines are plain text")
  void text() throws Exception {
    List<String> lines = run(null);
    assertEquals(2, lines.size(), String.join("\n", lines));
    assertFalse(lines.get(0).startsWith("{"));
    assertTrue(lines.get(0).contains("login_failed ip=192.0.2.1 login=bob"), lines.get(0));
  }
}
