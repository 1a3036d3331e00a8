package palaver.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import palaver.runtime.Setting;

/**
 * A Palaver jar running as its own JVM, for tests that need real processes:
 * clusters of separate JVMs, kill -9, SIGTERM, restarts, exit codes. Output
 * goes to {@code target/it-logs/<name>.log}.
 */
public final class JarProcess implements AutoCloseable {
  /** The standalone fat jar, built by {@code package} before failsafe runs. */
  public static final Path STANDALONE_JAR = Path.of("..", "standalone", "target", "palaver.jar");

  private final String name;
  private final Process process;
  private final Path log;

  private JarProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  public static JarProcess start(String name, Path jar, String... args) {
    return start(List.of(), name, jar, args);
  }

  /** As {@link #start(String, Path, String...)}, the JVM run through {@code prefix} (e.g. {@code ip netns exec ns}), which must exec it. */
  public static JarProcess start(List<String> prefix, String name, Path jar, String... args) {
    try {
      Path logs = Files.createDirectories(Path.of("target", "it-logs"));
      Path log = logs.resolve(name + ".log");
      List<String> command = new ArrayList<>(prefix);
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.add("-Xmx384m");
      command.add("-XX:+UseSerialGC");
      command.add("-jar");
      command.add(jar.toAbsolutePath().toString());
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      // By env, as in production: a secret stays off the command line. Harmless to nodes that don't cluster.
      builder.environment().put(Setting.CLUSTER_SECRET.env(), TestCluster.SECRET);
      Process process = builder.start();
      return new JarProcess(name, process, log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name, e);
    }
  }

  /** Waits until {@code GET /health} answers 200 on {@code httpPort}. */
  public JarProcess awaitHealthy(int httpPort, long millis) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + output());
      }
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
            .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      sleep(250);
    }
    throw new AssertionError(name + " not healthy within " + millis + " ms:\n" + output());
  }

  /** Waits for the process to exit by itself; returns its exit code. */
  public int awaitExit(long millis) {
    try {
      if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " still running after " + millis + " ms:\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** SIGTERM: the graceful path. */
  public int terminate() {
    process.destroy();
    return awaitExit(40_000);
  }

  /** SIGKILL: no shutdown hook runs, sockets just drop. */
  public void kill9() {
    process.destroyForcibly();
    awaitExit(20_000);
  }

  /** SIGSTOP: the process freezes as in a long GC pause or a VM stall; its sockets stay open but silent. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String output() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      awaitExit(20_000);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
