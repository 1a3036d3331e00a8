package palaver.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.multipart.MultipartForm;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.Store;
import palaver.testing.Await;

@DisplayName("Files, images and voice messages over HTTP")
class FilesTest {
  private static final int CHUNK = 255 * 1024;
  private static final long MAX = 25L * 1024 * 1024;

  private static TestServer server;
  private static Http http;
  private static MongoClient store;

  // The embedded store runs in this JVM; a small page cache keeps its copy of
  // upload chunks from hiding whether the upload path itself streams.
  @BeforeAll
  static void start() {
    server = TestServer.owning(TestServer.newStore(2), new JsonObject());
    http = server.http();
    store = Store.client(server.node().vertx(), server.node().config());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // ---- uploads and round trips

  @Test
  @DisplayName("an uploaded file comes back byte for byte, with its size, sha256 and the headers of a download")
  void roundTrip() throws Exception {
    Http.User alice = http.newUser("Alice");
    byte[] bytes = randomBytes(2 * CHUNK + 1234, 1);
    Http.Response up = http.upload(alice.token(), "data.bin", bytes, "application/octet-stream");
    assertEquals(201, up.status(), up.text());
    assertEquals("data.bin", up.json().getString("name"));
    assertEquals("application/octet-stream", up.json().getString("mime"));
    assertEquals(bytes.length, up.json().getLong("size"));
    assertEquals(sha256(bytes), up.json().getString("sha256"));

    Http.Download down = http.download("/files/" + up.json().getString("fileId"), alice.token(), Map.of());
    assertEquals(200, down.status());
    assertArrayEquals(bytes, down.bytes());
    assertEquals("nosniff", down.headers().get("X-Content-Type-Options"));
    assertEquals("\"" + sha256(bytes) + "\"", down.headers().get("ETag"));
    assertTrue(down.headers().get("Content-Disposition").startsWith("attachment"), down.headers().get("Content-Disposition"));
  }

  @Test
  @DisplayName("the type comes from the bytes, not from the name or the declared type; HTML is never served as HTML")
  void typeFromContent() throws Exception {
    Http.User alice = http.newUser("Alice");
    Http.Response png = http.upload(alice.token(), "notes.txt", png(20, 10), "text/html");
    assertEquals("image/png", png.json().getString("mime"));
    byte[] page = "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8);
    Http.Response html = http.upload(alice.token(), "page.html", page, "text/html");
    assertEquals(201, html.status(), html.text());
    assertEquals("text/plain; charset=utf-8", html.json().getString("mime"));
    Http.Download down = http.download("/files/" + html.json().getString("fileId"), alice.token(), Map.of());
    assertEquals("text/plain; charset=utf-8", down.headers().get("Content-Type"));
    assertTrue(down.headers().get("Content-Disposition").startsWith("attachment"));
    byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".getBytes(StandardCharsets.UTF_8);
    Http.Response s = http.upload(alice.token(), "logo.svg", svg, "image/svg+xml");
    assertEquals("text/plain; charset=utf-8", s.json().getString("mime"));
  }

  @Test
  @DisplayName("recognises jpeg, gif, mp3, ogg, wav, webm, m4a, pdf and zip by their magic bytes")
  void magicBytes() throws Exception {
    Http.User alice = http.newUser("Alice");
    assertEquals("image/jpeg", mimeOf(alice, jpeg(30, 20)));
    assertEquals("image/gif", mimeOf(alice, image(30, 20, "gif")));
    assertEquals("audio/mpeg", mimeOf(alice, concat(ascii("ID3"), new byte[64])));
    assertEquals("audio/ogg", mimeOf(alice, ogg(3000)));
    assertEquals("audio/wav", mimeOf(alice, wav(8000, 4000)));
    assertEquals("audio/webm", mimeOf(alice, concat(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, 0x42, (byte) 0x82},
        ascii("webm"), new byte[32])));
    assertEquals("audio/mp4", mimeOf(alice, concat(new byte[] {0, 0, 0, 0x20}, ascii("ftypM4A "), new byte[32])));
    assertEquals("application/pdf", mimeOf(alice, ascii("%PDF-1.7\n%\u00e2\n")));
    assertEquals("application/zip", mimeOf(alice, concat(new byte[] {'P', 'K', 3, 4}, new byte[40])));
    assertEquals("application/octet-stream", mimeOf(alice, concat(new byte[] {0, 1, 2, 3}, new byte[40])));
  }

