package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import palaver.api.Field;

/**
 * The {@code mentions} collection: one document per (mentioned uid, sid, seq), so a user's unread
 * mentions of a session are counted by a range over the (uid, sid, seq) index above their read
 * position, never by scanning messages. A message that mentions everyone ({@code mentionAll}) is one
 * document for the pseudo-uid {@link #ALL}, counted for every member, not one per member.
 *
 * <p>Written after the message is stored and before it is acked (a retry of the send writes it again:
 * the writes are upserts by a derived {@code _id}); removed with the message (delete, account deletion,
 * retention), so a deleted message no longer counts.
 */
final class Mentions {
  static final String MENTIONS = "mentions";
  /** The uid under which a mention of everyone is stored; real uids are URL-safe base64, never this. */
  static final String ALL = "@all";
  /** Who wrote the mentioning message (to forget a deleted account's mentions). */
  static final String BY = "by";
  private static final String ID = "_id";

  private final MongoClient mongo;

  Mentions(MongoClient mongo) {
    this.mongo = mongo;
  }

  Future<Void> createIndexes() {
    return Future.all(
            mongo.createIndexWithOptions(MENTIONS, new JsonObject().put(Field.UID, 1).put(Field.SID, 1).put(Field.SEQ, 1),
                new IndexOptions().unique(true).name("uid_sid_seq")),
            mongo.createIndexWithOptions(MENTIONS, new JsonObject().put(Field.SID, 1).put(Field.SEQ, 1),
                new IndexOptions().name("sid_seq")),
            mongo.createIndexWithOptions(MENTIONS, new JsonObject().put(BY, 1), new IndexOptions().name("by")))
        .mapEmpty();
  }

  /** Whom a stored message mentions: {@link #ALL} alone when it mentions everyone, else its mentions. */
  static List<String> mentioned(JsonObject message) {
    if (Boolean.TRUE.equals(message.getValue(Field.MENTION_ALL))) {
      return List.of(ALL);
    }
    List<String> uids = new ArrayList<>();
    if (message.getValue(Field.MENTIONS) instanceof JsonArray mentions) {
      mentions.forEach(u -> uids.add((String) u));
    }
    return uids;
  }

  /** Records a stored message's mentions (idempotent); nothing for a message without any. */
  Future<Void> record(JsonObject message) {
    List<String> uids = mentioned(message);
    if (uids.isEmpty()) {
      return Future.succeededFuture();
    }
    String sid = message.getString(Field.SID);
    long seq = message.getLong(Field.SEQ);
    List<BulkOperation> ops = new ArrayList<>();
    for (String uid : uids) {
      JsonObject doc = new JsonObject().put(Field.UID, uid).put(Field.SID, sid).put(Field.SEQ, seq)
          .put(BY, message.getString(Field.UID)).put(Field.AT, message.getLong(Field.AT));
      ops.add(BulkOperation.createUpdate(new JsonObject().put(ID, sid + "/" + seq + "/" + uid),
          new JsonObject().put("$set", doc), true, false));
    }
    return mongo.bulkWrite(MENTIONS, ops).mapEmpty();
  }

  /**
   * {sid: how many messages after {@code after.get(sid)} mention {@code uid} or everyone}, for the given
   * sessions (only those with unread messages need asking), in one aggregation; sessions without any are
   * left out.
   */
  Future<Map<String, Long>> unread(String uid, Map<String, Long> after) {
    if (after.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    JsonArray ranges = new JsonArray();
    after.forEach((sid, seq) -> ranges.add(new JsonObject().put(Field.SID, sid)
        .put(Field.SEQ, new JsonObject().put("$gt", seq))));
    JsonObject match = new JsonObject().put(Field.UID, new JsonObject().put("$in", new JsonArray().add(uid).add(ALL)))
        .put("$or", ranges);
    JsonArray pipeline = new JsonArray()
        .add(new JsonObject().put("$match", match))
        .add(new JsonObject().put("$group", new JsonObject().put(ID, "$" + Field.SID)
            .put("n", new JsonObject().put("$sum", 1))));
    return mongo.aggregate(MENTIONS, pipeline).collect(Collectors.toList()).map(rows -> {
      Map<String, Long> counts = new HashMap<>();
      rows.forEach(row -> counts.put(row.getString(ID), ((Number) row.getValue("n", 0)).longValue()));
      return counts;
    });
  }

  /** The mentions of message {@code seq} of {@code sid} go (it was deleted). */
  Future<Void> removeMessage(String sid, long seq) {
    return mongo.removeDocuments(MENTIONS, new JsonObject().put(Field.SID, sid).put(Field.SEQ, seq)).mapEmpty();
  }

  /** Retention removed a session's messages below {@code firstSeq}: their mentions go too. */
  Future<Void> removeBelow(String sid, long firstSeq) {
    return mongo.removeDocuments(MENTIONS, new JsonObject().put(Field.SID, sid)
        .put(Field.SEQ, new JsonObject().put("$lt", firstSeq))).mapEmpty();
  }

  /** A deleted account: its messages' mentions (they are tombstones now) and the mentions of it. */
  Future<Void> forgetUser(String uid) {
    return mongo.removeDocuments(MENTIONS, new JsonObject().put("$or", new JsonArray()
        .add(new JsonObject().put(BY, uid)).add(new JsonObject().put(Field.UID, uid)))).mapEmpty();
  }
}
