package palaver.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Field;
import palaver.runtime.Setting;
import palaver.testing.ServiceUnderTest;

@DisplayName("message-service files on the bus: upload, claim, open and read")
class FileVerticleTest {
  /** Room for two full chunks and a bit, so a third full chunk is over the limit. */
  private static final int MAX_SIZE = 2 * FileStore.CHUNK_SIZE + 1000;
  private static final Neighbours NEIGHBOURS = new Neighbours();
  private static ServiceUnderTest service;

  /** An upload in progress: its id and the address of the instance holding it. */
  private record Upload(String uploadId, String address) {
  }

  @BeforeAll
  static void start() {
    service = Neighbours.start(NEIGHBOURS, new JsonObject().put(Setting.MAX_FILE_SIZE.key(), MAX_SIZE));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  // ---- upload ----

  @Test
  @DisplayName("A file sent in chunks is stored with its name, size, sha256 and the type its bytes show")
  void chunkedUpload() {
    byte[] pdf = pdf(2 * FileStore.CHUNK_SIZE + 100);
    JsonObject meta = upload(Neighbours.fresh("alice"), "report.pdf", pdf);
    assertEquals("report.pdf", meta.getString(Field.NAME));
    assertEquals(pdf.length, meta.getLong(Field.SIZE));
    assertEquals(sha256(pdf), meta.getString(Field.SHA256));
    assertEquals("application/pdf", meta.getString(Field.MIME));
  }

  @Test
  @DisplayName("Each stored chunk is answered with the size stored so far")
  void chunkAnswersSize() {
    Upload u = begin(Neighbours.fresh("alice"), "message");
    assertEquals(FileStore.CHUNK_SIZE, append(u, new byte[FileStore.CHUNK_SIZE]).getLong(Field.SIZE));
    assertEquals(FileStore.CHUNK_SIZE + 10, append(u, new byte[10]).getLong(Field.SIZE));
  }

  @Test
  @DisplayName("A PNG upload gets a thumbnail that opens as an image")
  void pngGetsThumbnail() {
    String alice = Neighbours.fresh("alice");
    JsonObject meta = upload(alice, "dot.png", png());
    assertEquals("image/png", meta.getString(Field.MIME));
    assertNotNull(meta.getString(Field.THUMB_ID));
    JsonObject thumb = open(alice, meta.getString(Field.FILE_ID), true);
    assertEquals("image/png", thumb.getString(Field.MIME));
  }

  @Test
  @DisplayName("A phone photo stored turned a quarter (EXIF orientation 6) gets an upright thumbnail")
  void rotatedJpegThumbnailUpright() {
    String alice = Neighbours.fresh("alice");
    byte[] photo = ExifJpegs.withOrientation(ExifJpegs.jpeg(ExifJpegs.markedCorners(640, 480)), 6, ByteOrder.BIG_ENDIAN);
    JsonObject meta = upload(alice, "photo.jpg", photo);
    assertEquals("image/jpeg", meta.getString(Field.MIME));
    JsonObject thumb = open(alice, meta.getString(Field.FILE_ID), true);
    BufferedImage image = ThumbnailsTest.decode(read(thumb.getString(Field.FILE_ID), 0));
    assertEquals(240, image.getWidth());
    assertEquals(320, image.getHeight());
    ThumbnailsTest.assertCorner(image, "top-right", ExifJpegs.RED);
    ThumbnailsTest.assertCorner(image, "bottom-right", ExifJpegs.BLUE);
  }

  @Test
  @DisplayName("An SVG upload is stored as plain text, never as an image, and gets no thumbnail")
  void svgIsNotAnImage() {
    byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".getBytes(StandardCharsets.UTF_8);
    JsonObject meta = upload(Neighbours.fresh("alice"), "x.svg", svg);
    assertEquals(ContentSniffer.TEXT, meta.getString(Field.MIME));
    assertNull(meta.getString(Field.THUMB_ID));
  }

  @Test
  @DisplayName("A client's file name is kept for display only, without control characters")
  void nameIsCleaned() {
    assertEquals("ab.txt", upload(Neighbours.fresh("alice"), "a\u0000b.txt\n", text("hello")).getString(Field.NAME));
  }

  @Test
  @DisplayName("The same bytes uploaded twice by their owner are stored once")
  void sameBytesStoredOnce() {
    String alice = Neighbours.fresh("alice");
    JsonObject first = upload(alice, "a.txt", text("same bytes"));
    JsonObject again = upload(alice, "b.txt", text("same bytes"));
    assertEquals(first.getString(Field.FILE_ID), again.getString(Field.FILE_ID));
  }

  @Test
  @DisplayName("Finishing an upload without any bytes is refused with 400")
  void emptyUploadRefused() {
    Upload u = begin(Neighbours.fresh("alice"), "message");
    assertEquals(400, service.failureCode(u.address(), step(u, "finish")));
  }

  @Test
  @DisplayName("A chunk after a short chunk is refused with 400: only the last chunk may be short")
  void chunkAfterShortChunkRefused() {
    Upload u = begin(Neighbours.fresh("alice"), "message");
    append(u, new byte[10]);
    assertEquals(400, service.failureCode(u.address(), step(u, "append").put(Field.DATA, new byte[10])));
  }

  @Test
  @DisplayName("A chunk that takes the file over the size limit is refused with 413 and the upload is removed")
  void oversizedUploadRefused() {
    Upload u = begin(Neighbours.fresh("alice"), "message");
    append(u, new byte[FileStore.CHUNK_SIZE]);
    append(u, new byte[FileStore.CHUNK_SIZE]);
    assertEquals(413, service.failureCode(u.address(), step(u, "append").put(Field.DATA, new byte[FileStore.CHUNK_SIZE])));
    assertEquals(404, service.failureCode(u.address(), step(u, "finish")));
  }

  @Test
  @DisplayName("An aborted upload can't be finished: 404")
  void abortedUploadIsGone() {
    Upload u = begin(Neighbours.fresh("alice"), "message");
    append(u, new byte[10]);
    service.request(u.address(), step(u, "abort"));
    assertEquals(404, service.failureCode(u.address(), step(u, "finish")));
  }

  @Test
  @DisplayName("A step of an upload that never began is refused with 404")
  void unknownUploadRefused() {
    Upload u = begin(Neighbours.fresh("alice"), "message");
    assertEquals(404, service.failureCode(u.address(), new JsonObject().put(Field.UPLOAD_ID, "nope").put("op", "finish")));
  }

  // ---- download access ----

  @Test
  @DisplayName("A file's owner may open it and read its chunks")
  void ownerOpensAndReads() {
    String alice = Neighbours.fresh("alice");
    byte[] bytes = pdf(FileStore.CHUNK_SIZE + 5);
    String fileId = upload(alice, "r.pdf", bytes).getString(Field.FILE_ID);
    JsonObject opened = open(alice, fileId, false);
    assertEquals(FileStore.CHUNK_SIZE, opened.getInteger(Field.CHUNK_SIZE));
    byte[] first = read(fileId, 0);
    byte[] second = read(fileId, 1);
    assertArrayEquals(Arrays.copyOfRange(bytes, 0, FileStore.CHUNK_SIZE), first);
    assertArrayEquals(Arrays.copyOfRange(bytes, FileStore.CHUNK_SIZE, bytes.length), second);
  }

  @Test
  @DisplayName("Someone the file was never shared with may not open it: 403")
  void strangerMayNotOpen() {
    String fileId = upload(Neighbours.fresh("alice"), "a.txt", text("private")).getString(Field.FILE_ID);
    assertEquals(403, service.failureCode(Address.FILE_OPEN, openBody(Neighbours.fresh("mallory"), fileId, false)));
  }

  @Test
  @DisplayName("A member of a session where a message carries the file may open it")
  void memberWherePostedMayOpen() {
    String alice = Neighbours.fresh("alice");
    String bob = Neighbours.fresh("bob");
    String sid = Neighbours.fresh("sid");
    NEIGHBOURS.join(alice, sid);
    NEIGHBOURS.join(bob, sid);
    String fileId = upload(alice, "a.txt", text("for the group")).getString(Field.FILE_ID);
    service.request(Address.MESSAGE_SEND, fileMessage(alice, sid, fileId, "file"));
    assertEquals(fileId, open(bob, fileId, false).getString(Field.FILE_ID));
  }

  @Test
  @DisplayName("A member of a session where the file was not posted may not open it: 403")
  void memberElsewhereMayNotOpen() {
    String alice = Neighbours.fresh("alice");
    String bob = Neighbours.fresh("bob");
    String sid = Neighbours.fresh("sid");
    NEIGHBOURS.join(alice, sid);
    NEIGHBOURS.join(bob, sid);
    String fileId = upload(alice, "a.txt", text("not posted")).getString(Field.FILE_ID);
    assertEquals(403, service.failureCode(Address.FILE_OPEN, openBody(bob, fileId, false)));
  }

  @Test
  @DisplayName("An avatar upload may be opened by every signed-in user")
  void avatarIsShared() {
    Upload u = begin(Neighbours.fresh("alice"), "avatar");
    append(u, png());
    String fileId = service.request(u.address(), step(u, "finish")).getString(Field.FILE_ID);
    assertEquals(fileId, open(Neighbours.fresh("anyone"), fileId, false).getString(Field.FILE_ID));
  }

  @Test
  @DisplayName("Opening a file that does not exist is refused with 404")
  void missingFile() {
    assertEquals(404, service.failureCode(Address.FILE_OPEN, openBody(Neighbours.fresh("alice"), "nope", false)));
  }

  // ---- claims by messages ----

  @Test
  @DisplayName("A file message carries the file's id, name, type and size")
  void fileMessageCarriesFile() {
    String alice = Neighbours.fresh("alice");
    String sid = Neighbours.fresh("sid");
    NEIGHBOURS.join(alice, sid);
    JsonObject meta = upload(alice, "notes.txt", text("some notes"));
    service.request(Address.MESSAGE_SEND, fileMessage(alice, sid, meta.getString(Field.FILE_ID), "file"));
    JsonObject file = service.request(Address.MESSAGE_HISTORY, new JsonObject().put(Field.UID, alice).put(Field.SID, sid))
        .getJsonArray(Field.MESSAGES).getJsonObject(0).getJsonObject(Field.FILE);
    assertEquals(meta.getString(Field.FILE_ID), file.getString(Field.FILE_ID));
    assertEquals("notes.txt", file.getString(Field.NAME));
    assertEquals(ContentSniffer.TEXT, file.getString(Field.MIME));
    assertEquals(meta.getLong(Field.SIZE), file.getLong(Field.SIZE));
    assertFalse(file.containsKey(Field.SHA256));
  }

  @Test
  @DisplayName("Only a file's owner may post it: someone else's file in a message is refused with 403")
  void othersFileRefused() {
    String alice = Neighbours.fresh("alice");
    String bob = Neighbours.fresh("bob");
    String sid = Neighbours.fresh("sid");
    NEIGHBOURS.join(bob, sid);
    String fileId = upload(alice, "a.txt", text("alice's")).getString(Field.FILE_ID);
    assertEquals(403, service.failureCode(Address.MESSAGE_SEND, fileMessage(bob, sid, fileId, "file")));
  }

  @Test
  @DisplayName("An image message with a file that is not an image is refused with 400")
  void imageMessageNeedsImage() {
    String alice = Neighbours.fresh("alice");
    String sid = Neighbours.fresh("sid");
    NEIGHBOURS.join(alice, sid);
    String fileId = upload(alice, "r.pdf", pdf(100)).getString(Field.FILE_ID);
    assertEquals(400, service.failureCode(Address.MESSAGE_SEND, fileMessage(alice, sid, fileId, "image")));
  }

  // ---- helpers ----

  private static Upload begin(String uid, String purpose) {
    JsonObject started = service.request(Address.FILE_BEGIN, new JsonObject().put(Field.UID, uid).put(Field.NAME, "f")
        .put(FileVerticle.PURPOSE, purpose));
    return new Upload(started.getString(Field.UPLOAD_ID), started.getString("address"));
  }

  private static JsonObject step(Upload u, String op) {
    return new JsonObject().put(Field.UPLOAD_ID, u.uploadId()).put("op", op);
  }

  private static JsonObject append(Upload u, byte[] data) {
    return service.request(u.address(), step(u, "append").put(Field.DATA, data));
  }

  /** Begins, sends {@code bytes} in full chunks (the last one short) and finishes; the file's meta. */
  private static JsonObject upload(String uid, String name, byte[] bytes) {
    JsonObject started = service.request(Address.FILE_BEGIN, new JsonObject().put(Field.UID, uid).put(Field.NAME, name));
    Upload u = new Upload(started.getString(Field.UPLOAD_ID), started.getString("address"));
    for (int at = 0; at < bytes.length; at += FileStore.CHUNK_SIZE) {
      append(u, Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + FileStore.CHUNK_SIZE)));
    }
    return service.request(u.address(), step(u, "finish"));
  }

  private static JsonObject openBody(String uid, String fileId, boolean thumb) {
    return new JsonObject().put(Field.UID, uid).put(Field.FILE_ID, fileId).put("thumb", thumb);
  }

  private static JsonObject open(String uid, String fileId, boolean thumb) {
    return service.request(Address.FILE_OPEN, openBody(uid, fileId, thumb));
  }

  private static byte[] read(String fileId, int n) {
    return service.request(Address.FILE_READ, new JsonObject().put(Field.FILE_ID, fileId).put(Field.N, n))
        .getBinary(Field.DATA);
  }

  private static JsonObject fileMessage(String uid, String sid, String fileId, String msgType) {
    return new JsonObject().put(Field.UID, uid).put(Field.SID, sid).put(Field.CID, Neighbours.fresh("cid"))
        .put(Field.MSG_TYPE, msgType).put(Field.FILE_ID, fileId);
  }

  /** {@code size} bytes starting with a PDF header, the rest varied so no two sizes give the same file. */
  private static byte[] pdf(int size) {
    byte[] bytes = new byte[size];
    byte[] header = "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + size);
    }
    System.arraycopy(header, 0, bytes, 0, header.length);
    return bytes;
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] png() {
    BufferedImage image = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
    image.setRGB(3, 3, 0xFF0000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
