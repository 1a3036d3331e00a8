package palaver.store;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The embedded MongoDB-wire store (mongo-java-server, H2 backend) that lets
 * Palaver run with nothing installed. Data lives in one file under the data
 * directory; it listens on 127.0.0.1 unless told otherwise ({@code --store-host},
 * for a store container on a private network: the store has no authentication),
 * on {@code --store-port} when given (so other processes of a local cluster can
 * share it) or on a free port. The node itself always reaches it on 127.0.0.1.
 */
public final class EmbeddedStore implements AutoCloseable {
  public static final String FILE = "palaver.mv.db";
  /** In the data dir: the secret a backup request to the running node must present (owner-only, like the store). */
  public static final String BACKUP_TOKEN = "backup.token";

  private final MongoServer server;
  private final InetSocketAddress address;
  private final StoreTls tls;
  private final MVStore mv;
  private final Path dataDir;

  private EmbeddedStore(MongoServer server, InetSocketAddress address, StoreTls tls, MVStore mv, Path dataDir) {
    this.server = server;
    this.address = address;
    this.tls = tls;
    this.mv = mv;
    this.dataDir = dataDir;
  }

  /** The page cache H2's MVStore uses unless told otherwise. */
  public static final int DEFAULT_CACHE_MB = 16;

  public static EmbeddedStore start(Path dataDir, Integer port) throws IOException {
    return start(dataDir, port, DEFAULT_CACHE_MB);
  }

  /** {@code cacheMb}: the heap the store may keep recently used pages in (MVStore's cache). */
  public static EmbeddedStore start(Path dataDir, Integer port, int cacheMb) throws IOException {
    return start(dataDir, "127.0.0.1", port, cacheMb);
  }

  /** {@code host}: the interface to listen on (127.0.0.1, or 0.0.0.0 in a store container). */
  public static EmbeddedStore start(Path dataDir, String host, Integer port, int cacheMb) throws IOException {
    return start(dataDir, host, port, cacheMb, false);
  }

  /**
   * {@code requireTls}: speak TLS only and accept only clients presenting the data dir's credential
   * ({@link StoreTls}, generated at the first start); clients find it in {@link #tls()}.
   */
  public static EmbeddedStore start(Path dataDir, String host, Integer port, int cacheMb, boolean requireTls)
      throws IOException {
    // The store file holds password hashes and the signing key: owner-only, also on existing dirs.
    DataDirPermissions.restrict(dataDir);
    H2Backend backend;
    MVStore mv;
    try {
      mv = new MVStore.Builder().fileName(dataDir.resolve(FILE).toString()).cacheSize(Math.max(1, cacheMb)).open();
      backend = new IdLookupBackend(mv);
    } catch (RuntimeException e) {
      throw new IOException("cannot open the store in " + dataDir.toAbsolutePath()
          + " (is another Palaver using this --data-dir?): " + e.getMessage(), e);
    }
    // MVStore creates the file with the umask's mode when it is new.
    DataDirPermissions.restrictFile(dataDir.resolve(FILE));
    ensureBackupToken(dataDir);
    MongoServer server = new MongoServer(new CommittingBackend(backend));
    StoreTls tls = null;
    if (requireTls) {
      try {
        tls = StoreTls.ensure(dataDir);
        tls.require(server);
      } catch (IOException | RuntimeException e) {
        server.shutdownNow();
        throw e;
      }
    }
    try {
      server.bind(host, port == null ? 0 : port);
    } catch (RuntimeException e) {
      server.shutdownNow();
      throw new IOException("cannot serve the store on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    return new EmbeddedStore(server, server.getLocalAddress(), tls, mv, dataDir);
  }

  // ---- backup and restore ----

  public Path dataDir() {
    return dataDir;
  }

  /** The secret a backup request must present; only who can read the data dir knows it. */
  public String backupToken() throws IOException {
    return Files.readString(dataDir.resolve(BACKUP_TOKEN), StandardCharsets.US_ASCII).strip();
  }

  private static void ensureBackupToken(Path dataDir) throws IOException {
    Path token = dataDir.resolve(BACKUP_TOKEN);
    if (!Files.exists(token)) {
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      Files.writeString(token, HexFormat.of().formatHex(secret) + "\n", StandardCharsets.US_ASCII);
    }
    DataDirPermissions.restrictFile(token);
  }

  /**
   * A consistent copy of the running store as a zip holding {@value #FILE}, by MVStore's own online
   * backup: space is not reused while the file is copied, so every chunk a commit wrote before the copy
   * began (every acked write) stays as it was, and chunks appended meanwhile are either whole in the
   * copy or ignored when it opens. Writes go on during the copy; nothing waits for it. Blocking: call it
   * on a worker thread.
   */
  public void backup(OutputStream out) throws IOException {
    ZipOutputStream zip = new ZipOutputStream(out);
    mv.getFileStore().backup(zip);
    zip.finish();
    zip.flush();
  }

  /** As {@link #backup(OutputStream)}, of the data dir of a store no process has open. */
  public static void backupStopped(Path dataDir, OutputStream out) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException("no store in " + dataDir.toAbsolutePath() + " (no " + FILE + ")");
    }
    MVStore store;
    try {
      store = new MVStore.Builder().fileName(file.toString()).readOnly().open();
    } catch (RuntimeException e) {
      throw new IOException("cannot open the store in " + dataDir.toAbsolutePath() + " (is a Palaver node running"
          + " on it? then back up through its management port): " + e.getMessage(), e);
    }
    try {
      ZipOutputStream zip = new ZipOutputStream(out);
      zip.putNextEntry(new ZipEntry(FILE));
      Files.copy(file, zip);
      zip.closeEntry();
      zip.finish();
      zip.flush();
    } finally {
      store.close();
    }
  }

