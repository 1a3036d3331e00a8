package palaver.system;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js script of {@code src/test/node} run as a real peer: the official
 * Pusher SDKs (pusher-js as a client, {@code pusher} as an app server),
 * unmodified, talking to a running Palaver. A script prints one JSON object
 * per line on stdout ({@link #next} reads them) and reads commands as JSON
 * lines on stdin ({@link #send}). The SDKs are installed with {@code npm ci}
 * from the lock file the first time a script runs.
 */
final class NodeScript implements AutoCloseable {
  static final Path DIR = Path.of("src", "test", "node");

  private final Process process;
  private final BlockingQueue<JsonObject> lines = new LinkedBlockingQueue<>();
  private final StringBuilder stderr = new StringBuilder();
  /** Lines passed over by {@link #next(String, long)}, still to be read. */
  private final List<JsonObject> skipped = new ArrayList<>();

  private NodeScript(Process process) {
    this.process = process;
    Thread out = new Thread(() -> read(process), "node-stdout");
    out.setDaemon(true);
    out.start();
    Thread err = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (stderr) {
            stderr.append(line).append('\n');
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "node-stderr");
    err.setDaemon(true);
    err.start();
  }

  /** Starts {@code node <script> <args...>} in the node directory. */
  static NodeScript start(String script, String... args) {
    installOnce();
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    try {
      return new NodeScript(new ProcessBuilder(command).directory(DIR.toFile()).start());
    } catch (IOException e) {
      throw new AssertionError("cannot run node (install Node.js 18+): " + e.getMessage(), e);
    }
  }

  private static synchronized void installOnce() {
    if (Files.isDirectory(DIR.resolve("node_modules").resolve("pusher-js"))) {
      return;
    }
    try {
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR.toFile())
          .redirectErrorStream(true).start();
      String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
        throw new AssertionError("npm ci failed in " + DIR + ":\n" + output);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run npm (install Node.js and npm): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private void read(Process p) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("{")) {
          lines.add(new JsonObject(line));
        } else {
          synchronized (stderr) {
            stderr.append("stdout: ").append(line).append('\n');
          }
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // the process ended or printed something else
    }
  }

  /** Writes one command line to the script's stdin. */
  void send(JsonObject command) {
    try {
      process.getOutputStream().write((command.encode() + "\n").getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    } catch (IOException e) {
      throw new AssertionError("node script gone: " + output(), e);
    }
  }

  /** The next line the script printed (first any kept by {@link #next(String, long)}), within {@code millis}. */
  JsonObject next(long millis) {
    synchronized (skipped) {
      if (!skipped.isEmpty()) {
        return skipped.remove(0);
      }
    }
    return poll(millis);
  }

  private JsonObject poll(long millis) {
    try {
      JsonObject line = lines.poll(millis, TimeUnit.MILLISECONDS);
      if (line == null) {
        throw new AssertionError("no output from the node script within " + millis + " ms; stderr:\n" + output());
      }
      return line;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * The next line whose {@code type} is {@code type}. Lines of other types met on the way are kept, in
   * order, for later calls: a script may print two things in either order (pusher-js reports a user
   * event synchronously but its sign-in only after a promise settles).
   */
  JsonObject next(String type, long millis) {
    synchronized (skipped) {
      for (java.util.Iterator<JsonObject> it = skipped.iterator(); it.hasNext(); ) {
        JsonObject line = it.next();
        if (type.equals(line.getString("type"))) {
          it.remove();
          return line;
        }
      }
    }
    long deadline = System.currentTimeMillis() + millis;
    while (true) {
      JsonObject line = poll(Math.max(1, deadline - System.currentTimeMillis()));
      if (type.equals(line.getString("type"))) {
        return line;
      }
      synchronized (skipped) {
        skipped.add(line);
      }
    }
  }

  /** Waits for the script to end by itself; its exit code. */
  int await(long millis) {
    try {
      if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
        throw new AssertionError("node script still running after " + millis + " ms:\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  String output() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