  @Test
  @DisplayName("the same bytes uploaded twice by one user are stored once; another user's upload is their own file")
  void dedupe() throws Exception {
    Http.User alice = http.newUser("Alice");
    Http.User bob = http.newUser("Bob");
    byte[] bytes = randomBytes(5000, 2);
    long before = count("files.chunks");
    String first = http.upload(alice.token(), "a.bin", bytes, "application/octet-stream").json().getString("fileId");
    String again = http.upload(alice.token(), "b.bin", bytes, "application/octet-stream").json().getString("fileId");
    assertEquals(first, again);
    assertEquals(before + 1, count("files.chunks"));
    String bobs = http.upload(bob.token(), "a.bin", bytes, "application/octet-stream").json().getString("fileId");
    assertNotEquals(first, bobs);
  }

  @Test
  @DisplayName("a path-like file name is only a display name, and is reduced to a safe name in Content-Disposition")
  void pathLikeName() throws Exception {
    Http.User alice = http.newUser("Alice");
    Http.Response up = http.upload(alice.token(), "../../etc/passwd", randomBytes(100, 3), "application/octet-stream");
    assertEquals(201, up.status(), up.text());
    assertEquals("../../etc/passwd", up.json().getString("name"));
    String disposition = http.download("/files/" + up.json().getString("fileId"), alice.token(), Map.of())
        .headers().get("Content-Disposition");
    assertEquals("attachment; filename=\"passwd\"; filename*=UTF-8''passwd", disposition);
  }

  // ---- images

