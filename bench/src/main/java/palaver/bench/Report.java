package palaver.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns the scenario results of one run into {@code <date>-<mode>.md} and its latency plot (SVG). */
final class Report {
  private final Path dir;
  private final StringBuilder md = new StringBuilder();
  private final List<Object[]> series = new ArrayList<>();

  Report(Path dir) {
    this.dir = dir;
  }

  private JsonObject load(String name) throws Exception {
    Path p = dir.resolve(name);
    return Files.exists(p) ? new JsonObject(Files.readString(p)) : null;
  }

  void write(Path markdown, Path svg, String mode) throws Exception {
    JsonObject meta = load("meta.json");
    md.append("# Benchmark ").append(mode).append(" run, ").append(meta.getString("date")).append("\n\n");
    md.append("Machine: ").append(meta.getString("machine")).append(". The load generator runs on the same machine ")
        .append("(it competes with the server for the same cores), and the machine is shared with other ")
        .append("agents' builds and tests, so absolute numbers are noisy; the ratio to the baseline, measured in ")
        .append("the same run, is the steadier figure; each load row carries the 1-minute load average when it ended ")
        .append("(anything above 2 means the cores were oversubscribed). Command: `bench/run.sh ").append(mode).append("`.\n\n");
    idle();
    load();
    storm();
    push();
    targets(meta);
    md.append("\n![latency percentiles](").append(svg.getFileName()).append(")\n");
    Path profile = dir.resolve("profile.txt");
    if (Files.exists(profile)) {
      md.append("\n## Server profile under fan-out (JFR execution samples)\n\n```\n")
          .append(Files.readString(profile).lines().limit(70).reduce("", (a, b) -> a + b + "\n")).append("```\n");
    }
    Files.writeString(markdown, md.toString());
    Files.writeString(svg, LatencyPlot.svg(series));
  }

