package palaver.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Summarizes a JFR recording's execution samples: where threads spend CPU
 * (top frame, "self"), which Palaver methods are on the stack (inclusive),
 * and which threads are busy. Reads the text of
 * {@code jfr print --stack-depth 64 --events jdk.ExecutionSample}.
 */
final class JfrTop {
  private final Map<String, Integer> self = new HashMap<>();
  private final Map<String, Integer> inclusive = new HashMap<>();
  private final Map<String, Integer> threads = new HashMap<>();
  private int samples;

  static String summarize(Path recording, int top) throws Exception {
    Process p = new ProcessBuilder("jfr", "print", "--stack-depth", "64", "--events", "jdk.ExecutionSample",
        recording.toString()).redirectErrorStream(true).start();
    JfrTop t = new JfrTop();
    try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
      t.parse(reader.lines().toList());
    }
    p.waitFor();
    return t.report(top);
  }

  void parse(List<String> lines) {
    String thread = null;
    List<String> frames = null;
    for (String raw : lines) {
      String line = raw.trim();
      if (line.startsWith("sampledThread = ")) {
        int q = line.indexOf('"');
        thread = q < 0 ? line : line.substring(q + 1, line.indexOf('"', q + 1)).replaceAll("-?\\d+$", "-N");
      } else if (line.startsWith("stackTrace = [")) {
        frames = new ArrayList<>();
      } else if (frames != null && line.equals("]")) {
        record(thread, frames);
        frames = null;
      } else if (frames != null && !line.equals("...")) {
        int cut = line.indexOf(" line:");
        frames.add(cut < 0 ? line : line.substring(0, cut));
      }
    }
  }

  private void record(String thread, List<String> frames) {
    if (frames.isEmpty()) {
      return;
    }
    samples++;
    threads.merge(thread == null ? "?" : thread, 1, Integer::sum);
    self.merge(frames.get(0), 1, Integer::sum);
    Set<String> once = new HashSet<>();
    for (String f : frames) {
      if (f.startsWith("palaver.") && once.add(f)) {
        inclusive.merge(f, 1, Integer::sum);
      }
    }
  }

  int samples() {
    return samples;
  }

  Map<String, Integer> self() {
    return self;
  }

  String report(int top) {
    StringBuilder out = new StringBuilder();
    out.append("execution samples: ").append(samples).append('\n');
    section(out, "busiest threads (share of samples)", threads, top);
    section(out, "hottest methods, self (top frame)", self, top);
    section(out, "Palaver methods on the stack (inclusive)", inclusive, top);
    return out.toString();
  }

  private void section(StringBuilder out, String title, Map<String, Integer> counts, int top) {
    out.append('\n').append(title).append(":\n");
    LinkedHashMap<String, Integer> sorted = new LinkedHashMap<>();
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    sorted.forEach((k, v) -> out.append(String.format("  %5.1f%%  %s%n", 100.0 * v / Math.max(1, samples), k)));
  }

  static void main(Path recording, Path out) throws Exception {
    Files.writeString(out, summarize(recording, 25));
  }
}
