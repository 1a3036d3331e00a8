package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.runtime.Setting;

/**
 * The gateway's TLS certificate from PEM files ({@code tlsCert}: the chain,
 * {@code tlsKey}: the private key), reloaded without a restart when either
 * file changes (as certbot or cert-manager renew them): their modification
 * times are read asynchronously every {@link #checkMs}, never on the event
 * loop's time. SIGHUP ({@link HangUp}) reloads them at once, changed or not.
 */
final class TlsCertificate {
  private static final Logger LOG = LoggerFactory.getLogger(TlsCertificate.class);
  /** How often the files are looked at; tests shorten it. */
  static long checkMs = 10_000;

  private final Vertx vertx;
  private final String certPath;
  private final String keyPath;
  private long stamp;
  private long timer = -1;
  private Runnable onHangUp;

  private TlsCertificate(Vertx vertx, String certPath, String keyPath) {
    this.vertx = vertx;
    this.certPath = certPath;
    this.keyPath = keyPath;
  }

  /** The configured certificate, or null when the gateway serves plain HTTP; both files or neither. */
  static TlsCertificate from(Vertx vertx, JsonObject config) {
    String cert = config.getString(Setting.TLS_CERT.key());
    String key = config.getString(Setting.TLS_KEY.key());
    if (cert == null && key == null) {
      return null;
    }
    if (cert == null || key == null) {
      throw new IllegalArgumentException("tlsCert and tlsKey go together: give both PEM files, or neither");
    }
    return new TlsCertificate(vertx, cert, key);
  }

  private PemKeyCertOptions pem() {
    return new PemKeyCertOptions().setCertPath(certPath).setKeyPath(keyPath);
  }

  /** Turns TLS on in the server options (the files are read when the server starts listening). */
  HttpServerOptions apply(HttpServerOptions options) {
    return options.setSsl(true).setKeyCertOptions(pem());
  }

  /** Starts watching the files for {@code server}; call once it listens. */
  Future<Void> watch(HttpServer server) {
    return modified().map(now -> {
      stamp = now;
      timer = vertx.setPeriodic(checkMs, id -> check(server));
      onHangUp = () -> vertx.runOnContext(v -> reload(server));
      HangUp.listen(onHangUp);
      return null;
    });
  }

  void stop() {
    vertx.cancelTimer(timer);
    if (onHangUp != null) {
      HangUp.unlisten(onHangUp);
    }
  }

  private void check(HttpServer server) {
    modified().compose(now -> {
      if (now == stamp) {
        return Future.succeededFuture();
      }
      stamp = now;
      return update(server);
    }).onFailure(TlsCertificate::notReloaded);
  }

  /** On SIGHUP: whatever the files' times say. */
  private void reload(HttpServer server) {
    update(server).onFailure(TlsCertificate::notReloaded);
  }

  private Future<Void> update(HttpServer server) {
    return server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(pem()), true)
        .onSuccess(ok -> LOG.info("TLS certificate reloaded from {}", certPath)).mapEmpty();
  }

  private static void notReloaded(Throwable t) {
    LOG.warn("TLS certificate not reloaded (the old one stays in use): {}", t.getMessage());
  }

  /** The later of the two files' modification times. */
  private Future<Long> modified() {
    Future<FileProps> cert = vertx.fileSystem().props(certPath);
    Future<FileProps> key = vertx.fileSystem().props(keyPath);
    return Future.all(cert, key).map(v -> Math.max(cert.result().lastModifiedTime(), key.result().lastModifiedTime()));
  }
}
