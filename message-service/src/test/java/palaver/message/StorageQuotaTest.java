package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Field;
import palaver.runtime.Setting;
import palaver.testing.ServiceUnderTest;

/** The per-user storage quota (issue 20 item 10), here 1 MiB. */
@DisplayName("FileVerticle: per-user storage quota")
class StorageQuotaTest {
  private static final int FILE = 400 * 1024;
  private static final Neighbours NEIGHBOURS = new Neighbours();
  private static ServiceUnderTest service;
  private static final Random RANDOM = new Random(7);

  @BeforeAll
  static void start() {
    service = Neighbours.start(NEIGHBOURS, new JsonObject().put(Setting.STORAGE_QUOTA_MB.key(), 1));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  @DisplayName("The upload that would pass the quota is refused 413 when finished; the files before it are kept")
  void uploadPastQuotaRefused() {
    String uid = Neighbours.fresh("hoarder");
    assertNotNull(finish(uid, FILE).getString(Field.FILE_ID));
    assertNotNull(finish(uid, FILE).getString(Field.FILE_ID));
    Upload third = sent(uid, FILE);
    assertEquals(413, service.failureCode(third.address(), third.finishStep()));
  }

  @Test
  @DisplayName("With the quota used up, a new upload is refused 413 at its start")
  void fullQuotaRefusedAtBegin() {
    String uid = Neighbours.fresh("full");
    finish(uid, FILE);
    finish(uid, FILE);
    finish(uid, 1024 * 1024 - 2 * FILE);
    assertEquals(413, service.failureCode(Address.FILE_BEGIN, new JsonObject().put(Field.UID, uid).put(Field.NAME, "f")));
  }

  @Test
  @DisplayName("One user's quota leaves another user's uploads alone")
  void otherUserUnaffected() {
    String uid = Neighbours.fresh("hoarder");
    finish(uid, FILE);
    finish(uid, FILE);
    assertNotNull(finish(Neighbours.fresh("other"), FILE).getString(Field.FILE_ID));
  }

  @Test
  @DisplayName("A video's poster counts against its uploader's quota like any upload")
  void posterCounts() throws Exception {
    String uid = Neighbours.fresh("poster");
    Upload video = sent(uid, VideoBytes.mp4(VideoBytes.mvhd0(1000, 900), 50));
    String videoId = service.request(video.address(), video.finishStep()).getString(Field.FILE_ID);
    JsonObject started = service.request(Address.FILE_BEGIN, new JsonObject().put(Field.UID, uid).put(Field.NAME, "p.png")
        .put(Field.POSTER, videoId));
    Upload poster = new Upload(started.getString(Field.UPLOAD_ID), started.getString("address"));
    send(poster, noisePng(500, 500));
    assertNotNull(service.request(poster.address(), poster.finishStep()).getString(Field.POSTER));
    Upload more = sent(uid, FILE);
    assertEquals(413, service.failureCode(more.address(), more.finishStep()));
  }

  /** A PNG of random pixels: it hardly compresses, so its size is about 3 bytes a pixel. */
  private static byte[] noisePng(int w, int h) throws java.io.IOException {
    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, RANDOM.nextInt(0x1000000));
      }
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  /** An upload in progress: its id and the address of the instance holding it. */
  private record Upload(String uploadId, String address) {
    JsonObject finishStep() {
      return step(uploadId, "finish");
    }
  }

  private static JsonObject finish(String uid, int size) {
    Upload u = sent(uid, size);
    return service.request(u.address(), u.finishStep());
  }

  /** Begins an upload of {@code size} random bytes and sends them all, unfinished. */
  private static Upload sent(String uid, int size) {
    byte[] bytes = new byte[size];
    RANDOM.nextBytes(bytes);
    return sent(uid, bytes);
  }

  /** Begins an upload of {@code bytes} and sends them all, unfinished. */
  private static Upload sent(String uid, byte[] bytes) {
    JsonObject started = service.request(Address.FILE_BEGIN, new JsonObject().put(Field.UID, uid).put(Field.NAME, "f"));
    Upload u = new Upload(started.getString(Field.UPLOAD_ID), started.getString("address"));
    send(u, bytes);
    return u;
  }

  private static void send(Upload u, byte[] bytes) {
    for (int at = 0; at < bytes.length; at += FileStore.CHUNK_SIZE) {
      byte[] chunk = Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + FileStore.CHUNK_SIZE));
      service.request(u.address(), step(u.uploadId(), "append").put(Field.DATA, chunk));
    }
  }

  private static JsonObject step(String uploadId, String op) {
    return new JsonObject().put(Field.UPLOAD_ID, uploadId).put("op", op);
  }
}
