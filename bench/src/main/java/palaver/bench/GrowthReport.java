package palaver.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The growth scenario's report: one column per store size ({@code growth-<n>.json} from {@link GrowthProbe},
 * {@code persist-<n>.json} from the persisted-send scenario) and, beside each, its ratio to the first
 * (empty) size. Latencies are p50 / p99 in ms; the ratio column compares the p99s (the target's measure).
 */
final class GrowthReport {
  private GrowthReport() {
  }

  static void write(Args args) throws Exception {
    Path dir = Path.of(args.get("dir"));
    List<Long> sizes = new ArrayList<>();
    for (String s : args.get("sizes").split(",")) {
      sizes.add(Long.parseLong(s.trim()));
    }
    List<JsonObject> probes = new ArrayList<>();
    List<JsonObject> sends = new ArrayList<>();
    List<Long> measured = new ArrayList<>();
    for (long n : sizes) {
      Path probe = dir.resolve("growth-" + n + ".json");
      if (Files.exists(probe)) {
        measured.add(n);
        probes.add(new JsonObject(Files.readString(probe)));
        Path persist = dir.resolve("persist-" + n + ".json");
        sends.add(Files.exists(persist) ? new JsonObject(Files.readString(persist)) : new JsonObject());
      }
    }
    StringBuilder md = new StringBuilder();
    JsonObject meta = Files.exists(dir.resolve("meta.json")) ? new JsonObject(Files.readString(dir.resolve("meta.json")))
        : new JsonObject();
    md.append("# Palaver growth run, ").append(meta.getString("date", "")).append("\n\n")
        .append("Machine: ").append(meta.getString("machine", "?")).append(". ")
        .append(meta.getString("sizes", "")).append("\n\n");
    md.append("| measured (ms: p50 / p99) |");
    for (long n : measured) {
      md.append(String.format(Locale.ROOT, " %,d messages |", n));
      if (n != measured.get(0)) {
        md.append(" ×p99 |");
      }
    }
    md.append("\n|---|");
    measured.forEach(n -> md.append(n.equals(measured.get(0)) ? "---|" : "---|---|"));
    md.append('\n');
    row(md, probes, "first connect: handshake to ready", j -> j.getJsonObject("firstConnect").getJsonObject("ready"));
    row(md, probes, "first connect: handshake to synced", j -> j.getJsonObject("firstConnect").getJsonObject("synced"));
    row(md, probes, "history, newest page of 50", j -> j.getJsonObject("history"));
    row(md, probes, "history, older page of 50", j -> j.getJsonObject("historyOlder"));
    row(md, probes, "reconnect + sync, 3 missed", j -> j.getJsonObject("syncShort").getJsonObject("reconnect"));
    row(md, probes, "reconnect + sync, " + probes.get(0).getJsonObject("syncLong").getInteger("missed") + " missed",
        j -> j.getJsonObject("syncLong").getJsonObject("reconnect"));
    JsonArray firstSteps = sends.get(0).getJsonArray("steps", new JsonArray());
    for (int i = 0; i < firstSteps.size(); i++) {
      int step = i;
      double rate = firstSteps.getJsonObject(i).getDouble("rate");
      sendRow(md, sends, String.format(Locale.ROOT, "persisted sends at %.0f/s offered: acked/s", rate), step,
          s -> s.getDouble("ackedPerSec"), "%.0f");
      row(md, sends, String.format(Locale.ROOT, "persisted sends at %.0f/s offered: ack latency", rate),
          j -> j.getJsonArray("steps").getJsonObject(step).getJsonObject("ack"));
      sendRow(md, sends, String.format(Locale.ROOT, "persisted sends at %.0f/s: server CPU ms per send", rate), step,
          s -> s.getJsonObject("serverCpu", new JsonObject()).getDouble("perSendMs", 0.0), "%.2f");
    }
    md.append("| correctness problems (seqs, acks, ledger) |");
    for (int i = 0; i < probes.size(); i++) {
      JsonObject j = probes.get(i);
      md.append(' ').append(j.getJsonArray("problems").size()).append(" (ledger: ")
          .append(j.getJsonObject("ledger").getLong("messages")).append(" messages in ")
          .append(j.getJsonObject("ledger").getLong("sessions")).append(" sessions) |");
      if (i > 0) {
        md.append(" |");
      }
    }
    md.append("\n\nSizes asked: ").append(args.get("sizes")).append("; measured: ").append(measured).append(".\n");
    Files.writeString(Path.of(args.get("out")), md.toString());
    Bench.log("growth report: %s", args.get("out"));
  }

  private static void row(StringBuilder md, List<JsonObject> runs, String label, Function<JsonObject, JsonObject> pick) {
    md.append("| ").append(label).append(" |");
    Double base = null;
    for (int i = 0; i < runs.size(); i++) {
      JsonObject l;
      try {
        l = pick.apply(runs.get(i));
      } catch (RuntimeException e) {
        l = null;
      }
      if (l == null) {
        md.append(i == 0 ? " – |" : " – | |");
        continue;
      }
      double p99 = l.getDouble("p99");
      md.append(String.format(Locale.ROOT, " %.1f / %.1f |", l.getDouble("p50"), p99));
      if (i == 0) {
        base = p99;
      } else {
        md.append(base == null || base == 0 ? " |" : String.format(Locale.ROOT, " %.2f |", p99 / base));
      }
    }
    md.append('\n');
  }

  private static void sendRow(StringBuilder md, List<JsonObject> sends, String label, int step,
      Function<JsonObject, Double> value, String format) {
    md.append("| ").append(label).append(" |");
    Double base = null;
    for (int i = 0; i < sends.size(); i++) {
      JsonArray steps = sends.get(i).getJsonArray("steps", new JsonArray());
      if (steps.size() <= step) {
        md.append(i == 0 ? " – |" : " – | |");
        continue;
      }
      double v = value.apply(steps.getJsonObject(step));
      md.append(' ').append(String.format(Locale.ROOT, format, v)).append(" |");
      if (i == 0) {
        base = v;
      } else {
        md.append(base == null || base == 0 ? " |" : String.format(Locale.ROOT, " %.2f |", v / base));
      }
    }
    md.append('\n');
  }
}