  private void idle() throws Exception {
    JsonObject idle = load("idle.json");
    if (idle == null) {
      return;
    }
    md.append("## 1. Idle connections (one server JVM each)\n\n")
        .append("| server | asked | held | failed | holder JVMs | connect time | heap after GC before → after | heap per connection |\n")
        .append("|---|---|---|---|---|---|---|---|\n");
    for (JsonObject r : new JsonObject[] {idle, load("idle-baseline.json")}) {
      if (r == null) {
        continue;
      }
      md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.1f s | %.1f → %.1f MiB | **%.2f KiB** |%n",
          r.getString("label"), r.getLong("target"), r.getLong("connections"), r.getLong("failed"),
          r.getLong("holderJvms"), r.getDouble("connectSeconds"), r.getLong("heapBeforeBytes") / 1048576.0,
          r.getLong("heapAfterBytes") / 1048576.0, r.getLong("heapPerConnectionBytes") / 1024.0));
    }
    md.append(String.format(Locale.ROOT, "%nPalaver: %d users, several authenticated sockets each, every socket subscribed to "
        + "its user's group and solo session. The baseline holds the same number of plain sockets.%n%n", idle.getLong("users")));
    JsonArray growth = idle.getJsonArray("growth");
    if (growth != null && !growth.isEmpty()) {
      md.append("Where Palaver's heap per connection goes (live objects after GC, growth per connection, `jcmd GC.class_histogram`):\n\n")
          .append("| class | bytes / conn | objects / conn |\n|---|---|---|\n");
      for (Object o : growth) {
        JsonObject g = (JsonObject) o;
        md.append(String.format(Locale.ROOT, "| `%s` | %.0f | %.2f |%n", g.getString("class"),
            g.getDouble("bytesPerConnection"), g.getDouble("instancesPerConnection")));
      }
      md.append('\n');
    }
  }

  private void load() throws Exception {
    md.append("## 2–5. Load: fan-out, persisted throughput, baseline, cluster\n\n")
        .append("Open fixed-rate schedule; latency from the intended send time. *ack*: send → ack at the sender; ")
        .append("*delivery*: send → `message` at each member socket. Correctness: every acked message must reach ")
        .append("every member socket once (dedupe by sid+seq), in seq order.\n\n")
        .append("| scenario | server | sockets | sessions | offered sends/s | acked/s | deliveries/s | ack p99 | delivery p50 | p99 | p99.9 | max | server CPU per send (JIT, GC) | losses | dups | reorders | failed+unacked | load avg |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (String name : List.of("fanout-palaver", "fanout-baseline", "fanout-cluster", "persist")) {
      JsonObject r = load(name + ".json");
      if (r == null) {
        continue;
      }
      JsonArray steps = r.getJsonArray("steps");
      for (int i = 0; i < steps.size(); i++) {
        JsonObject s = steps.getJsonObject(i);
        JsonObject a = s.getJsonObject("ack");
        JsonObject d = s.getJsonObject("delivery");
        md.append(String.format(Locale.ROOT,
            "| %s | %s | %d | %d | %.0f | %.0f | %.0f | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.0f ms | %s | %d | %d | %d | %d | %.1f |%n",
            r.getString("scenario"), r.getString("label"), s.getLong("connections"), r.getLong("sessions"),
            s.getDouble("rate"), s.getDouble("ackedPerSec"), s.getDouble("deliveriesPerSec"), a.getDouble("p99"),
            d.getDouble("p50"), d.getDouble("p99"), d.getDouble("p999"), d.getDouble("max"), cpu(s), s.getLong("losses"),
            s.getLong("duplicates"), s.getLong("reorders"), s.getLong("failed") + s.getLong("unacked"),
            s.getDouble("loadAverage", -1.0)));
        boolean persist = name.equals("persist");
        if ((i == 0 || i == steps.size() - 1) && (persist ? a : d).getLong("count") > 0) {
          series.add(new Object[] {r.getString("label") + " " + r.getString("scenario") + (persist ? " ack" : " delivery")
              + " @" + Math.round(s.getDouble("rate")) + "/s", (persist ? a : d).getJsonArray("curve")});
        }
      }
    }
    JsonObject p = load("fanout-palaver.json");
    JsonObject b = load("fanout-baseline.json");
    if (p != null && b != null) {
      double pm = best(p);
      double bm = best(b);
      md.append(String.format(Locale.ROOT, "%nRatio (best deliveries/s over the rate steps, same run): Palaver %.0f / "
          + "baseline %.0f = **%.2f**.%n", pm, bm, bm == 0 ? 0 : pm / bm));
    }
    JsonObject c = load("fanout-cluster.json");
    if (p != null && c != null) {
      JsonObject ps = p.getJsonArray("steps").getJsonObject(0).getJsonObject("delivery");
      JsonObject cs = c.getJsonArray("steps").getJsonObject(0).getJsonObject("delivery");
      md.append(String.format(Locale.ROOT, "Cross-node overhead at the first rate step: delivery p50 %.1f → %.1f ms, "
          + "p99 %.1f → %.1f ms (one node → two gateways + separate services).%n", ps.getDouble("p50"),
          cs.getDouble("p50"), ps.getDouble("p99"), cs.getDouble("p99")));
    }
    md.append('\n');
  }

  /** "2.10 ms (JIT 3 %, GC 4 %)", or "—" when the step ran without the server's pid. */
  static String cpu(JsonObject step) {
    JsonObject c = step.getJsonObject("serverCpu");
    return c == null ? "—" : String.format(Locale.ROOT, "**%.2f ms** (JIT %.0f %%, GC %.0f %%)", c.getDouble("perSendMs"),
        c.getDouble("jitShare") * 100, c.getDouble("gcShare") * 100);
  }

  static double best(JsonObject result) {
    double best = 0;
    for (Object o : result.getJsonArray("steps")) {
      best = Math.max(best, ((JsonObject) o).getDouble("deliveriesPerSec"));
    }
    return best;
  }

  private void storm() throws Exception {
    JsonObject st = load("storm.json");
    if (st == null) {
      return;
    }
    JsonObject r = st.getJsonObject("result");
    md.append("## 6. Reconnect storm\n\n")
        .append("| clients dropped | all reconnected and synced in | not synced at the end | sync errors answered (retried) | sends/s meanwhile | acked | deliveries | losses (acked, not received) | dups (deduped) | reorders |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|\n")
        .append(String.format(Locale.ROOT, "| %d | **%.1f s** | %d | %d | %.0f | %d | %d | **%d** | %d | %d |%n%n",
            st.getLong("clients"), st.getDouble("syncedSeconds"), st.getLong("failures"), st.getLong("syncErrors"),
            r.getDouble("rate"), r.getLong("acked"), r.getLong("deliveries"), r.getLong("losses"),
            r.getLong("duplicates"), r.getLong("reorders")));
    md.append("Each client reconnects (at most 200 handshakes in flight) and sends `sync` from the last gap-free seq ")
        .append("it had as soon as it is `ready`, asking again after an error.\n\n");
    md.append("Reorders here are expected: after reconnecting, live messages can arrive before the `sync` answer ")
        .append("fills the gap; clients order by seq.\n\n");
    if (r.getJsonObject("delivery").getLong("count") > 0) {
      series.add(new Object[] {"storm delivery (incl. resync)", r.getJsonObject("delivery").getJsonArray("curve")});
    }
  }

  private void push() throws Exception {
    JsonObject r = load("push.json");
    if (r == null) {
      return;
    }
    md.append("## 7. Push platform (Pusher protocol and HTTP API)\n\n")
        .append(String.format(Locale.ROOT, "%d apps × %d public channels in all × %d subscribers per channel (%d sockets on "
            + "`/app/{key}`, %d failed to subscribe). Events are triggered with signed `POST /apps/{id}/events` at a "
            + "fixed rate, round-robin over the channels; latency from the intended trigger time. *trigger*: until the "
            + "HTTP API answered; *delivery*: until the event reached each subscriber. Every accepted event must reach "
            + "each subscriber of its channel once.%n%n", r.getInteger("apps"), r.getInteger("channels"),
            r.getInteger("subscribersPerChannel"), r.getInteger("connections"), r.getInteger("connectFailures")))
        .append("| offered events/s | accepted | refused | deliveries/s | trigger p99 | delivery p50 | p99 | p99.9 | max | losses | dups | load avg |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    JsonArray steps = r.getJsonArray("steps");
    for (int i = 0; i < steps.size(); i++) {
      JsonObject s = steps.getJsonObject(i);
      JsonObject d = s.getJsonObject("delivery");
      md.append(String.format(Locale.ROOT, "| %.0f | %d | %d | %.0f | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.0f ms | %d | %d | %.1f |%n",
          s.getDouble("rate"), s.getLong("accepted"), s.getLong("rejected"), s.getDouble("deliveriesPerSec"),
          s.getJsonObject("trigger").getDouble("p99"), d.getDouble("p50"), d.getDouble("p99"), d.getDouble("p999"),
          d.getDouble("max"), s.getLong("losses"), s.getLong("duplicates"), s.getDouble("loadAverage", -1.0)));
      if ((i == 0 || i == steps.size() - 1) && d.getLong("count") > 0) {
        series.add(new Object[] {"push delivery @" + Math.round(s.getDouble("rate")) + "/s", d.getJsonArray("curve")});
      }
    }
    md.append('\n');
  }

  private void targets(JsonObject meta) throws Exception {
    md.append("## Targets\n\n| target | goal | this run |\n|---|---|---|\n");
    JsonObject idle = load("idle.json");
    if (idle != null) {
      md.append(String.format(Locale.ROOT, "| idle sockets on one gateway JVM | 19,000, ≤ 8 KiB each | %d held, %.2f KiB |%n",
          idle.getLong("connections"), idle.getLong("heapPerConnectionBytes") / 1024.0));
    }
    JsonObject p = load("fanout-palaver.json");
    if (p != null) {
      for (Object o : p.getJsonArray("steps")) {
        JsonObject s = (JsonObject) o;
        md.append(String.format(Locale.ROOT, "| fan-out 100×100, 1,000 sends/s | p99 ≤ 50 ms | %d sockets, %.0f sends/s offered, %.0f acked/s: "
                + "%.0f deliveries/s, p99 %.1f ms, p99.9 %.1f ms |%n",
            s.getLong("connections"), s.getDouble("rate"), s.getDouble("ackedPerSec"), s.getDouble("deliveriesPerSec"),
            s.getJsonObject("delivery").getDouble("p99"), s.getJsonObject("delivery").getDouble("p999")));
      }
    }
    JsonObject ps = load("persist.json");
    if (ps != null) {
      double best = 0;
      String at = "";
      for (Object o : ps.getJsonArray("steps")) {
        JsonObject s = (JsonObject) o;
        if (s.getDouble("ackedPerSec") > best) {
          best = s.getDouble("ackedPerSec");
          at = String.format(Locale.ROOT, "ack p99 %.1f ms at %.0f offered", s.getJsonObject("ack").getDouble("p99"), s.getDouble("rate"));
        }
      }
      md.append(String.format(Locale.ROOT, "| persisted sends, distinct sessions | 10,000 acked/s, p99 ≤ 50 ms | best %.0f acked/s (%s) |%n", best, at));
    }
    JsonObject b = load("fanout-baseline.json");
    if (p != null && b != null) {
      md.append(String.format(Locale.ROOT, "| ratio to raw baseline | ≥ 0.5 | %.2f |%n", best(p) / Math.max(1, best(b))));
    }
    JsonObject st = load("storm.json");
    if (st != null) {
      md.append(String.format(Locale.ROOT, "| reconnect storm | 5,000 clients synced ≤ 10 s, nothing lost | %d clients in %.1f s; "
              + "%d (socket, message) deliveries missing, %d clients not synced after 3 tries |%n",
          st.getLong("clients"), st.getDouble("syncedSeconds"), st.getJsonObject("result").getLong("losses"),
          st.getLong("failures")));
    }
    md.append("\nSizes of this mode: ").append(meta.getString("sizes")).append('\n');
  }
}
