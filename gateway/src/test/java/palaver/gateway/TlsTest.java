package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import palaver.runtime.Setting;
import palaver.testing.Await;

/** HTTPS and WSS from PEM files, with a test certificate. */
class TlsTest {
  @TempDir
  Path dir;
  private GatewayUnderTest gateway;
  private HttpClient https;

  private Path cert;
  private Path key;

  private void start() throws Exception {
    SelfSignedCertificate first = SelfSignedCertificate.create("localhost");
    cert = dir.resolve("cert.pem");
    key = dir.resolve("key.pem");
    Files.copy(Path.of(first.certificatePath()), cert);
    Files.copy(Path.of(first.privateKeyPath()), key);
    TlsCertificate.checkMs = 200;
    gateway = new GatewayUnderTest(new JsonObject().put(Setting.TLS_CERT.key(), cert.toString())
        .put(Setting.TLS_KEY.key(), key.toString()));
    https = gateway.sut.vertx().createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true)
        .setVerifyHost(false).setKeepAlive(false));
  }

  @AfterEach
  void stop() {
    TlsCertificate.checkMs = 10_000;
    if (https != null) {
      https.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  /** The subject of the certificate the gateway presents to a new connection, and the HSTS header. */
  private String[] presented() {
    return Await.result(https.request(HttpMethod.GET, gateway.port(), "127.0.0.1", "/health/live")
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> {
          try {
            X509Certificate peer = (X509Certificate) req.connection().peerCertificates().get(0);
            return new String[] {peer.getSubjectX500Principal().getName(), resp.getHeader("Strict-Transport-Security"),
                String.valueOf(resp.statusCode())};
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }))));
  }

  @Test
  @DisplayName("With a certificate the gateway serves HTTPS, with HSTS")
  void https() throws Exception {
    start();
    String[] answer = presented();
    assertEquals("200", answer[2]);
    assertTrue(answer[0].contains("CN=localhost"), answer[0]);
    assertTrue(answer[1].startsWith("max-age="), "HSTS: " + answer[1]);
  }

  @Test
  @DisplayName("A client authenticates over WSS")
  void wss() throws Exception {
    start();
    WebSocketClient client = gateway.sut.vertx().createWebSocketClient(new WebSocketClientOptions().setSsl(true)
        .setTrustAll(true).setVerifyHost(false));
    var ws = Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port())
        .setURI("/ws").setSsl(true)));
    java.util.concurrent.CompletableFuture<String> first = new java.util.concurrent.CompletableFuture<>();
    ws.textMessageHandler(first::complete);
    ws.writeTextMessage(new JsonObject().put("type", "auth").put("token", GatewayUnderTest.token("alice")).encode());
    assertEquals("ready", new JsonObject(first.get(10, java.util.concurrent.TimeUnit.SECONDS)).getString("type"));
    client.close();
  }

  @Test
  @DisplayName("A renewed certificate written over the files is served to new connections without a restart")
  void reloadsChangedFiles() throws Exception {
    start();
    assertTrue(presented()[0].contains("CN=localhost"));
    SelfSignedCertificate renewed = SelfSignedCertificate.create("renewed.example");
    Files.copy(Path.of(renewed.privateKeyPath()), key, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(Path.of(renewed.certificatePath()), cert, StandardCopyOption.REPLACE_EXISTING);
    // Some filesystems keep whole-second modification times: make the change visible.
    Files.setLastModifiedTime(cert, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2_000));
    Await.until("the renewed certificate is presented", 10_000, () -> presented()[0].contains("CN=renewed.example"));
  }

  @Test
  @DisplayName("SIGHUP reloads the certificate at once, even when the files' times did not change")
  void reloadsOnHangUp() throws Exception {
    start();
    assertTrue(presented()[0].contains("CN=localhost"));
    java.nio.file.attribute.FileTime certTime = Files.getLastModifiedTime(cert);
    java.nio.file.attribute.FileTime keyTime = Files.getLastModifiedTime(key);
    SelfSignedCertificate renewed = SelfSignedCertificate.create("hangup.example");
    Files.copy(Path.of(renewed.privateKeyPath()), key, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(Path.of(renewed.certificatePath()), cert, StandardCopyOption.REPLACE_EXISTING);
    // The same times as before: the file watch sees nothing, only the signal can reload.
    Files.setLastModifiedTime(cert, certTime);
    Files.setLastModifiedTime(key, keyTime);
    Thread.sleep(3 * TlsCertificate.checkMs);
    assertTrue(presented()[0].contains("CN=localhost"), "no reload without the signal");
    sun.misc.Signal.raise(new sun.misc.Signal("HUP"));
    Await.until("the certificate is reloaded on SIGHUP", 10_000, () -> presented()[0].contains("CN=hangup.example"));
  }

  @Test
  @DisplayName("A certificate without its key is refused at start")
  void certWithoutKey() throws Exception {
    Throwable t = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
        () -> new GatewayUnderTest(new JsonObject().put(Setting.TLS_CERT.key(), dir.resolve("c.pem").toString())));
    assertTrue(String.valueOf(t.getMessage()).contains("tlsKey"), t.getMessage());
  }
}