  @Test
  @DisplayName("a png gets a thumbnail 320 px on its long side, served inline as an image")
  void pngThumbnail() throws Exception {
    Http.User alice = http.newUser("Alice");
    Http.Response up = http.upload(alice.token(), "wide.png", png(1000, 500), "image/png");
    assertEquals(201, up.status(), up.text());
    String thumbId = up.json().getString("thumbId");
    assertNotNull(thumbId);
    Http.Download thumb = http.download("/files/" + up.json().getString("fileId") + "/thumb", alice.token(), Map.of());
    assertEquals(200, thumb.status());
    assertEquals("image/png", thumb.headers().get("Content-Type"));
    assertTrue(thumb.headers().get("Content-Disposition").startsWith("inline"));
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(thumb.bytes()));
    assertEquals(320, image.getWidth());
    assertEquals(160, image.getHeight());
  }

  @Test
  @DisplayName("a tall jpeg gets a jpeg thumbnail 320 px high; a small image is not enlarged")
  void jpegThumbnail() throws Exception {
    Http.User alice = http.newUser("Alice");
    String tall = http.upload(alice.token(), "tall.jpg", jpeg(400, 800), "image/jpeg").json().getString("fileId");
    BufferedImage t = ImageIO.read(new ByteArrayInputStream(
        http.download("/files/" + tall + "/thumb", alice.token(), Map.of()).bytes()));
    assertEquals(160, t.getWidth());
    assertEquals(320, t.getHeight());
    String small = http.upload(alice.token(), "small.gif", image(100, 50, "gif"), "image/gif").json().getString("fileId");
    BufferedImage s = ImageIO.read(new ByteArrayInputStream(
        http.download("/files/" + small + "/thumb", alice.token(), Map.of()).bytes()));
    assertEquals(100, s.getWidth());
    assertEquals(50, s.getHeight());
  }

  @Test
  @DisplayName("a webp image gets a png thumbnail too")
  void webpThumbnail() throws Exception {
    Http.User alice = http.newUser("Alice");
    byte[] webp;
    try (var in = FilesTest.class.getResourceAsStream("/python-16x16.webp")) {
      webp = in.readAllBytes();
    }
    Http.Response up = http.upload(alice.token(), "python.webp", webp, "image/webp");
    assertEquals(201, up.status(), up.text());
    assertEquals("image/webp", up.json().getString("mime"));
    Http.Download thumb = http.download("/files/" + up.json().getString("fileId") + "/thumb", alice.token(), Map.of());
    assertEquals("image/png", thumb.headers().get("Content-Type"));
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(thumb.bytes()));
    assertEquals(16, image.getWidth());
    assertEquals(16, image.getHeight());
  }

  @Test
  @DisplayName("a file without thumbnail answers 404 on /thumb")
  void noThumbnail() throws Exception {
    Http.User alice = http.newUser("Alice");
    String id = http.upload(alice.token(), "x.bin", randomBytes(10, 4), "image/png").json().getString("fileId");
    assertEquals(404, http.download("/files/" + id + "/thumb", alice.token(), Map.of()).status());
  }

  @Test
  @DisplayName("a broken image is refused with 400 and nothing is kept")
  void brokenImage() throws Exception {
    Http.User alice = http.newUser("Alice");
    long before = count("files.chunks");
    byte[] broken = concat(Arrays.copyOf(png(10, 10), 16), randomBytes(3000, 5));
    Http.Response up = http.upload(alice.token(), "broken.png", broken, "image/png");
    assertEquals(400, up.status(), up.text());
    assertEquals("invalid", up.errorCode());
    assertNothingLeft(before);
  }

  @Test
  @DisplayName("a small png claiming 20000 x 20000 pixels (a decompression bomb) is refused with 413 before decoding")
  void decompressionBomb() throws Exception {
    Http.User alice = http.newUser("Alice");
    long before = count("files.chunks");
    Http.Response up = http.upload(alice.token(), "bomb.png", pngHeaderOnly(20_000, 20_000), "image/png");
    assertEquals(413, up.status(), up.text());
    assertEquals("too_large", up.errorCode());
    assertNothingLeft(before);
  }

  // ---- voice

  @Test
  @DisplayName("a wav or ogg/opus voice upload reports its duration")
  void voiceDuration() throws Exception {
    Http.User alice = http.newUser("Alice");
    Http.Response wav = http.upload(alice.token(), "voice.wav", wav(8000, 12_000), "audio/wav");
    assertEquals(1500, wav.json().getLong("durationMs"));
    Http.Response ogg = http.upload(alice.token(), "voice.ogg", ogg(3000), "audio/ogg");
    assertEquals(3000, ogg.json().getLong("durationMs"));
    Http.Download down = http.download("/files/" + ogg.json().getString("fileId"), alice.token(), Map.of());
    assertTrue(down.headers().get("Content-Disposition").startsWith("inline"));
  }

  // ---- refusals of uploads

  @Test
  @DisplayName("an upload without the file field is refused with 400")
  void missingField() {
    Http.User alice = http.newUser("Alice");
    Http.Response r = http.uploadForm(alice.token(), MultipartForm.create().attribute("other", "x")
        .binaryFileUpload("picture", "a.png", Buffer.buffer(new byte[] {1, 2, 3}), "image/png"));
    assertEquals(400, r.status(), r.text());
    assertEquals("invalid", r.errorCode());
  }

  @Test
  @DisplayName("an empty file is refused with 400 and nothing is kept")
  void emptyFile() {
    Http.User alice = http.newUser("Alice");
    long before = count("files.chunks");
    Http.Response r = http.upload(alice.token(), "empty.txt", new byte[0], "text/plain");
    assertEquals(400, r.status(), r.text());
    assertNothingLeft(before);
  }

  @Test
  @DisplayName("a body that is not multipart, or broken multipart, is refused with 400")
  void notMultipart() {
    Http.User alice = http.newUser("Alice");
    Http.Response json = http.post("/files", alice.token(), new JsonObject().put("file", "x"));
    assertEquals(400, json.status(), json.text());
    Http.Response broken = http.send(io.vertx.core.http.HttpMethod.POST, "/files", alice.token(), null);
    assertEquals(400, broken.status(), broken.text());
    long before = count("files.chunks");
    try (RawUpload raw = RawUpload.open(server.node().vertx(), server.httpPort(), alice.token(), "x.bin", 9)) {
      raw.write(1000);
      // Ends without the closing boundary: the part never completes.
      assertEquals(400, raw.finishWith("garbage without a boundary").status());
    }
    assertNothingLeft(before);
  }

  @Test
  @DisplayName("an anonymous upload is refused with 401")
  void anonymousUpload() {
    Http.Response r = http.upload(null, "a.bin", new byte[] {1, 2, 3}, "application/octet-stream");
    assertEquals(401, r.status());
  }

  @Test
  @DisplayName("an upload with a bad token is answered 401 without its body being read")
  void badTokenUpload() {
    try (RawUpload raw = RawUpload.open(server.node().vertx(), server.httpPort(), "not.a.token", "x.bin", 10,
        10L * 1024 * 1024)) {
      assertEquals(401, raw.answer().status());
    }
  }

  @Test
  @DisplayName("an upload declaring a length over the limit is refused with 413 before it is read")
  void declaredTooLarge() {
    Http.User alice = http.newUser("Alice");
    long before = count("files.chunks");
    try (RawUpload raw = RawUpload.open(server.node().vertx(), server.httpPort(), alice.token(), "big.bin", 8,
        MAX + 1024 * 1024)) {
      // Nothing of the body is sent: the answer comes from the declared length alone.
      RawUpload.Answer answer = raw.answer();
      assertEquals(413, answer.status());
      assertEquals("too_large", answer.json().getJsonObject("error").getString("code"));
    }
    assertNothingLeft(before);
  }

  @Test
  @DisplayName("a streamed upload that grows over the limit is cut off with 413 and leaves nothing behind")
  void streamedTooLarge() {
    Http.User alice = http.newUser("Alice");
    long before = count("files.chunks");
    try (RawUpload raw = RawUpload.open(server.node().vertx(), server.httpPort(), alice.token(), "huge.bin", 7)) {
      raw.write(MAX + 2L * 1024 * 1024);
      // Answered without the body ever being finished: the server did not wait for the rest.
      RawUpload.Answer answer = raw.answer();
      assertEquals(413, answer.status());
    }
    assertNothingLeft(before);
  }

  // ---- messages with files

  @Test
  @DisplayName("an image message carries the file's description to every member, and the member can then download it")
  void imageMessage() throws Exception {
    Http.User alice = http.newUser("Alice");
    Http.User bob = http.newUser("Bob");
    String sid = http.newGroup(alice, "pictures");
    http.join(bob, sid);
    JsonObject file = http.upload(alice.token(), "cat.png", png(640, 480), "image/png").json();
    try (WsClient bobWs = server.ws(bob)) {
      Http.Response ack = http.post("/sessions/" + sid + "/messages", alice.token(), new JsonObject()
          .put("cid", "c1").put("msgType", "image").put("fileId", file.getString("fileId")));
      assertEquals(200, ack.status(), ack.text());
      JsonObject message = bobWs.nextMessage(sid);
      JsonObject carried = message.getJsonObject("file");
      assertEquals(file.getString("fileId"), carried.getString("fileId"));
      assertEquals("cat.png", carried.getString("name"));
      assertEquals("image/png", carried.getString("mime"));
      assertEquals(file.getLong("size"), carried.getLong("size"));
      assertEquals(file.getString("thumbId"), carried.getString("thumbId"));
    }
    Http.Download down = http.download("/files/" + file.getString("fileId"), bob.token(), Map.of());
    assertEquals(200, down.status());
    assertEquals(file.getLong("size"), down.bytes().length);
    assertEquals(200, http.download("/files/" + file.getString("fileId") + "/thumb", bob.token(), Map.of()).status());
    var history = http.get("/sessions/" + sid + "/messages", bob.token()).json().getJsonArray("messages");
    assertEquals(file.getString("fileId"), history.getJsonObject(history.size() - 1).getJsonObject("file")
        .getString("fileId"));
  }

  @Test
  @DisplayName("sending someone else's file is refused with 403, a missing fileId with 400, an unknown one with 404")
  void sendOthersFile() throws Exception {
    Http.User alice = http.newUser("Alice");
    Http.User mallory = http.newUser("Mallory");
    String sid = http.newGroup(mallory, "mine");
    String fileId = http.upload(alice.token(), "secret.pdf", ascii("%PDF-1.4 secret"), "application/pdf")
        .json().getString("fileId");
    Http.Response stolen = http.post("/sessions/" + sid + "/messages", mallory.token(), new JsonObject()
        .put("cid", "s1").put("msgType", "file").put("fileId", fileId));
    assertEquals(403, stolen.status(), stolen.text());
    Http.Response missing = http.post("/sessions/" + sid + "/messages", mallory.token(), new JsonObject()
        .put("cid", "s2").put("msgType", "file"));
    assertEquals(400, missing.status(), missing.text());
    Http.Response unknown = http.post("/sessions/" + sid + "/messages", mallory.token(), new JsonObject()
        .put("cid", "s3").put("msgType", "file").put("fileId", "nope"));
    assertEquals(404, unknown.status(), unknown.text());
    assertEquals(403, http.download("/files/" + fileId, mallory.token(), Map.of()).status());
  }

  @Test
  @DisplayName("a file of the wrong kind for the message type is refused with 400 (voice needs audio, image an image)")
  void wrongKind() throws Exception {
    Http.User alice = http.newUser("Alice");
    String sid = http.newGroup(alice, "kinds");
    String pdf = http.upload(alice.token(), "doc.pdf", ascii("%PDF-1.4 doc"), "application/pdf").json().getString("fileId");
    for (String msgType : new String[] {"image", "voice"}) {
      Http.Response r = http.post("/sessions/" + sid + "/messages", alice.token(), new JsonObject()
          .put("cid", "k-" + msgType).put("msgType", msgType).put("fileId", pdf));
      assertEquals(400, r.status(), msgType + ": " + r.text());
    }
    String wav = http.upload(alice.token(), "v.wav", wav(8000, 800), "audio/wav").json().getString("fileId");
    Http.Response voice = http.post("/sessions/" + sid + "/messages", alice.token(), new JsonObject()
        .put("cid", "k-ok").put("msgType", "voice").put("fileId", wav));
    assertEquals(200, voice.status(), voice.text());
  }

  // ---- who may download

  @Test
  @DisplayName("downloads: the owner and members where it was posted may; a stranger gets 403, no token 401, no file 404")
  void downloadAccess() throws Exception {
    Http.User alice = http.newUser("Alice");
    Http.User bob = http.newUser("Bob");
    Http.User eve = http.newUser("Eve");
    String fileId = http.upload(alice.token(), "plan.txt", ascii("the plan"), "text/plain").json().getString("fileId");
    String path = "/files/" + fileId;
    assertEquals(200, http.download(path, alice.token(), Map.of()).status());
    assertEquals(403, http.download(path, bob.token(), Map.of()).status());
    String sid = http.newGroup(alice, "plans");
    http.join(bob, sid);
    assertEquals(403, http.download(path, bob.token(), Map.of()).status(), "a member before it is posted");
    String other = http.newGroup(eve, "elsewhere");
    http.post("/sessions/" + sid + "/messages", alice.token(), new JsonObject().put("cid", "p1").put("msgType", "file")
        .put("fileId", fileId));
    assertEquals(200, http.download(path, bob.token(), Map.of()).status());
    assertEquals(403, http.download(path, eve.token(), Map.of()).status(), "member of another session: " + other);
    assertEquals(401, http.download(path, null, Map.of()).status());
    assertEquals(401, http.download(path, "not.a.token", Map.of()).status());
    assertEquals(404, http.download("/files/unknown", alice.token(), Map.of()).status());
  }

  @Test
  @DisplayName("an avatar (?purpose=avatar) may be seen by every signed-in user, but not anonymously")
  void avatar() throws Exception {
    Http.User alice = http.newUser("Alice");
    Http.User eve = http.newUser("Eve");
    Http.Response up = http.uploadFor("avatar", alice.token(), "me.png", png(64, 64), "image/png");
    assertEquals(201, up.status(), up.text());
    String path = "/files/" + up.json().getString("fileId");
    assertEquals(200, http.download(path, eve.token(), Map.of()).status());
    assertEquals(200, http.download(path + "/thumb", eve.token(), Map.of()).status());
    assertEquals(401, http.download(path, null, Map.of()).status());
    assertEquals(400, http.uploadFor("everything", alice.token(), "x.png", png(8, 8), "image/png").status());
  }

  // ---- ranges and caching

  @Test
  @DisplayName("a byte range is answered with 206 and exactly those bytes, also across chunk boundaries")
  void ranges() throws Exception {
    Http.User alice = http.newUser("Alice");
    byte[] bytes = randomBytes(3 * CHUNK, 6);
    String path = "/files/" + http.upload(alice.token(), "r.bin", bytes, "application/octet-stream").json()
        .getString("fileId");
    Http.Download middle = http.download(path, alice.token(), Map.of("Range", "bytes=100-199"));
    assertEquals(206, middle.status());
    assertEquals("bytes 100-199/" + bytes.length, middle.headers().get("Content-Range"));
    assertArrayEquals(Arrays.copyOfRange(bytes, 100, 200), middle.bytes());
    Http.Download across = http.download(path, alice.token(), Map.of("Range", "bytes=" + (CHUNK - 10) + "-" + (2 * CHUNK + 9)));
    assertArrayEquals(Arrays.copyOfRange(bytes, CHUNK - 10, 2 * CHUNK + 10), across.bytes());
    Http.Download suffix = http.download(path, alice.token(), Map.of("Range", "bytes=-50"));
    assertArrayEquals(Arrays.copyOfRange(bytes, bytes.length - 50, bytes.length), suffix.bytes());
    Http.Download open = http.download(path, alice.token(), Map.of("Range", "bytes=" + (bytes.length - 5) + "-"));
    assertArrayEquals(Arrays.copyOfRange(bytes, bytes.length - 5, bytes.length), open.bytes());
  }

  @Test
  @DisplayName("a range past the end is answered with 416 and the size")
  void unsatisfiableRange() throws Exception {
    Http.User alice = http.newUser("Alice");
    String path = "/files/" + http.upload(alice.token(), "r.bin", randomBytes(1000, 7), "application/octet-stream")
        .json().getString("fileId");
    Http.Download r = http.download(path, alice.token(), Map.of("Range", "bytes=1000-2000"));
    assertEquals(416, r.status());
    assertEquals("bytes */1000", r.headers().get("Content-Range"));
  }

  @Test
  @DisplayName("If-None-Match with the ETag answers 304 without a body")
  void notModified() throws Exception {
    Http.User alice = http.newUser("Alice");
    byte[] bytes = randomBytes(1000, 8);
    String path = "/files/" + http.upload(alice.token(), "e.bin", bytes, "application/octet-stream").json()
        .getString("fileId");
    Http.Download r = http.download(path, alice.token(), Map.of("If-None-Match", "\"" + sha256(bytes) + "\""));
    assertEquals(304, r.status());
    assertEquals(0, r.bytes().length);
  }

  // ---- the browser cookie

  @Test
  @DisplayName("POST /files/cookie sets an HttpOnly SameSite=Strict cookie that lets GETs through until logout")
  void downloadCookie() throws Exception {
    Http.User alice = http.newUser("Alice");
    String fileId = http.upload(alice.token(), "c.png", png(10, 10), "image/png").json().getString("fileId");
    Http.Response set = http.post("/files/cookie", alice.token(), null);
    assertEquals(204, set.status(), set.text());
    String header = set.headers().get("Set-Cookie");
    assertTrue(header.startsWith("palaver_files=" + alice.token() + ";"), header);
    assertTrue(header.toLowerCase().contains("; httponly"), header);
    assertTrue(header.contains("SameSite=Strict"), header);
    assertTrue(header.contains("Path=/api/v1/files"), header);
    long maxAge = Long.parseLong(header.replaceAll(".*Max-Age=(\\d+).*", "$1"));
    assertTrue(maxAge > 3600, header);

    String cookie = "palaver_files=" + alice.token();
    assertEquals(200, http.download("/files/" + fileId, null, Map.of("Cookie", cookie)).status());
    assertEquals(200, http.download("/files/" + fileId + "/thumb", null, Map.of("Cookie", cookie)).status());
    Http.Response upload = http.uploadForm(null, MultipartForm.create()
        .binaryFileUpload("file", "x.bin", Buffer.buffer(new byte[] {1}), "application/octet-stream"));
    assertEquals(401, upload.status(), "the cookie never authorizes an upload");
    assertEquals(401, http.post("/files/cookie", null, null).status());

    http.post("/auth/logout", alice.token(), null);
    assertEquals(401, http.download("/files/" + fileId, null, Map.of("Cookie", cookie)).status());
  }

  // ---- large files

  @Test
  @DisplayName("a 24 MiB upload is stored chunk by chunk while it arrives, without the heap growing by its size")
  void largeFileStreamed() throws Exception {
    Http.User alice = http.newUser("Alice");
    long size = 24L * 1024 * 1024;
    long firstPart = 16L * 1024 * 1024;
    // A first large upload warms the store's page cache and the JIT, so what is measured next is the upload.
    try (RawUpload warmUp = RawUpload.open(server.node().vertx(), server.httpPort(), alice.token(), "warm.bin", 41)) {
      assertTrue(warmUp.write(size));
      assertEquals(201, warmUp.finish().status());
    }
    long chunksBefore = count("files.chunks");
    long heapBefore = settledHeap();
    String fileId;
    String sha;
    try (RawUpload raw = RawUpload.open(server.node().vertx(), server.httpPort(), alice.token(), "big.bin", 42)) {
      assertTrue(raw.write(firstPart));
      // Before the body is complete, most of it is already in the store: nothing waits for the whole file.
      long expected = chunksBefore + (firstPart - 2 * 1024 * 1024) / CHUNK;
      Await.until("chunks stored while uploading", 20_000, () -> count("files.chunks") >= expected);
      // The in-process store (2 MiB page cache here) keeps recently written pages on the heap for a moment; what must not stay is the
      // upload itself. Had the server buffered the body, 16 MiB would stay reachable until the request ends.
      long[] grown = {0};
      Await.until("the heap to hold much less than the 16 MiB in flight", 15_000, () -> {
        grown[0] = usedHeapAfterGc() - heapBefore;
        return grown[0] < firstPart / 2;
      });
      assertTrue(raw.write(size - firstPart));
      RawUpload.Answer answer = raw.finish();
      assertEquals(201, answer.status(), String.valueOf(answer.json()));
      sha = raw.sha256Hex();
      assertEquals(sha, answer.json().getString("sha256"));
      assertEquals(size, answer.json().getLong("size"));
      fileId = answer.json().getString("fileId");
    }
    Http.Download down = http.download("/files/" + fileId, alice.token(), Map.of());
    assertEquals(size, down.bytes().length);
    assertEquals(sha, sha256(down.bytes()));
  }

  // ---- helpers

  private String mimeOf(Http.User user, byte[] bytes) {
    Http.Response r = http.upload(user.token(), "f", bytes, "application/octet-stream");
    assertEquals(201, r.status(), r.text());
    return r.json().getString("mime");
  }

  /** Every chunk stored since {@code chunksBefore} was removed, and no upload is still marked in progress. */
  private void assertNothingLeft(long chunksBefore) {
    assertEquals(chunksBefore, count("files.chunks"), "chunks left behind");
    assertEquals(0, count("files.uploads"), "upload markers left behind");
  }

  private static long count(String collection) {
    return Await.result(store.count(collection, new JsonObject()));
  }

  /** Used heap once the in-process store has written its pending pages (it commits about every second). */
  private static long settledHeap() throws InterruptedException {
    Thread.sleep(1500);
    return usedHeapAfterGc();
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] png(int w, int h) throws Exception {
    return image(w, h, "png");
  }

  private static byte[] jpeg(int w, int h) throws Exception {
    return image(w, h, "jpeg");
  }

  private static byte[] image(int w, int h, String format) throws Exception {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.BLUE);
    g.fillOval(w / 4, h / 4, w / 2, h / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(image, format, out));
    return out.toByteArray();
  }

  /** A png signature and a valid IHDR claiming {@code w x h}, then a bogus IDAT: tiny, but a huge picture. */
  private static byte[] pngHeaderOnly(int w, int h) {
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
        .put((byte) 0).put((byte) 0);
    return concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, chunk("IHDR", ihdr.array()),
        chunk("IDAT", new byte[64]), chunk("IEND", new byte[0]));
  }

  private static byte[] chunk(String type, byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(ascii(type));
    crc.update(data);
    return concat(ByteBuffer.allocate(4).putInt(data.length).array(), ascii(type), data,
        ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** A mono 8-bit wav at {@code rate} Hz with {@code samples} samples of silence. */
  private static byte[] wav(int rate, int samples) {
    ByteBuffer b = ByteBuffer.allocate(44 + samples).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("RIFF")).putInt(36 + samples).put(ascii("WAVE"))
        .put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate)
        .putShort((short) 1).putShort((short) 8)
        .put(ascii("data")).putInt(samples);
    return b.array();
  }

  /** Two Ogg pages: an OpusHead (pre-skip 312) and a last page whose granule position ends at {@code ms}. */
  private static byte[] ogg(long ms) {
    ByteBuffer head = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
    head.put(ascii("OpusHead")).put((byte) 1).put((byte) 1).putShort((short) 312).putInt(48_000).putShort((short) 0)
        .put((byte) 0);
    return concat(oggPage(0, head.array()), oggPage(312 + ms * 48, new byte[10]));
  }

  private static byte[] oggPage(long granule, byte[] payload) {
    ByteBuffer page = ByteBuffer.allocate(27 + 1 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
    page.put(ascii("OggS")).put((byte) 0).put((byte) 0).putLong(granule).putInt(1).putInt(0).putInt(0)
        .put((byte) 1).put((byte) payload.length).put(payload);
    return page.array();
  }
}
