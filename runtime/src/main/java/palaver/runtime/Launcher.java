package palaver.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The {@code main} of every Palaver jar: flags, configuration, start, and a
 * SIGTERM hook that stops the node gracefully. Errors are one line on stderr
 * and a non-zero exit code (2 for bad flags, 1 for failures to start).
 */
public final class Launcher {
  private Launcher() {
  }

  /** What a jar adds before the node starts (the standalone's embedded store). */
  public interface Preparation {
    JsonObject prepare(JsonObject config) throws Exception;

    /** What the management port's {@code POST /backup} copies, or null (no embedded store). */
    default StoreBackup backup() {
      return null;
    }

    default void close() {
    }
  }

  public static void main(String program, String description, boolean standalone, String[] args,
      Preparation preparation, List<PalaverNode.Service> services) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    CommandLineFlags.Parsed parsed = CommandLineFlags.parse(program, description, standalone, args, out, err);
    if (!parsed.run()) {
      System.exit(parsed.exitCode());
    }
    PalaverNode node;
    try {
      JsonObject config = loadConfig(parsed.flags());
      config = preparation.prepare(config);
      node = await(PalaverNode.start(config, services), 120);
      node.serveBackup(preparation.backup());
    } catch (Exception e) {
      err.println(program + ": cannot start: " + message(e));
      preparation.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        await(node.close(), 30);
      } catch (Exception e) {
        err.println(program + ": unclean stop: " + message(e));
      } finally {
        preparation.close();
      }
    }, "palaver-shutdown"));
    out.println(program + " started" + (services.stream().anyMatch(s -> s.name().equals("gateway"))
        ? " on http://localhost:" + node.config().getInteger(Setting.HTTP_PORT.key()) : ""));
  }

  public static JsonObject loadConfig(JsonObject flags) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      return await(PalaverConfig.load(vertx, flags, System.getenv()), 30);
    } finally {
      vertx.close();
    }
  }

  /** Blocks the calling (non-Vert.x) thread: only for main and shutdown. */
  public static <T> T await(Future<T> future, long seconds) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  private static String message(Throwable t) {
    String msg = t.getMessage();
    while ((msg == null || msg.isBlank()) && t.getCause() != null) {
      t = t.getCause();
      msg = t.getMessage();
    }
    return msg == null ? t.getClass().getSimpleName() : msg;
  }
}
