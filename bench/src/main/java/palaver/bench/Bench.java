package palaver.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of the benchmark jar; bench/run.sh calls one command per step:
 * {@code baseline}, {@code setup}, {@code idle} (spawns {@code hold} JVMs),
 * {@code fanout}, {@code persist}, {@code storm}, {@code push}, {@code profile}, {@code report}.
 */
public final class Bench {
  private Bench() {
  }

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      System.err.println("usage: Bench baseline|setup|idle|hold|fanout|persist|storm|push|growth-probe|growth-report|profile|report --key value ...");
      System.exit(2);
    }
    Args args = new Args(argv, 1);
    Scenarios scenarios = new Scenarios(args);
    try {
      switch (argv[0]) {
        case "baseline" -> {
          Vertx.vertx().deployVerticle(new BaselineServer(args.integer("port"))).await();
          log("baseline server on :%s", args.get("port"));
          return; // the event loop keeps the JVM alive
        }
        case "setup" -> Population.ensure(args.get("http"), args.integer("groups"), args.integer("group-users"),
            Path.of(args.get("population")));
        case "hold" -> scenarios.hold();
        case "idle" -> write(args, scenarios.idle());
        case "fanout" -> write(args, scenarios.fanout());
        case "persist" -> write(args, scenarios.persist());
        case "storm" -> write(args, scenarios.storm());
        case "push" -> write(args, scenarios.push());
        case "growth-probe" -> write(args, new GrowthProbe(args).run());
        case "growth-report" -> GrowthReport.write(args);
        case "profile" -> JfrTop.main(Path.of(args.get("recording")), Path.of(args.get("out")));
        case "report" -> new Report(Path.of(args.get("dir"))).write(Path.of(args.get("out")), Path.of(args.get("svg")),
            args.get("mode"));
        default -> throw new IllegalArgumentException("unknown command " + argv[0]);
      }
    } catch (Exception e) {
      log("%s failed: %s", argv[0], e);
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void write(Args args, JsonObject result) throws Exception {
    Files.writeString(Path.of(args.get("out")), result.encodePrettily());
  }

  static void log(String format, Object... values) {
    System.err.printf("[%s] %s%n", LocalTime.now(ZoneOffset.UTC).withNano(0), String.format(format, values));
  }

  /** Another generator JVM running {@code command} from this jar (a process holds at most ~19,000 sockets). */
  static Process spawn(String heap, String command, String... rest) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), Bench.class.getName(), command));
    cmd.addAll(List.of(rest));
    return new ProcessBuilder(cmd).inheritIO().start();
  }
}
