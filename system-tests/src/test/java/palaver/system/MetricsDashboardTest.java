package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import palaver.runtime.Setting;
import palaver.system.Http.User;
import palaver.testing.Ports;

/**
 * The Grafana dashboard and the Prometheus alert rules in deploy/ name only metrics a real
 * node exports: every metric name in their expressions is on the management port's /metrics
 * page once the node has seen some traffic (logins good and bad, a socket, sends, a delivery,
 * a rate-limited frame, a close).
 */
@DisplayName("The dashboard and the alert rules reference only metrics a node exports")
class MetricsDashboardTest {
  /** Metric names of ours, Vert.x's, the JVM's and the Mongo driver's; PromQL functions and labels don't match. */
  private static final Pattern METRIC = Pattern.compile("\\b((?:palaver|mongodb|vertx|jvm|process)_[a-z0-9_]+)\\b");
  /** Prometheus' own series, never on a node's page. */
  private static final Set<String> BUILT_IN = Set.of("up");

  private static TestServer server;
  private static Set<String> exported;

  @BeforeAll
  static void startAndTalk() throws Exception {
    server = TestServer.standalone(new JsonObject().put(Setting.MANAGEMENT_PORT.key(), Ports.free())
        .put("wsFramesPerSecond", 1).put("wsFrameBurst", 3));
    Http http = server.http();
    User alice = http.newUser("Alice");
    User bob = http.newUser("Bob");
    assertEquals(401, http.post("/auth/login", null,
        new JsonObject().put("login", alice.login()).put("password", "not her password")).status());
    String sid = http.newGroup(alice, "metrics", bob);
    try (WsClient a = server.ws(alice); WsClient b = server.ws(bob)) {
      a.send(sid, "metrics-1", "hello");
      b.next(f -> "message".equals(f.getString("type")));
      for (int i = 0; i < 6; i++) {
        a.send(new JsonObject().put("type", "ping").put("rid", "p" + i));
      }
      a.next(f -> "rate_limited".equals(f.getString("code")));
    }
    exported = metricNames(new Http(server.node().vertx(), server.node().managementPort()).get("/metrics", null).text());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("Every metric in deploy/grafana/palaver.json is on /metrics")
  void dashboard() throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(deploy("grafana/palaver.json")));
    List<String> expressions = new ArrayList<>();
    for (Object p : dashboard.getJsonArray("panels")) {
      for (Object t : ((JsonObject) p).getJsonArray("targets", new JsonArray())) {
        expressions.add(((JsonObject) t).getString("expr"));
      }
    }
    assertReferencedMetricsExported(expressions);
  }

  @Test
  @DisplayName("Every metric in deploy/prometheus/alerts.yml is on /metrics")
  @SuppressWarnings("unchecked")
  void alerts() throws IOException {
    Map<String, Object> rules = new Yaml().load(Files.readString(deploy("prometheus/alerts.yml")));
    List<String> expressions = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        assertTrue(rule.containsKey("alert") && rule.containsKey("expr"), "a rule with alert and expr: " + rule);
        expressions.add(String.valueOf(rule.get("expr")));
      }
    }
    assertReferencedMetricsExported(expressions);
  }

  private static void assertReferencedMetricsExported(List<String> expressions) {
    assertFalse(expressions.isEmpty(), "the file has expressions");
    Set<String> referenced = new TreeSet<>();
    for (String expr : expressions) {
      Matcher m = METRIC.matcher(expr);
      while (m.find()) {
        referenced.add(m.group(1));
      }
    }
    referenced.removeAll(BUILT_IN);
    Set<String> missing = referenced.stream().filter(n -> !exported.contains(n)).collect(Collectors.toCollection(TreeSet::new));
    assertTrue(missing.isEmpty(), "referenced but not exported: " + missing);
  }

  /** The series names of a Prometheus text page (the part before labels or the value). */
  private static Set<String> metricNames(String page) {
    return page.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
        .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toSet());
  }

  private static Path deploy(String file) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("deploy").resolve(file);
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no deploy/" + file + " above " + Path.of("").toAbsolutePath());
  }
}
