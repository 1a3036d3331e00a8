package palaver.standalone;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import palaver.runtime.CommandLineFlags;
import palaver.runtime.Launcher;
import palaver.runtime.Setting;
import palaver.runtime.StoreBackup;
import palaver.store.EmbeddedStore;

/**
 * {@code palaver backup <dir>} and {@code palaver restore <dir>}, with the node's own flags (at least
 * {@code --data-dir}; for a running node its {@code --management-port}). A backup of a running node is
 * taken by the node itself ({@code POST /backup} on its management port, with the data dir's backup
 * token, so only who can read the data dir may ask) while it keeps serving; of a stopped one, from the
 * data dir. A restore writes a backup into a new, empty data dir. Exit codes: 0 done, 1 failed, 2 bad use.
 */
public final class StoreCommands {
  static final Set<String> NAMES = Set.of("backup", "restore");
  /** The backup's description next to the store file. */
  static final String MANIFEST = "backup.json";

  private StoreCommands() {
  }

  static int run(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    String command = args[0];
    if (args.length < 2 || args[1].startsWith("-")) {
      err.println("palaver " + command + ": give the backup directory: palaver " + command + " <dir> [--data-dir DIR]"
          + (command.equals("backup") ? " [--management-port N]" : ""));
      return 2;
    }
    Path dir = Path.of(args[1]);
    CommandLineFlags.Parsed parsed = CommandLineFlags.parse("palaver " + command + " " + args[1],
        "Palaver: " + command + " of the embedded store.", true, Arrays.copyOfRange(args, 2, args.length), out, err);
    if (!parsed.run()) {
      return parsed.exitCode();
    }
    try {
      JsonObject config = Launcher.loadConfig(parsed.flags());
      Path dataDir = Path.of(config.getString(Setting.DATA_DIR.key()));
      if (command.equals("backup")) {
        long bytes = backup(dir, dataDir, config.getString(Setting.HTTP_HOST.key()),
            config.getInteger(Setting.MANAGEMENT_PORT.key()));
        out.println("palaver backup: " + dir.resolve(EmbeddedStore.FILE) + " (" + bytes + " bytes)");
      } else {
        restore(dir, dataDir);
        out.println("palaver restore: " + dataDir.resolve(EmbeddedStore.FILE) + " restored from " + dir);
      }
      return 0;
    } catch (Exception e) {
      err.println("palaver " + command + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    }
  }

  /**
   * Writes a backup of the store of {@code dataDir} into {@code dir} (absent or empty): from the running
   * node on {@code managementPort} when given, else from the data dir of a stopped node. Its size.
   */
  public static long backup(Path dir, Path dataDir, String host, Integer managementPort) throws Exception {
    requireEmpty(dir, "back up");
    Files.createDirectories(dir);
    Path target = dir.resolve(EmbeddedStore.FILE);
    if (managementPort != null && managementPort > 0) {
      fromRunningNode(target, dataDir, host, managementPort);
    } else {
      Path zip = dir.resolve("store.zip.part");
      try (OutputStream zipOut = Files.newOutputStream(zip)) {
        EmbeddedStore.backupStopped(dataDir, zipOut);
      }
      try (InputStream in = Files.newInputStream(zip)) {
        EmbeddedStore.unpack(in, target);
      } finally {
        Files.deleteIfExists(zip);
      }
    }
    long bytes = Files.size(target);
    Files.writeString(dir.resolve(MANIFEST), new JsonObject().put("file", EmbeddedStore.FILE).put("bytes", bytes)
        .put("at", System.currentTimeMillis()).put("from", dataDir.toAbsolutePath().toString())
        .put("version", CommandLineFlags.version()).encodePrettily() + "\n", StandardCharsets.UTF_8);
    return bytes;
  }

  private static void fromRunningNode(Path target, Path dataDir, String host, int port) throws Exception {
    Path tokenFile = dataDir.resolve(EmbeddedStore.BACKUP_TOKEN);
    if (!Files.isReadable(tokenFile)) {
      throw new IOException("cannot read " + tokenFile.toAbsolutePath() + ": give the node's --data-dir (a backup"
          + " needs its backup token)");
    }
    String token = Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
    String to = host == null || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + hostPart(to) + ":" + port + "/backup"))
        .header(StoreBackup.TOKEN_HEADER, token).POST(HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException("the node answered " + response.statusCode() + ": "
            + new String(body.readAllBytes(), StandardCharsets.UTF_8).strip());
      }
      EmbeddedStore.unpack(body, target);
    }
  }

  private static String hostPart(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /** Restores the backup in {@code dir} into {@code dataDir}, which must be absent or empty. */
  public static void restore(Path dir, Path dataDir) throws IOException {
    EmbeddedStore.restore(dir.resolve(EmbeddedStore.FILE), dataDir);
  }

  private static void requireEmpty(Path dir, String what) throws IOException {
    if (Files.exists(dir)) {
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IOException("refusing to " + what + " into " + dir.toAbsolutePath() + ": it is not empty");
        }
      }
    }
  }
}
