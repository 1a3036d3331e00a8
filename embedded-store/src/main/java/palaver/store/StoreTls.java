package palaver.store;

import de.bwaldvogel.mongo.MongoServer;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The embedded store's credential: one self-signed certificate and its key, generated at the first
 * start into {@code <data-dir>/store-tls} (0700, files 0600) and pinned on both sides. The store
 * speaks TLS only and requires the client to present that same certificate, so only processes that
 * can read the key (its owner, or whoever it was handed to) can talk to the store.
 */
public final class StoreTls {
  public static final String DIR = "store-tls";
  public static final String CERT = "store.crt";
  public static final String KEY = "store.key";

  private final Path dir;

  private StoreTls(Path dir) {
    this.dir = dir;
  }

  /** The credential in the data dir, generated when absent. Blocking (file I/O, key generation). */
  static StoreTls ensure(Path dataDir) throws IOException {
    Path dir = dataDir.resolve(DIR);
    DataDirPermissions.restrict(dir);
    if (!Files.isRegularFile(dir.resolve(CERT)) || !Files.isRegularFile(dir.resolve(KEY))) {
      generate(dir);
    }
    DataDirPermissions.restrict(dir);
    return new StoreTls(dir);
  }

  private static void generate(Path dir) throws IOException {
    SelfSignedCredential generated = SelfSignedCredential.generate("palaver-store");
    // Key first, created owner-only: a certificate without its key is regenerated on the next start.
    Path key = dir.resolve(KEY);
    Files.deleteIfExists(key);
    if (DataDirPermissions.supported()) {
      Files.createFile(key, PosixFilePermissions.asFileAttribute(DataDirPermissions.FILE));
    }
    Files.writeString(key, generated.privateKeyPem());
    Files.writeString(dir.resolve(CERT), generated.certificatePem());
  }

  public Path dir() {
    return dir;
  }

  public Path cert() {
    return dir.resolve(CERT);
  }

  public Path key() {
    return dir.resolve(KEY);
  }

  /** TLS with a required client certificate, trusting only the store's own certificate. */
  void require(MongoServer server) throws IOException {
    SslContext context = SslContextBuilder.forServer(cert().toFile(), key().toFile())
        .trustManager(cert().toFile())
        .clientAuth(ClientAuth.REQUIRE)
        .build();
    // MongoServer.enableSsl builds a context without client authentication; put ours in its place.
    try {
      Field field = MongoServer.class.getDeclaredField("sslContext");
      field.setAccessible(true);
      field.set(server, context);
    } catch (ReflectiveOperationException e) {
      throw new IOException("this mongo-java-server cannot require client certificates: " + e, e);
    }
  }
}
