package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.system.Http.User;

@DisplayName("Video messages over real sockets: upload, poster, send, delivery, resume")
class VideoMessagesTest {
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() {
    server = TestServer.owning(TestServer.newStore(2), new JsonObject());
    http = server.http();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("a video with a poster reaches the other member inline, and again through sync and history after a reconnect")
  void videoWithPosterDeliveredAndResumed() throws Exception {
    User alice = http.newUser("Alice");
    User bob = http.newUser("Bob");
    String sid = http.newGroup(alice, "clips", bob);
    Http.Response video = http.upload(alice.token(), "clip.mp4", mp4(6_400), "application/octet-stream");
    assertEquals(201, video.status(), video.text());
    assertEquals("video/mp4", video.json().getString("mime"));
    assertEquals(6_400, video.json().getLong("durationMs"));
    String videoId = video.json().getString("fileId");
    Http.Response poster = http.uploadPoster(alice.token(), videoId, png(), "image/png");
    assertEquals(201, poster.status(), poster.text());
    String posterId = poster.json().getString("fileId");

    long lastSeen;
    try (WsClient bobWs = server.ws(bob); WsClient aliceWs = server.ws(alice)) {
      lastSeen = http.history(bob, sid).stream().mapToLong(m -> m.getLong("seq")).max().orElse(0);
      JsonObject ack = aliceWs.request(new JsonObject().put("type", "send").put("sid", sid).put("cid", "v1")
          .put("msgType", "video").put("fileId", videoId));
      assertEquals("ack", ack.getString("type"), ack.encode());
      JsonObject live = bobWs.nextMessage(sid);
      assertVideo(live, videoId, posterId);
    }

    Http.Download file = http.download("/files/" + videoId, bob.token(), Map.of("Range", "bytes=0-99"));
    assertEquals(206, file.status());
    assertEquals("video/mp4", file.headers().get("Content-Type"));
    assertTrue(file.headers().get("Content-Disposition").startsWith("inline"), file.headers().get("Content-Disposition"));
    Http.Download frame = http.download("/files/" + videoId + "/poster", bob.token(), Map.of());
    assertEquals(200, frame.status());
    assertEquals("image/png", frame.headers().get("Content-Type"));
    assertEquals(200, http.download("/files/" + videoId + "/thumb", bob.token(), Map.of()).status());

    try (WsClient again = server.ws(bob)) {
      JsonObject synced = again.sync(sid, lastSeen);
      assertEquals("synced", synced.getString("type"), synced.encode());
      List<JsonObject> missed = again.received(m -> "message".equals(m.getString("type")) && sid.equals(m.getString("sid")));
      assertEquals(1, missed.size(), missed.toString());
      assertVideo(missed.get(0), videoId, posterId);
      JsonObject history = again.history(sid, new JsonObject().put("limit", 1));
      assertVideo(history.getJsonArray("messages").getJsonObject(0), videoId, posterId);
    }
  }

  @Test
  @DisplayName("a video message with a file that is no video, or with another user's private video, is refused and nothing is stored")
  void badVideoMessagesRefused() throws Exception {
    User alice = http.newUser("Alice");
    User mallory = http.newUser("Mallory");
    String sid = http.newGroup(mallory, "mine");
    String picture = http.upload(mallory.token(), "p.png", png(), "image/png").json().getString("fileId");
    String private_ = http.upload(alice.token(), "secret.mp4", mp4(1_000), "video/mp4").json().getString("fileId");
    int before = http.history(mallory, sid).size();
    try (WsClient ws = server.ws(mallory)) {
      JsonObject notVideo = ws.request(new JsonObject().put("type", "send").put("sid", sid).put("cid", "b1")
          .put("msgType", "video").put("fileId", picture));
      assertEquals("invalid", notVideo.getString("code"), notVideo.encode());
      JsonObject stolen = ws.request(new JsonObject().put("type", "send").put("sid", sid).put("cid", "b2")
          .put("msgType", "video").put("fileId", private_));
      assertEquals("forbidden", stolen.getString("code"), stolen.encode());
    }
    assertEquals(before, http.history(mallory, sid).size(), "nothing stored");
    assertEquals(403, http.download("/files/" + private_, mallory.token(), Map.of()).status());
  }

  @Test
  @DisplayName("a poster is refused for someone else's video (403), an unknown file (404) and when it is not an image (400)")
  void posterRefusals() throws Exception {
    User alice = http.newUser("Alice");
    User mallory = http.newUser("Mallory");
    String videoId = http.upload(alice.token(), "clip.mp4", mp4(2_000), "video/mp4").json().getString("fileId");
    Http.Response others = http.uploadPoster(mallory.token(), videoId, png(), "image/png");
    assertEquals(403, others.status(), others.text());
    assertEquals("forbidden", others.errorCode());
    Http.Response unknown = http.uploadPoster(alice.token(), "no-such-file", png(), "image/png");
    assertEquals(404, unknown.status(), unknown.text());
    Http.Response notImage = http.uploadPoster(alice.token(), videoId, "<svg/>".getBytes(StandardCharsets.UTF_8), "image/svg+xml");
    assertEquals(400, notImage.status(), notImage.text());
    assertEquals("invalid", notImage.errorCode());
    assertEquals(404, http.download("/files/" + videoId + "/poster", alice.token(), Map.of()).status(), "no poster linked");
  }

  private static void assertVideo(JsonObject message, String videoId, String posterId) {
    assertEquals("video", message.getString("msgType"), message.encode());
    JsonObject file = message.getJsonObject("file");
    assertNotNull(file, message.encode());
    assertEquals(videoId, file.getString("fileId"));
    assertEquals("video/mp4", file.getString("mime"));
    assertEquals(posterId, file.getString("posterId"));
    assertEquals(6_400, file.getLong("durationMs"));
  }

  /** A fast-start MP4 (ftyp, moov with a version 0 mvhd at timescale 1000, mdat): enough for the server's parser. */
  static byte[] mp4(long durationMs) {
    byte[] ftyp = box("ftyp", "isom\0\0\0\0isomiso2mp41".getBytes(StandardCharsets.ISO_8859_1));
    byte[] mvhd = box("mvhd", ByteBuffer.allocate(100).putInt(0).putInt(0).putInt(0).putInt(1000).putInt((int) durationMs)
        .array());
    byte[] moov = box("moov", mvhd);
    byte[] mdat = box("mdat", new byte[2048 + (int) (durationMs % 1000)]);
    return ByteBuffer.allocate(ftyp.length + moov.length + mdat.length).put(ftyp).put(moov).put(mdat).array();
  }

  private static byte[] box(String type, byte[] content) {
    return ByteBuffer.allocate(8 + content.length).putInt(8 + content.length)
        .put(type.getBytes(StandardCharsets.ISO_8859_1)).put(content).array();
  }

  private static byte[] png() throws Exception {
    BufferedImage image = new BufferedImage(64, 36, BufferedImage.TYPE_INT_RGB);
    image.setRGB(10, 10, 0x3366FF);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
