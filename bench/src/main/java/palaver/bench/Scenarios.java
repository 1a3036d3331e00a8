package palaver.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The measured scenarios, each driving one {@link LoadGenerator} from the main thread. */
final class Scenarios {
  /** Connections per source address: well under the ~28,000 ephemeral ports of one address. */
  static final int PER_ADDRESS = 4_000;
  static final int CONNECT_PARALLEL = 200;

  private final Args args;

  Scenarios(Args args) {
    this.args = args;
  }

  /** host:port of each gateway (or of the baseline), connections spread round-robin. */
  private List<String[]> gateways() {
    List<String[]> out = new ArrayList<>();
    for (String hp : args.get("ws").split(",")) {
      out.add(hp.split(":"));
    }
    return out;
  }

  private LoadGenerator.Conn conn(int id, String token, List<String> sids) {
    List<String[]> gws = gateways();
    String[] gw = gws.get(id % gws.size());
    String local = args.get("addr-base", "127.0.1") + "." + (1 + id / PER_ADDRESS);
    return new LoadGenerator.Conn(id, token, sids, gw[0], Integer.parseInt(gw[1]), local);
  }

  /** Group members: every user of each group with {@code connsPerUser} sockets, or the baseline's equivalent. */
  private List<LoadGenerator.Conn> groupConns(int connsPerUser, int extraPerGroup) throws Exception {
    List<LoadGenerator.Conn> conns = new ArrayList<>();
    if (args.has("baseline")) {
      int groups = args.integer("groups");
      int users = args.integer("group-users");
      for (int g = 0; g < groups; g++) {
        for (int k = 0; k < users * connsPerUser + extraPerGroup; k++) {
          conns.add(conn(conns.size(), "g" + g, List.of("g" + g)));
        }
      }
      return conns;
    }
    Population p = Population.read(Path.of(args.get("population")));
    for (int g = 0; g < p.groups(); g++) {
      String sid = p.groupSids().get(g);
      for (int u = 0; u < p.groupUsers(); u++) {
        String token = p.users().get(g * p.groupUsers() + u).token();
        for (int k = 0; k < connsPerUser; k++) {
          conns.add(conn(conns.size(), token, List.of(sid)));
        }
      }
      for (int k = 0; k < extraPerGroup; k++) {
        conns.add(conn(conns.size(), p.users().get(g * p.groupUsers()).token(), List.of(sid)));
      }
    }
    return conns;
  }

  private static List<LoadGenerator.Lane> lanesByGroup(List<LoadGenerator.Conn> conns, int perGroup, int gateways,
      int senderOffset) {
    List<LoadGenerator.Lane> lanes = new ArrayList<>();
    for (int first = 0; first < conns.size(); first += perGroup) {
      // Alternate the sender's gateway between groups so cross-node traffic goes both ways.
      int pick = first + senderOffset + (lanes.size() % gateways);
      LoadGenerator.Conn sender = conns.get(Math.min(pick, first + perGroup - 1));
      lanes.add(new LoadGenerator.Lane(sender.sids.get(0), sender));
    }
    return lanes;
  }

  /** Scenario 2/4/5: groups of members, sends into the groups at each rate step. */
  JsonObject fanout() throws Exception {
    int connsPerUser = args.integer("conns-per-user");
    int perGroup = connsPerUser * (args.has("baseline") ? args.integer("group-users")
        : Population.read(Path.of(args.get("population"))).groupUsers());
    List<LoadGenerator.Conn> conns = groupConns(connsPerUser, 0);
    List<LoadGenerator.Lane> lanes = lanesByGroup(conns, perGroup, gateways().size(), 0);
    return steps("fanout", conns, lanes);
  }

