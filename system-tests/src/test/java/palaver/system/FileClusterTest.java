package palaver.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.store.EmbeddedStore;

/**
 * Files when the gateway and message-service run on different nodes: every
 * chunk of an upload and a download crosses the clustered event bus (as
 * base64 in JSON), and must arrive intact and in order.
 */
@DisplayName("Files across two clustered nodes")
class FileClusterTest {
  private static EmbeddedStore store;
  private static TestServer front;
  private static TestServer back;

  @BeforeAll
  static void start() {
    store = TestServer.newStore();
    TestCluster cluster = new TestCluster(2);
    front = cluster.start(0, store, "user-service", "session-service", "gateway");
    back = cluster.start(1, store, "message-service", "message-files");
  }

  @AfterAll
  static void stop() {
    back.close();
    front.close();
    store.close();
  }

  @Test
  @DisplayName("a file uploaded through a gateway on another node than message-service comes back byte for byte")
  void roundTripAcrossNodes() {
    Http http = front.http();
    Http.User alice = http.newUser("Alice");
    byte[] bytes = new byte[3 * 255 * 1024 + 17];
    new Random(11).nextBytes(bytes);
    Http.Response up = http.upload(alice.token(), "remote.bin", bytes, "application/octet-stream");
    assertEquals(201, up.status(), up.text());
    Http.Download down = http.download("/files/" + up.json().getString("fileId"), alice.token(), Map.of());
    assertArrayEquals(bytes, down.bytes());
    Http.Download range = http.download("/files/" + up.json().getString("fileId"), alice.token(),
        Map.of("Range", "bytes=261100-261200"));
    assertEquals(206, range.status());
    assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 261100, 261201), range.bytes());
  }

  @Test
  @DisplayName("an image uploaded across nodes gets its thumbnail")
  void thumbnailAcrossNodes() throws Exception {
    Http http = front.http();
    Http.User alice = http.newUser("Alice");
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(800, 600, BufferedImage.TYPE_INT_RGB), "png", png);
    Http.Response up = http.upload(alice.token(), "remote.png", png.toByteArray(), "image/png");
    assertEquals(201, up.status(), up.text());
    assertNotNull(up.json().getString("thumbId"));
    BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(
        http.download("/files/" + up.json().getString("fileId") + "/thumb", alice.token(), Map.of()).bytes()));
    assertEquals(320, thumb.getWidth());
    assertEquals(240, thumb.getHeight());
  }
}
