package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.UpdateOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Field;
import palaver.runtime.Setting;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;

@DisplayName("Retention: messages past the deployment's or the group's retention are removed, what remains is gap-free")
class RetentionTest {
  private static final int DEPLOYMENT_DAYS = 30;
  private static final Neighbours NEIGHBOURS = new Neighbours();
  private static ServiceUnderTest service;

  private record Member(String uid, String sid) {
  }

  @BeforeAll
  static void start() {
    service = Neighbours.start(NEIGHBOURS, new JsonObject().put(Setting.RETENTION_DAYS.key(), DEPLOYMENT_DAYS)
        .put(Setting.RETENTION_SWEEP_SECONDS.key(), 1));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  @DisplayName("Messages older than the deployment's retention are removed; the newer ones stay")
  void oldMessagesAreRemoved() {
    Member m = withMessages(10);
    age(m.sid(), 6, DEPLOYMENT_DAYS + 1);
    awaitStored(m.sid(), 4);
    assertEquals(List.of(7L, 8L, 9L, 10L), storedSeqs(m.sid()));
  }

  @Test
  @DisplayName("History after retention says firstSeq, the oldest seq kept, and pages without a gap")
  void historyTellsFirstSeq() {
    Member m = withMessages(10);
    age(m.sid(), 6, DEPLOYMENT_DAYS + 1);
    awaitStored(m.sid(), 4);
    JsonObject page = history(m, new JsonObject());
    assertEquals(7L, page.getLong(Field.FIRST_SEQ));
    assertEquals(List.of(7L, 8L, 9L, 10L), seqs(page.getJsonArray(Field.MESSAGES)));
    assertFalse(page.getBoolean(Field.MORE));
  }

  @Test
  @DisplayName("History of a session retention never touched says firstSeq 1")
  void historyWithoutRetentionSaysOne() {
    Member m = withMessages(2);
    assertEquals(1L, history(m, new JsonObject()).getLong(Field.FIRST_SEQ));
  }

  @Test
  @DisplayName("A sync from before firstSeq gets what remains, in order, and firstSeqs naming where it starts")
  void syncFromBeforeFirstSeq() {
    Member m = withMessages(10);
    age(m.sid(), 6, DEPLOYMENT_DAYS + 1);
    awaitStored(m.sid(), 4);
    JsonObject synced = sync(m.uid(), new JsonObject().put(m.sid(), 2));
    assertEquals(List.of(7L, 8L, 9L, 10L), seqs(synced.getJsonObject(Field.SESSIONS).getJsonArray(m.sid())));
    assertEquals(7L, synced.getJsonObject(Field.FIRST_SEQS).getLong(m.sid()));
  }

  @Test
  @DisplayName("A sync from a kept position gets the rest and no firstSeqs entry")
  void syncFromKeptPosition() {
    Member m = withMessages(10);
    age(m.sid(), 6, DEPLOYMENT_DAYS + 1);
    awaitStored(m.sid(), 4);
    JsonObject synced = sync(m.uid(), new JsonObject().put(m.sid(), 8));
    assertEquals(List.of(9L, 10L), seqs(synced.getJsonObject(Field.SESSIONS).getJsonArray(m.sid())));
    assertNull(synced.getJsonObject(Field.FIRST_SEQS).getValue(m.sid()));
  }

  @Test
  @DisplayName("Mentions in messages removed by retention are removed too and no longer count as unread")
  void mentionsGoWithTheirMessages() {
    Member m = member();
    String ann = Neighbours.fresh("ann");
    NEIGHBOURS.join(ann, m.sid());
    for (int i = 0; i < 4; i++) {
      service.request(Address.MESSAGE_SEND, new JsonObject().put(Field.UID, m.uid()).put(Field.SID, m.sid())
          .put(Field.CID, "m" + i).put(Field.MSG_TYPE, "text").put(Field.CONTENT, "@ann " + i)
          .put(Field.MENTIONS, new JsonArray().add(ann)));
    }
    age(m.sid(), 2, DEPLOYMENT_DAYS + 1);
    awaitStored(m.sid(), 2);
    awaitTrue(() -> Await.result(service.mongo().count(Mentions.MENTIONS, new JsonObject().put(Field.SID, m.sid()))) == 2);
    JsonObject head = service.request(Address.MESSAGE_HEADS, new JsonObject().put(Field.SIDS, new JsonArray().add(m.sid()))
        .put(Field.UID, ann).put(Field.READ_SEQS, new JsonObject().put(m.sid(), 0))).getJsonObject(Field.HEADS)
        .getJsonObject(m.sid());
    assertEquals(2L, head.getLong(Field.MENTIONS));
  }

  @Test
  @DisplayName("Sends after retention go on from the head's seq, never reusing a removed one")
  void seqsGoOnAfterRetention() {
    Member m = withMessages(5);
    age(m.sid(), 5, DEPLOYMENT_DAYS + 1);
    awaitStored(m.sid(), 0);
    assertEquals(6L, send(m, "after", "new").getLong(Field.SEQ));
  }

  @Test
  @DisplayName("A group's shorter retention removes its messages that the deployment's would keep")
  void groupRetentionIsShorter() {
    Member group = withMessages(4);
    Member other = withMessages(4);
    NEIGHBOURS.retentions.put(group.sid(), 10);
    age(group.sid(), 2, 15);
    age(other.sid(), 2, 15);
    awaitStored(group.sid(), 2);
    assertEquals(List.of(3L, 4L), storedSeqs(group.sid()));
    assertEquals(4, storedSeqs(other.sid()).size());
  }

  @Test
  @DisplayName("A group's retention longer than the deployment's is cut to the deployment's")
  void groupRetentionNeverLonger() {
    assertEquals(30, Retention.effectiveDays(30, 90));
    assertEquals(7, Retention.effectiveDays(30, 7));
    assertEquals(30, Retention.effectiveDays(30, 0));
    assertEquals(7, Retention.effectiveDays(0, 7));
    assertEquals(0, Retention.effectiveDays(0, 0));
  }

  @Test
  @DisplayName("The file of a removed message is deleted with it, bytes included")
  void filesOfRemovedMessagesGo() {
    Member m = member();
    String fileId = upload(m.uid(), "old.pdf", pdf(2000)).getString(Field.FILE_ID);
    service.request(Address.MESSAGE_SEND, new JsonObject().put(Field.UID, m.uid()).put(Field.SID, m.sid())
        .put(Field.CID, "f1").put(Field.MSG_TYPE, "file").put(Field.FILE_ID, fileId));
    send(m, "t2", "newer");
    age(m.sid(), 1, DEPLOYMENT_DAYS + 1);
    awaitStored(m.sid(), 1);
    awaitTrue(() -> Await.result(service.mongo().findOne(FileStore.FILES, new JsonObject().put("_id", fileId), null)) == null);
    assertTrue(Await.result(service.mongo().find(FileStore.CHUNKS, new JsonObject().put("files_id", fileId))).isEmpty());
  }

  @Test
  @DisplayName("A removed video message's video goes with its poster and the poster's thumbnail")
  void videoGoesWithItsPoster() throws Exception {
    Member m = member();
    String videoId = upload(m.uid(), "old.mp4", VideoBytes.mp4(VideoBytes.mvhd0(1000, 1234), 321)).getString(Field.FILE_ID);
    JsonObject poster = uploadPoster(m.uid(), videoId, png());
    service.request(Address.MESSAGE_SEND, new JsonObject().put(Field.UID, m.uid()).put(Field.SID, m.sid())
        .put(Field.CID, "v1").put(Field.MSG_TYPE, "video").put(Field.FILE_ID, videoId));
    send(m, "t2", "newer");
    age(m.sid(), 1, DEPLOYMENT_DAYS + 1);
    awaitStored(m.sid(), 1);
    for (String fileId : List.of(videoId, poster.getString(Field.FILE_ID), poster.getString(Field.THUMB_ID))) {
      awaitTrue(() -> Await.result(service.mongo().findOne(FileStore.FILES, new JsonObject().put("_id", fileId), null)) == null);
      assertTrue(Await.result(service.mongo().find(FileStore.CHUNKS, new JsonObject().put("files_id", fileId))).isEmpty());
    }
  }

  // ---- helpers ----

  private static JsonObject uploadPoster(String uid, String videoId, byte[] image) {
    JsonObject started = service.request(Address.FILE_BEGIN, new JsonObject().put(Field.UID, uid).put(Field.NAME, "p.png")
        .put(Field.POSTER, videoId));
    String uploadId = started.getString(Field.UPLOAD_ID);
    String address = started.getString("address");
    service.request(address, new JsonObject().put(Field.UPLOAD_ID, uploadId).put("op", "append").put(Field.DATA, image));
    return service.request(address, new JsonObject().put(Field.UPLOAD_ID, uploadId).put("op", "finish"));
  }

  private static byte[] png() throws java.io.IOException {
    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(16, 9, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static Member member() {
    Member m = new Member(Neighbours.fresh("uid"), Neighbours.fresh("sid"));
    NEIGHBOURS.join(m.uid(), m.sid());
    return m;
  }

  private static Member withMessages(int n) {
    Member m = member();
    for (int i = 0; i < n; i++) {
      send(m, "c" + i, "text " + i);
    }
    return m;
  }

  private static JsonObject send(Member m, String cid, String content) {
    return service.request(Address.MESSAGE_SEND, new JsonObject().put(Field.UID, m.uid()).put(Field.SID, m.sid())
        .put(Field.CID, cid).put(Field.MSG_TYPE, "text").put(Field.CONTENT, content));
  }

  /** Makes messages 1..upTo of a session look {@code days} days old. */
  private static void age(String sid, long upTo, int days) {
    long at = System.currentTimeMillis() - days * Retention.DAY_MS;
    Await.result(service.mongo().updateCollectionWithOptions(MessageStore.MESSAGES,
        new JsonObject().put(Field.SID, sid).put(Field.SEQ, new JsonObject().put("$lte", upTo)),
        new JsonObject().put("$set", new JsonObject().put(Field.AT, at)), new UpdateOptions().setMulti(true)));
  }

  private static void awaitStored(String sid, int n) {
    awaitTrue(() -> storedSeqs(sid).size() == n);
  }

  private static void awaitTrue(BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not within 15 s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static List<Long> storedSeqs(String sid) {
    return Await.result(service.mongo().findWithOptions(MessageStore.MESSAGES, new JsonObject().put(Field.SID, sid),
        new FindOptions().setSort(new JsonObject().put(Field.SEQ, 1)))).stream().map(m -> m.getLong(Field.SEQ)).toList();
  }

  private static JsonObject history(Member m, JsonObject paging) {
    return service.request(Address.MESSAGE_HISTORY, paging.put(Field.UID, m.uid()).put(Field.SID, m.sid()));
  }

  private static JsonObject sync(String uid, JsonObject positions) {
    return service.request(Address.MESSAGE_SYNC, new JsonObject().put(Field.UID, uid).put(Field.POSITIONS, positions));
  }

  private static List<Long> seqs(JsonArray messages) {
    List<Long> seqs = new ArrayList<>();
    messages.forEach(m -> seqs.add(((JsonObject) m).getLong(Field.SEQ)));
    return seqs;
  }

  private static JsonObject upload(String uid, String name, byte[] bytes) {
    JsonObject started = service.request(Address.FILE_BEGIN, new JsonObject().put(Field.UID, uid).put(Field.NAME, name));
    String uploadId = started.getString(Field.UPLOAD_ID);
    String address = started.getString("address");
    service.request(address, new JsonObject().put(Field.UPLOAD_ID, uploadId).put("op", "append").put(Field.DATA, bytes));
    return service.request(address, new JsonObject().put(Field.UPLOAD_ID, uploadId).put("op", "finish"));
  }

  private static byte[] pdf(int size) {
    byte[] bytes = new byte[size];
    byte[] header = "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + size);
    }
    System.arraycopy(header, 0, bytes, 0, header.length);
    return bytes;
  }
}
