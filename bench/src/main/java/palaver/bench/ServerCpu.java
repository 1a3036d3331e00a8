package palaver.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time the server processes spent, read from {@code /proc/<pid>/task/<tid>/stat} per thread, so a
 * step's CPU per send can be split into the JIT compiler, the garbage collector and the rest (event
 * loops, workers, Hazelcast). Several pids (a cluster's nodes) are summed. Threads that ended between
 * two samples lose their last ticks; JVM threads live as long as the process, so this is small.
 */
final class ServerCpu {
  /** Clock ticks per second of {@code /proc}'s utime/stime: 100 on every Linux this runs on. */
  private static final double TICKS_PER_SECOND = 100;

  /** CPU milliseconds at one moment, by kind of thread. */
  record Sample(double totalMs, double jitMs, double gcMs) {
    Sample minus(Sample earlier) {
      return new Sample(totalMs - earlier.totalMs, jitMs - earlier.jitMs, gcMs - earlier.gcMs);
    }
  }

  private final List<Long> pids;

  private ServerCpu(List<Long> pids) {
    this.pids = pids;
  }

  /** From {@code --server-pid 123} or {@code 123,456}; null when none was given. */
  static ServerCpu of(String pidList) {
    if (pidList == null || pidList.isBlank()) {
      return null;
    }
    List<Long> pids = new ArrayList<>();
    for (String p : pidList.split(",")) {
      pids.add(Long.parseLong(p.trim()));
    }
    return new ServerCpu(pids);
  }

  Sample sample() {
    double total = 0;
    double jit = 0;
    double gc = 0;
    for (long pid : pids) {
      try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path task : tasks) {
          double ms = threadMs(task);
          String name = threadName(task);
          total += ms;
          if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            jit += ms;
          } else if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread")) {
            gc += ms;
          }
        }
      } catch (IOException gone) {
        // the process ended: its CPU no longer counts
      }
    }
    return new Sample(total, jit, gc);
  }

  /** utime + stime, fields 14 and 15 of stat, counted after the ")" that ends the thread's name. */
  private static double threadMs(Path task) {
    try {
      String stat = Files.readString(task.resolve("stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException ended) {
      return 0;
    }
  }

  private static String threadName(Path task) {
    try {
      return Files.readString(task.resolve("comm")).trim();
    } catch (IOException ended) {
      return "";
    }
  }

  /** A step's CPU as JSON: per send (over {@code sends}), in total, and the JIT's and GC's shares. */
  static JsonObject perSend(Sample used, long sends) {
    return new JsonObject().put("totalMs", used.totalMs()).put("perSendMs", sends == 0 ? 0 : used.totalMs() / sends)
        .put("jitShare", used.totalMs() == 0 ? 0 : used.jitMs() / used.totalMs())
        .put("gcShare", used.totalMs() == 0 ? 0 : used.gcMs() / used.totalMs());
  }
}
