package palaver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReportPiecesTest {
  @Test
  @DisplayName("The heap in use is read from jcmd GC.heap_info")
  void heapInfoParsed() {
    String info = "12345:\n garbage-first heap   total 262144K, used 23456K [0x00000000c0000000, 0x0000000100000000)\n"
        + "  region size 1024K, 3 young (3072K), 0 survivors (0K)\n";
    assertEquals(23456L * 1024, HeapProbe.usedBytes(info));
  }

  @Test
  @DisplayName("Heap growth per connection is read from two class histograms, largest first")
  void classHistogramGrowth() {
    String before = " num     #instances         #bytes  class name (module)\n"
        + "   1:          100           4000  [B (java.base@17)\n   2:           10            400  java.lang.String (java.base@17)\n";
    String after = "   1:         2100          84000  [B (java.base@17)\n   2:         1010          40400  java.lang.String (java.base@17)\n"
        + "   3:           50          10000  palaver.gateway.ClientConnection\n";
    var rows = HeapProbe.growth(HeapProbe.parseHistogram(before), HeapProbe.parseHistogram(after), 1000, 2);
    assertEquals(2, rows.size());
    assertEquals("[B", rows.getJsonObject(0).getString("class"));
    assertEquals(80.0, rows.getJsonObject(0).getDouble("bytesPerConnection"));
    assertEquals(1.0, rows.getJsonObject(1).getDouble("instancesPerConnection"));
  }

  @Test
  @DisplayName("Latency summaries are in milliseconds from microsecond histograms")
  void latencySummaryInMillis() {
    Histogram h = LoadGenerator.histogram();
    for (int i = 1; i <= 1000; i++) {
      h.recordValue(i * 1000L);
    }
    var s = Latency.summary(h);
    assertEquals(500, s.getDouble("p50"), 1);
    assertEquals(990, s.getDouble("p99"), 1);
    assertEquals(Latency.CURVE.length, s.getJsonArray("curve").size());
  }

  @Test
  @DisplayName("The JFR summary counts top frames as self time and Palaver frames anywhere on the stack")
  void jfrSamplesCounted() {
    JfrTop t = new JfrTop();
    t.parse(List.of(
        "jdk.ExecutionSample {", "  sampledThread = \"vert.x-eventloop-thread-1\" (javaThreadId = 30)",
        "  stackTrace = [", "    java.lang.String.hashCode() line: 1", "    palaver.gateway.FanoutHub.deliver(String) line: 2",
        "    ...", "  ]", "}",
        "jdk.ExecutionSample {", "  sampledThread = \"vert.x-eventloop-thread-1\" (javaThreadId = 30)",
        "  stackTrace = [", "    java.lang.String.hashCode() line: 1", "  ]", "}"));
    assertEquals(2, t.samples());
    assertEquals(2, t.self().get("java.lang.String.hashCode()"));
    assertTrue(t.report(5).contains("50.0%  palaver.gateway.FanoutHub.deliver(String)"));
  }

  @Test
  @DisplayName("The plot is an SVG with one line per series")
  void plotHasOneLinePerSeries() {
    JsonArray curve = new JsonArray().add(new JsonArray().add(50.0).add(1.5)).add(new JsonArray().add(99.9).add(40.0));
    String svg = LatencyPlot.svg(List.of(new Object[] {"a", curve}, new Object[] {"b", curve}));
    assertTrue(svg.startsWith("<svg"));
    assertEquals(2, svg.split("<polyline").length - 1);
  }
}
