package palaver.store;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
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

  private final MongoServer server;
  private final InetSocketAddress address;
  private final StoreTls tls;

  private EmbeddedStore(MongoServer server, InetSocketAddress address, StoreTls tls) {
    this.server = server;
    this.address = address;
    this.tls = tls;
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
    try {
      backend = new IdLookupBackend(new MVStore.Builder().fileName(dataDir.resolve(FILE).toString())
          .cacheSize(Math.max(1, cacheMb)).open());
    } catch (RuntimeException e) {
      throw new IOException("cannot open the store in " + dataDir.toAbsolutePath()
          + " (is another Palaver using this --data-dir?): " + e.getMessage(), e);
    }
    // MVStore creates the file with the umask's mode when it is new.
    DataDirPermissions.restrictFile(dataDir.resolve(FILE));
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
    return new EmbeddedStore(server, server.getLocalAddress(), tls);
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