  /** Writes the store file of a backup zip ({@link #backup}) to {@code target}, then checks it opens. */
  public static void unpack(InputStream zipped, Path target) throws IOException {
    Path part = target.resolveSibling(target.getFileName() + ".part");
    try (ZipInputStream zip = new ZipInputStream(zipped)) {
      ZipEntry entry;
      boolean found = false;
      while ((entry = zip.getNextEntry()) != null) {
        if (entry.getName().equals(FILE)) {
          Files.copy(zip, part, StandardCopyOption.REPLACE_EXISTING);
          found = true;
        }
      }
      if (!found) {
        throw new IOException("the backup holds no " + FILE);
      }
    }
    verify(part);
    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Opens a store file read-only and checks it is a Palaver store of this format; how many maps it has. */
  public static int verify(Path file) throws IOException {
    MVStore store;
    try {
      store = new MVStore.Builder().fileName(file.toString()).readOnly().open();
    } catch (RuntimeException e) {
      throw new IOException(file + " is not a readable store: " + e.getMessage(), e);
    }
    try {
      if (!store.hasMap(StoreFormat.MAP)) {
        throw new IOException(file + " is not a Palaver store (no " + StoreFormat.MAP + ")");
      }
      MVMap<String, Object> format = store.openMap(StoreFormat.MAP);
      Object version = format.get(StoreFormat.VERSION);
      if (!Integer.valueOf(StoreFormat.CURRENT).equals(version)) {
        throw new IOException(file + " is in store format " + version + ", this Palaver reads " + StoreFormat.CURRENT);
      }
      return store.getMapNames().size();
    } finally {
      store.close();
    }
  }

  /**
   * Restores a backup's store file into a new data dir: refused unless {@code dataDir} is absent or
   * empty (a restore never overwrites data); the copy is checked before it takes the store's name.
   */
  public static void restore(Path backupFile, Path dataDir) throws IOException {
    if (!Files.isRegularFile(backupFile)) {
      throw new IOException("no backup at " + backupFile.toAbsolutePath());
    }
    if (Files.exists(dataDir)) {
      try (var entries = Files.list(dataDir)) {
        if (entries.findAny().isPresent()) {
          throw new IOException("refusing to restore into " + dataDir.toAbsolutePath()
              + ": it is not empty (restore into a new data dir)");
        }
      }
    }
    verify(backupFile);
    Files.createDirectories(dataDir);
    DataDirPermissions.restrict(dataDir);
    Path part = dataDir.resolve(FILE + ".part");
    Files.copy(backupFile, part);
    DataDirPermissions.restrictFile(part);
    Files.move(part, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
  }

  public String connectionString() {
    String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
    return "mongodb://" + host + ":" + address.getPort();
  }

  /** The credential clients must present, or null when the store was started without TLS. */
  public StoreTls tls() {
    return tls;
  }

  public int port() {
    return address.getPort();
  }

  @Override
  public void close() {
    server.shutdown();
  }
}