  /** Scenario 3: one sender per distinct single-member session, so sends never contend on one sequence. */
  JsonObject persist() throws Exception {
    Population p = Population.read(Path.of(args.get("population")));
    int n = Math.min(p.userCount(), args.integer("senders", p.userCount()));
    List<LoadGenerator.Conn> conns = new ArrayList<>();
    List<LoadGenerator.Lane> lanes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      LoadGenerator.Conn c = conn(i, p.users().get(i).token(), List.of(p.soloSids().get(i)));
      conns.add(c);
      lanes.add(new LoadGenerator.Lane(c.sids.get(0), c));
    }
    return steps("persist", conns, lanes);
  }

  private JsonObject steps(String name, List<LoadGenerator.Conn> conns, List<LoadGenerator.Lane> lanes)
      throws Exception {
    double seconds = args.dbl("seconds");
    JsonArray results = new JsonArray();
    long t0 = System.nanoTime();
    try (LoadGenerator gen = new LoadGenerator()) {
      int failedConnects = gen.connectAll(conns, CONNECT_PARALLEL);
      double connectSeconds = (System.nanoTime() - t0) / 1e9;
      Bench.log("%s: %d connections (%d failed) in %.1f s", name, conns.size(), failedConnects, connectSeconds);
      ServerCpu cpu = ServerCpu.of(args.get("server-pid", null));
      warmUp(gen, conns, lanes, cpu);
      int step = 0;
      for (String r : args.get("rates").split(",")) {
        double rate = Double.parseDouble(r);
        gen.reset(name + "-" + (step++) + "-" + System.nanoTime(), conns);
        Bench.log("%s: %.0f sends/s for %.0f s over %d sessions", name, rate, seconds, lanes.size());
        ServerCpu.Sample before = cpu == null ? null : cpu.sample();
        gen.send(lanes, rate, seconds);
        gen.drain(args.dbl("drain", 15));
        JsonObject result = gen.snapshot(rate, seconds, conns.size() - failedConnects);
        if (cpu != null) {
          // Over the sends the server acked (the baseline acks every send too): CPU per send handled.
          long handled = result.getLong("acked") > 0 ? result.getLong("acked") : result.getLong("sent");
          result.put("serverCpu", ServerCpu.perSend(cpu.sample().minus(before), handled));
        }
        Bench.log("%s: %s", name, brief(result));
        results.add(result);
        Thread.sleep(1_000);
      }
      gen.closeAll(conns);
      return new JsonObject().put("scenario", name).put("label", args.get("label", name))
          .put("connections", conns.size()).put("connectFailures", failedConnects)
          .put("connectSeconds", connectSeconds).put("sessions", lanes.size()).put("warmUpSeconds", lastWarmUpSeconds)
          .put("steps", results);
    }
  }

  /**
   * Unmeasured sends at the top rate step until the server is warm: at least {@code --warmup} seconds,
   * then, when the server's pid is known, until the JIT compiler takes under 5 % of the server's CPU and
   * the CPU per send of two 2-second windows in a row differs by under 10 %, at most
   * {@code --warmup-max} seconds. A warm-up at the first (lowest) rate left the compiler busy in the
   * measured steps: it took ~60 % of the server's CPU during the quick mode's 4 s steps.
   */
  private void warmUp(LoadGenerator gen, List<LoadGenerator.Conn> conns, List<LoadGenerator.Lane> lanes, ServerCpu cpu)
      throws InterruptedException {
    double least = args.dbl("warmup", 3);
    if (least <= 0) {
      return;
    }
    double most = Math.max(least, args.dbl("warmup-max", least * 4));
    double top = 0;
    for (String r : args.get("rates").split(",")) {
      top = Math.max(top, Double.parseDouble(r));
    }
    gen.reset("warmup-" + System.nanoTime(), conns);
    double window = 2;
    double elapsed = 0;
    double previous = -1;
    while (elapsed < most) {
      ServerCpu.Sample before = cpu == null ? null : cpu.sample();
      gen.send(lanes, top, window);
      elapsed += window;
      if (cpu == null) {
        if (elapsed >= least) {
          break;
        }
        continue;
      }
      ServerCpu.Sample used = cpu.sample().minus(before);
      double perSend = used.totalMs() / (top * window);
      double jit = used.totalMs() == 0 ? 0 : used.jitMs() / used.totalMs();
      boolean steady = previous > 0 && Math.abs(perSend - previous) / previous < 0.10 && jit < 0.05;
      Bench.log("warm-up at %.0f/s, %.0f s: %.2f ms CPU per send, JIT %.0f %%", top, elapsed, perSend, jit * 100);
      previous = perSend;
      if (elapsed >= least && steady) {
        break;
      }
    }
    gen.drain(args.dbl("drain", 15));
    lastWarmUpSeconds = elapsed;
  }

  /** How long the last warm-up ran, for the results. */
  private double lastWarmUpSeconds;

  static String brief(JsonObject r) {
    JsonObject cpu = r.getJsonObject("serverCpu");
    return String.format("acked %d/%d (%.0f/s), deliveries %.0f/s, ack p99 %.1f ms, delivery p50 %.1f p99 %.1f "
            + "p99.9 %.1f ms, losses %d dups %d reorders %d%s",
        r.getLong("acked"), r.getLong("sent"), r.getDouble("ackedPerSec"), r.getDouble("deliveriesPerSec"),
        r.getJsonObject("ack").getDouble("p99"), r.getJsonObject("delivery").getDouble("p50"),
        r.getJsonObject("delivery").getDouble("p99"), r.getJsonObject("delivery").getDouble("p999"),
        r.getLong("losses"), r.getLong("duplicates"), r.getLong("reorders"),
        cpu == null ? "" : String.format(", server CPU %.2f ms per send (JIT %.0f %%, GC %.0f %%)",
            cpu.getDouble("perSendMs"), cpu.getDouble("jitShare") * 100, cpu.getDouble("gcShare") * 100));
  }

  /**
   * Scenario 6: members connected, one extra sender per group keeps sending; every member
   * socket is dropped, reconnected and synced while the sends go on; nothing acked may be missing.
   */
  JsonObject storm() throws Exception {
    int connsPerUser = args.integer("conns-per-user");
    Population p = Population.read(Path.of(args.get("population")));
    int perGroup = connsPerUser * p.groupUsers() + 1;
    List<LoadGenerator.Conn> all = groupConns(connsPerUser, 1);
    List<LoadGenerator.Lane> lanes = lanesByGroup(all, perGroup, 1, perGroup - 1);
    List<LoadGenerator.Conn> members = new ArrayList<>(all);
    lanes.forEach(l -> members.remove(l.sender()));
    double rate = args.dbl("rate");
    double seconds = args.dbl("seconds");
    try (LoadGenerator gen = new LoadGenerator()) {
      int failedConnects = gen.connectAll(all, CONNECT_PARALLEL);
      Bench.log("storm: %d members + %d senders connected (%d failed)", members.size(), lanes.size(), failedConnects);
      gen.reset("storm-" + System.nanoTime(), all);
      Thread sender = new Thread(() -> gen.send(lanes, rate, seconds), "storm-sender");
      sender.start();
      Thread.sleep(2_000);
      gen.dropAll(members);
      Bench.log("storm: dropped %d sockets", members.size());
      Thread.sleep(1_000);
      long t0 = System.nanoTime();
      int failures = gen.reconnectAndSync(members, CONNECT_PARALLEL);
      double synced = (System.nanoTime() - t0) / 1e9;
      long syncErrors = gen.syncErrors;
      Bench.log("storm: %d reconnected and synced in %.1f s (%d did not end synced, %d sync errors answered)",
          members.size(), synced, failures, syncErrors);
      sender.join();
      gen.drain(args.dbl("drain", 15));
      JsonObject result = gen.snapshot(rate, seconds, all.size());
      Bench.log("storm: %s", brief(result));
      gen.closeAll(all);
      return new JsonObject().put("scenario", "storm").put("label", args.get("label", "storm"))
          .put("clients", members.size()).put("syncedSeconds", synced).put("failures", failures)
          .put("syncErrors", syncErrors).put("result", result);
    }
  }

  /**
   * Scenario 7, the push platform: N apps x M public channels x K Pusher-protocol subscribers, events
   * triggered over the signed HTTP API at each rate step (see {@link PushLoad}).
   */
  JsonObject push() throws Exception {
    List<PushLoad.App> apps = PushLoad.readApps(new JsonArray(Files.readString(Path.of(args.get("apps-file")))));
    int channels = args.integer("channels");
    int perChannel = args.integer("subscribers");
    String[] gw = gateways().get(0);
    JsonArray results = new JsonArray();
    try (PushLoad load = new PushLoad(gw[0], Integer.parseInt(gw[1]))) {
      long t0 = System.nanoTime();
      int failed = load.connect(apps, channels, perChannel);
      double connectSeconds = (System.nanoTime() - t0) / 1e9;
      int sockets = apps.size() * channels * perChannel;
      Bench.log("push: %d subscribers on %d channels of %d apps (%d failed) in %.1f s", sockets,
          apps.size() * channels, apps.size(), failed, connectSeconds);
      double warmup = args.dbl("warmup", 3);
      String[] rates = args.get("rates").split(",");
      if (warmup > 0) {
        load.run(apps, channels, perChannel, Double.parseDouble(rates[0]), warmup, args.dbl("drain", 15));
      }
      for (String r : rates) {
        JsonObject step = load.run(apps, channels, perChannel, Double.parseDouble(r), args.dbl("seconds"),
            args.dbl("drain", 15));
        step.put("loadAverage", loadAverage());
        Bench.log("push: %s events/s: accepted %d/%d, deliveries %.0f/s, trigger p99 %.1f ms, delivery p50 %.1f "
                + "p99 %.1f ms, losses %d dups %d", r, step.getLong("accepted"), step.getLong("sent"),
            step.getDouble("deliveriesPerSec"), step.getJsonObject("trigger").getDouble("p99"),
            step.getJsonObject("delivery").getDouble("p50"), step.getJsonObject("delivery").getDouble("p99"),
            step.getLong("losses"), step.getLong("duplicates"));
        results.add(step);
        Thread.sleep(1_000);
      }
      return new JsonObject().put("scenario", "push").put("label", args.get("label", "push"))
          .put("apps", apps.size()).put("channels", apps.size() * channels).put("subscribersPerChannel", perChannel)
          .put("connections", sockets).put("connectFailures", failed).put("connectSeconds", connectSeconds)
          .put("steps", results);
    }
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (Exception e) {
      return -1;
    }
  }

  /** One idle-holder JVM: connects its share and holds it until told to stop. */
  void hold() throws Exception {
    Population p = Population.read(Path.of(args.get("population")));
    int from = args.integer("from");
    int count = args.integer("count");
    List<LoadGenerator.Conn> conns = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int user = (from + i) % p.userCount();
      conns.add(conn(i, p.users().get(user).token(), List.of(p.groupSids().get(p.groupOf(user)), p.soloSids().get(user))));
    }
    try (LoadGenerator gen = new LoadGenerator()) {
      long t0 = System.nanoTime();
      int failed = gen.connectAll(conns, CONNECT_PARALLEL);
      JsonObject ready = new JsonObject().put("connected", count - failed).put("failed", failed)
          .put("seconds", (System.nanoTime() - t0) / 1e9);
      Path readyFile = Path.of(args.get("ready-file"));
      Files.writeString(readyFile, ready.encode());
      Bench.log("hold: %s", ready.encode());
      Path stop = Path.of(args.get("stop-file"));
      long until = System.nanoTime() + 900_000_000_000L;
      while (!Files.exists(stop) && System.nanoTime() < until) {
        Thread.sleep(200);
      }
      long stillOpen = gen.onLoop(() -> io.vertx.core.Future.succeededFuture(conns.stream().filter(c -> c.open).count()));
      Files.writeString(readyFile, ready.put("openAtEnd", stillOpen).put("closedByServer", gen.closedByServer).encode());
      gen.closeAll(conns);
    }
  }

  /** Scenario 1: idle authenticated connections over several holder JVMs; heap per connection after GC. */
  JsonObject idle() throws Exception {
    long pid = Long.parseLong(args.get("server-pid"));
    int total = args.integer("connections");
    int perJvm = args.integer("per-jvm", 9_500);
    Path work = Files.createTempDirectory("palaver-idle");
    long before = HeapProbe.usedAfterGc(pid);
    java.util.Map<String, long[]> classesBefore = HeapProbe.histogram(pid);
    Bench.log("idle: server heap after GC before connecting: %d KiB", before / 1024);
    List<Process> holders = new ArrayList<>();
    List<Path> readyFiles = new ArrayList<>();
    Path stop = work.resolve("stop");
    long t0 = System.nanoTime();
    // If this JVM is stopped (run.sh's trap), take the holders down with it.
    Thread reaper = new Thread(() -> holders.forEach(Process::destroy));
    Runtime.getRuntime().addShutdownHook(reaper);
    try {
      for (int from = 0, j = 0; from < total; from += perJvm, j++) {
        int count = Math.min(perJvm, total - from);
        Path ready = work.resolve("ready-" + j);
        readyFiles.add(ready);
        String base = args.get("addr-base", "127.0.1").replaceAll("\\.\\d+$", "") + "." + (10 + j);
        holders.add(Bench.spawn("512m", "hold", "--ws", args.get("ws"), "--population", args.get("population"),
            "--from", String.valueOf(from), "--count", String.valueOf(count), "--addr-base", base,
            "--ready-file", ready.toString(), "--stop-file", stop.toString()));
      }
      long deadline = System.nanoTime() + 600_000_000_000L;
      while (!readyFiles.stream().allMatch(Files::exists)) {
        if (System.nanoTime() > deadline || holders.stream().anyMatch(h -> !h.isAlive() && h.exitValue() != 0)) {
          throw new IllegalStateException("idle holders did not get ready");
        }
        Thread.sleep(200);
      }
      double connectSeconds = (System.nanoTime() - t0) / 1e9;
      long connected = 0;
      long failed = 0;
      for (Path r : readyFiles) {
        JsonObject j = new JsonObject(Files.readString(r));
        connected += j.getLong("connected");
        failed += j.getLong("failed");
      }
      Thread.sleep(2_000);
      long after = HeapProbe.usedAfterGc(pid);
      long perConn = connected == 0 ? 0 : (after - before) / connected;
      JsonArray growth = HeapProbe.growth(classesBefore, HeapProbe.histogram(pid), connected, 15);
      Bench.log("idle: %d connected (%d failed) in %.1f s; heap after GC %d KiB -> %.2f KiB per connection",
          connected, failed, connectSeconds, after / 1024, perConn / 1024.0);
      Files.writeString(stop, "stop");
      long openAtEnd = 0;
      for (int i = 0; i < holders.size(); i++) {
        holders.get(i).waitFor();
        openAtEnd += new JsonObject(Files.readString(readyFiles.get(i))).getLong("openAtEnd", 0L);
      }
      return new JsonObject().put("scenario", "idle").put("label", args.get("label", "palaver")).put("target", total)
          .put("connections", connected).put("failed", failed).put("holderJvms", holders.size())
          .put("connectSeconds", connectSeconds).put("heapBeforeBytes", before).put("heapAfterBytes", after)
          .put("heapPerConnectionBytes", perConn).put("growth", growth).put("openAtEnd", openAtEnd)
          .put("users", Population.read(Path.of(args.get("population"))).userCount());
    } finally {
      Files.writeString(stop, "stop");
      for (Process h : holders) {
        if (!h.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          h.destroyForcibly();
        }
      }
    }
  }
}
