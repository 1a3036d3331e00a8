package palaver.bench;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A server JVM's heap in use right after a full GC, read with {@code jcmd}. */
final class HeapProbe {
  private static final Pattern USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

  private HeapProbe() {
  }

  static long usedAfterGc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    Thread.sleep(500);
    jcmd(pid, "GC.run");
    return usedBytes(jcmd(pid, "GC.heap_info"));
  }

  /** Parses {@code GC.heap_info}: "garbage-first heap   total 262144K, used 23456K [...". */
  static long usedBytes(String heapInfo) {
    Matcher m = USED.matcher(heapInfo);
    if (!m.find()) {
      throw new IllegalStateException("no heap usage in: " + heapInfo);
    }
    return Long.parseLong(m.group(1)) * 1024;
  }

  /** Live objects by class ({@code GC.class_histogram} runs a full GC first): class name → {instances, bytes}. */
  static java.util.Map<String, long[]> histogram(long pid) throws IOException, InterruptedException {
    return parseHistogram(jcmd(pid, "GC.class_histogram"));
  }

  /** Lines like {@code "   1:   1234   56789  java.lang.String (java.base@17)"}. */
  static java.util.Map<String, long[]> parseHistogram(String text) {
    java.util.Map<String, long[]> out = new java.util.HashMap<>();
    Matcher m = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)").matcher(text);
    while (m.find()) {
      out.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
          (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
    }
    return out;
  }

  /** The classes that grew most between two histograms, per connection: "bytes/conn  instances/conn  class". */
  static io.vertx.core.json.JsonArray growth(java.util.Map<String, long[]> before, java.util.Map<String, long[]> after,
      long connections, int top) {
    io.vertx.core.json.JsonArray rows = new io.vertx.core.json.JsonArray();
    after.entrySet().stream()
        .map(e -> {
          long[] b = before.getOrDefault(e.getKey(), new long[2]);
          return java.util.Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]});
        })
        .sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]))
        .limit(top)
        .forEach(e -> rows.add(new io.vertx.core.json.JsonObject().put("class", e.getKey())
            .put("bytesPerConnection", (double) e.getValue()[1] / Math.max(1, connections))
            .put("instancesPerConnection", (double) e.getValue()[0] / Math.max(1, connections))));
    return rows;
  }

  static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed: " + out);
    }
    return out;
  }
}
