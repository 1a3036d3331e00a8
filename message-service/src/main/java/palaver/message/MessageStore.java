package palaver.message;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import io.vertx.ext.mongo.WriteOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import palaver.api.Field;
import palaver.api.Frames;
import palaver.runtime.Store;

/**
 * The {@code messages} collection (one document per stored message, unique
 * on (sid, seq) and on (uid, cid)) and the {@code heads} collection (one
 * document per session, {@code _id} its sid: {@code lastSeq}, {@code
 * lastMessage} and {@code writers.<uid>}, each writer's newest seq there):
 * their names, indexes and every query. {@link GroupCommit} decides what to
 * write; this class only says how it is written and read.
 *
 * <p>Push inboxes (sids {@code PushNames.inbox}) are sessions of the same two
 * collections: their messages also carry {@code expiresAt} (deleted by
 * {@link #deleteExpired}, never read past it), and their head also carries
 * {@code delivered}, the highest seq that reached a socket of the user.
 */
class MessageStore {
  static final String MESSAGES = "messages";
  static final String HEADS = "heads";
  /** The field of a head holding {uid: newest own seq}. */
  static final String WRITERS = "writers";
  /** A tombstone's admin and time (kept in the store, not shown to clients). */
  static final String DELETED_BY = "deletedBy";
  static final String DELETED_AT = "deletedAt";
  /** The name a deleted account's messages are shown with. */
  static final String DELETED_USER = "deleted user";
  /** Only ids that are safe as field names (ours are URL-safe base64) are recorded as writers. */
  static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  /** In a head answered to a writer: the newest seq they wrote in the session. */
  private static final String ID = "_id";
  /** When a push may be deleted (ms); only push inbox messages have it. */
  static final String EXPIRES_AT = Field.EXPIRES_AT;
  /** In an inbox's head: the highest seq handed to a socket of the user (a max). */
  static final String DELIVERED = Field.DELIVERED;

  /** A page of stored messages, ascending, and whether more follow in the direction read. */
  record Page(List<JsonObject> messages, boolean more) {
  }

  /**
   * What an ordered insert of n documents did: documents {@code 0..stored-1}
   * are stored. When {@code stored < n} and {@code unknown} is null, document
   * {@code stored} was refused: on a unique key ({@code duplicate}) or for
   * {@code refusal}. {@code unknown} is set when the store did not say what it
   * stored (timeout, lost connection): some prefix may be.
   */
  record Inserted(int stored, boolean duplicate, String refusal, Throwable unknown) {
  }

  /**
   * One batch's head writes: per session its newest message, and the newest
   * seq of each writer there. Filled by {@link GroupCommit}, written by
   * {@link #moveHeads}.
   */
  static final class HeadMoves {
    private final Map<String, JsonObject> newest = new LinkedHashMap<>();
    /** Per session the newest message that is not a change event: the head's {@code lastMessage}. */
    private final Map<String, JsonObject> newestShown = new HashMap<>();
    /** Per session the seqs of the batch's change events: pushed onto the head's {@code changeSeqs}. */
    private final Map<String, JsonArray> changes = new HashMap<>();
    private final Map<String, JsonObject> writers = new HashMap<>();

    void add(JsonObject message) {
      String sid = message.getString(Field.SID);
      long seq = message.getLong(Field.SEQ);
      newest.merge(sid, message, HeadMoves::newer);
      if (isChange(message)) {
        changes.computeIfAbsent(sid, k -> new JsonArray()).add(seq);
      } else {
        newestShown.merge(sid, message, HeadMoves::newer);
      }
      String writer = message.getString(Field.UID);
      if (writer != null && SAFE_KEY.matcher(writer).matches()) {
        String field = WRITERS + "." + writer;
        JsonObject bySid = writers.computeIfAbsent(sid, k -> new JsonObject());
        bySid.put(field, Math.max(bySid.getLong(field, 0L), seq));
      }
    }

    private static JsonObject newer(JsonObject a, JsonObject b) {
      return a.getLong(Field.SEQ) >= b.getLong(Field.SEQ) ? a : b;
    }

    boolean isEmpty() {
      return newest.isEmpty();
    }

    int sessions() {
      return newest.size();
    }

    private JsonObject writersOf(String sid) {
      return writers.getOrDefault(sid, new JsonObject());
    }

    private JsonObject update(JsonObject message) {
      String sid = message.getString(Field.SID);
      return headSet(message, newestShown.get(sid), writersOf(sid), changes.get(sid));
    }
  }

  // ---- change events: edits, deletions, reactions (docs/protocol.md "Editing, deleting, reacting, replying") ----

  static final String EDIT = "edit";
  static final String DELETE = "delete";
  static final String REACTION = "reaction";
  /** How many change-event seqs a head keeps, so unread counts can leave them out (beyond: counted). */
  static final int CHANGE_SEQS_KEPT = 200;

  /** A change event: a message of the session that edits, deletes or reacts to its {@code target}. */
  static boolean isChange(JsonObject message) {
    Object type = message.getValue(Field.MSG_TYPE);
    return EDIT.equals(type) || DELETE.equals(type) || REACTION.equals(type);
  }

  private final MongoClient mongo;

  MessageStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  /** (sid, seq) is the arbiter of seqs, (uid, cid) of retries; file.fileId finds where a file was posted. */
  Future<Void> createIndexes() {
    return Future.all(
            mongo.createIndexWithOptions(MESSAGES, new JsonObject().put(Field.SID, 1).put(Field.SEQ, 1),
                new IndexOptions().unique(true).name("sid_seq")),
            mongo.createIndexWithOptions(MESSAGES, new JsonObject().put(Field.UID, 1).put(Field.CID, 1),
                new IndexOptions().unique(true).name("uid_cid")),
            mongo.createIndexWithOptions(MESSAGES, new JsonObject().put(Field.FILE + "." + Field.FILE_ID, 1),
                new IndexOptions().name("file_id")),
            // The retention sweep: a session's newest message older than the cutoff, and which sessions have any.
            mongo.createIndexWithOptions(MESSAGES, new JsonObject().put(Field.SID, 1).put(Field.AT, 1),
                new IndexOptions().name("sid_at")),
            mongo.createIndexWithOptions(MESSAGES, new JsonObject().put(Field.AT, 1), new IndexOptions().name("at")),
            // Sparse: only pushes have expiresAt, so the sweep's range query never scans the chat's messages.
            mongo.createIndexWithOptions(MESSAGES, new JsonObject().put(EXPIRES_AT, 1),
                new IndexOptions().sparse(true).name("expires_at")))
        .mapEmpty();
  }

  // ---- writes of the send path (GroupCommit) ----

  /** Writes {@code docs} (numbered) in one ordered bulk insert, majority-acknowledged. */
  Future<Inserted> insert(List<JsonObject> docs) {
    List<BulkOperation> ops = new ArrayList<>(docs.size());
    for (JsonObject doc : docs) {
      ops.add(BulkOperation.createInsert(doc));
    }
    BulkWriteOptions options = new BulkWriteOptions().setOrdered(true).setWriteOption(WriteOption.MAJORITY);
    return mongo.bulkWriteWithOptions(MESSAGES, ops, options).transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(new Inserted(docs.size(), false, null, null));
      }
      if (!(ar.cause() instanceof MongoBulkWriteException bulk) || bulk.getWriteErrors().isEmpty()) {
        return Future.succeededFuture(new Inserted(0, false, null, ar.cause()));
      }
      BulkWriteError error = bulk.getWriteErrors().get(0);
      boolean duplicate = error.getCode() == Store.DUPLICATE_KEY;
      return Future.succeededFuture(new Inserted(error.getIndex(), duplicate, duplicate ? null : error.getMessage(), null));
    });
  }

  /**
   * The stored messages of any of these drafts' (uid, cid) pairs, in one query
   * (one clause per sender, its cids by {@code $in}), keyed by {@link #cidKey}.
   * Asked only after an insert met a duplicate key, never on the normal path.
   */
  Future<Map<String, JsonObject>> byCids(List<JsonObject> drafts) {
    Map<String, JsonArray> cidsByUid = new LinkedHashMap<>();
    for (JsonObject d : drafts) {
      cidsByUid.computeIfAbsent(d.getString(Field.UID), u -> new JsonArray()).add(d.getString(Field.CID));
    }
    JsonArray clauses = new JsonArray();
    cidsByUid.forEach((uid, cids) -> clauses.add(new JsonObject().put(Field.UID, uid)
        .put(Field.CID, new JsonObject().put("$in", cids))));
    return mongo.find(MESSAGES, new JsonObject().put("$or", clauses)).map(found -> {
      Map<String, JsonObject> byKey = new HashMap<>();
      found.forEach(m -> byKey.put(cidKey(m), m));
      return byKey;
    });
  }

  /** The (uid, cid) of a message or draft as one string. */
  static String cidKey(JsonObject message) {
    return message.getString(Field.UID) + "\n" + message.getString(Field.CID);
  }

  /** A session's last seq as its head says (a read by {@code _id}); 0 without a head. */
  Future<Long> headSeq(String sid) {
    return mongo.findOne(HEADS, new JsonObject().put(ID, sid), new JsonObject().put(Field.LAST_SEQ, 1))
        .map(head -> head == null ? 0L : head.getLong(Field.LAST_SEQ, 0L));
  }

  /** A session's last seq from the messages themselves, for when its head proved behind them. */
  Future<Long> lastStoredSeq(String sid) {
    FindOptions top = new FindOptions().setSort(new JsonObject().put(Field.SEQ, -1)).setLimit(1)
        .setFields(new JsonObject().put(Field.SEQ, 1));
    return mongo.findWithOptions(MESSAGES, new JsonObject().put(Field.SID, sid), top)
        .map(found -> found.isEmpty() ? 0L : found.get(0).getLong(Field.SEQ));
  }

  /**
   * One write per session: {lastSeq, lastMessage, writers.*} to the newest
   * seq, never backwards, all in one unordered bulk command (one store round
   * trip per batch, not one per session). Answers the sessions whose head
   * could not be confirmed, with why (empty when all were).
   */
  Future<Map<String, Throwable>> moveHeads(HeadMoves moves) {
    if (moves.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<JsonObject> heads = new ArrayList<>(moves.newest.values());
    List<BulkOperation> ops = new ArrayList<>(heads.size());
    for (JsonObject m : heads) {
      ops.add(BulkOperation.createUpdate(olderHead(m), moves.update(m), true, false));
    }
    BulkWriteOptions options = new BulkWriteOptions().setOrdered(false).setWriteOption(WriteOption.MAJORITY);
    return mongo.bulkWriteWithOptions(HEADS, ops, options)
        .<Map<String, Throwable>>map(done -> Map.of())
        .recover(t -> {
          Map<String, Throwable> unconfirmed = new HashMap<>();
          if (!(t instanceof MongoBulkWriteException bulk)) {
            heads.forEach(m -> unconfirmed.put(m.getString(Field.SID), t));
            return Future.succeededFuture(unconfirmed);
          }
          // Unordered: every write but the failed ones took effect.
          List<Future<?>> retries = new ArrayList<>();
          for (BulkWriteError error : bulk.getWriteErrors()) {
            JsonObject m = heads.get(error.getIndex());
            String sid = m.getString(Field.SID);
            if (error.getCode() == Store.DUPLICATE_KEY) {
              retries.add(writeHead(m, moves.update(m)).onFailure(f -> unconfirmed.put(sid, f)));
            } else {
              unconfirmed.put(sid, new IllegalStateException(error.getMessage()));
            }
          }
          return Future.join(retries).transform(ar -> Future.succeededFuture(unconfirmed));
        });
  }

  /**
   * The head filter: an upsert guarded by {@code lastSeq < seq}. When a newer
   * head exists the upsert collides on {@code _id}, which means there is
   * nothing to do; a collision may also be two first writes racing, hence one
   * more try ({@link #writeHead}). Recording each writer's newest seq in the
   * same write means a writer's own messages never count as unread, without a
   * read-position write per send.
   */
  private static JsonObject olderHead(JsonObject message) {
    return new JsonObject().put(ID, message.getString(Field.SID))
        .put(Field.LAST_SEQ, new JsonObject().put("$lt", message.getLong(Field.SEQ)));
  }

  /**
   * lastSeq to the newest seq of the batch (change events too: sync and seq assignment read it);
   * lastMessage to the newest message that is not a change event, when the batch has one; the
   * batch's change-event seqs onto {@code changeSeqs} (the newest {@value #CHANGE_SEQS_KEPT} kept).
   */
  private static JsonObject headSet(JsonObject newest, JsonObject shown, JsonObject writers, JsonArray changes) {
    JsonObject set = writers.copy().put(Field.LAST_SEQ, newest.getLong(Field.SEQ));
    if (shown != null) {
      set.put(Field.LAST_MESSAGE, Frames.messageSummary(shown));
    }
    JsonObject update = new JsonObject().put("$set", set);
    if (changes != null) {
      update.put("$push", new JsonObject().put(Field.CHANGE_SEQS,
          new JsonObject().put("$each", changes).put("$slice", -CHANGE_SEQS_KEPT)));
    }
    return update;
  }

  /** The second try of a head write whose upsert collided; a collision now means a newer head exists. */
  private Future<Void> writeHead(JsonObject message, JsonObject update) {
    return mongo.updateCollectionWithOptions(HEADS, olderHead(message), update,
            new UpdateOptions().setUpsert(true))
        .<Void>mapEmpty()
        .recover(t -> Store.isDuplicateKey(t) ? Future.succeededFuture() : Future.failedFuture(t));
  }

  // ---- tombstones (admin delete, account deletion) ----

  /** What a tombstone keeps: its seq, id, sender and time; the content and file go. */
  private static JsonObject tombstoneSet(String prefix) {
    return new JsonObject().put(prefix + Field.DELETED, true).putNull(prefix + Field.CONTENT).putNull(prefix + Field.FILE)
        .putNull(prefix + Field.REACTIONS).putNull(prefix + Field.REPLY_TO).putNull(prefix + Field.MENTIONS)
        .putNull(prefix + Field.MENTION_ALL);
  }

  /**
   * Makes message {@code seq} of {@code sid} a tombstone, and the head's last
   * message too when it is that one; the tombstone, or null when there is no
   * such message.
   */
  Future<JsonObject> tombstone(String sid, long seq, String by) {
    JsonObject query = new JsonObject().put(Field.SID, sid).put(Field.SEQ, seq);
    JsonObject update = new JsonObject().put("$set", tombstoneSet("").put(DELETED_BY, by)
        .put(DELETED_AT, System.currentTimeMillis()));
    return mongo.findOneAndUpdateWithOptions(MESSAGES, query, update, new FindOptions(),
        new UpdateOptions().setReturningNewDocument(true)).compose(after -> after == null ? Future.succeededFuture(null)
        : mongo.updateCollection(HEADS, new JsonObject().put(ID, sid).put(Field.LAST_MESSAGE + "." + Field.SEQ, seq),
            new JsonObject().put("$set", tombstoneSet(Field.LAST_MESSAGE + "."))).map(r -> after));
  }

  /** The messages of {@code sid} with these seqs (over (sid, seq), one walk per seq; at most 200 seqs). */
  Future<List<JsonObject>> bySeqs(String sid, List<Long> seqs) {
    if (seqs.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    JsonObject query = new JsonObject().put(Field.SID, sid)
        .put(Field.SEQ, new JsonObject().put("$in", new JsonArray(new ArrayList<>(seqs))));
    return mongo.find(MESSAGES, query);
  }

  /** Message {@code seq} of {@code sid}, or null. */
  Future<JsonObject> one(String sid, long seq) {
    return mongo.findOne(MESSAGES, new JsonObject().put(Field.SID, sid).put(Field.SEQ, seq), null);
  }

  /**
   * Applies a stored edit event to its target, in place: content, editedAt and editSeq, only while the
   * target is not a tombstone and holds no later edit (so edits applied out of order, or twice, end at
   * the newest); the head's lastMessage too when it is the target. Idempotent: a retry of the edit
   * (same cid) repeats it after a crash between the event and this.
   */
  Future<Void> applyEdit(JsonObject event) {
    String sid = event.getString(Field.SID);
    long target = event.getLong(Field.TARGET);
    long seq = event.getLong(Field.SEQ);
    JsonObject query = new JsonObject().put(Field.SID, sid).put(Field.SEQ, target)
        .put(Field.DELETED, new JsonObject().put("$ne", true))
        .put("$or", new JsonArray().add(new JsonObject().put(Field.EDIT_SEQ, new JsonObject().put("$exists", false)))
            .add(new JsonObject().put(Field.EDIT_SEQ, new JsonObject().put("$lt", seq))));
    JsonObject set = new JsonObject().put(Field.CONTENT, event.getString(Field.CONTENT))
        .put(Field.EDITED_AT, event.getLong(Field.AT)).put(Field.EDIT_SEQ, seq);
    String last = Field.LAST_MESSAGE + ".";
    JsonObject headSet = new JsonObject().put(last + Field.CONTENT, event.getString(Field.CONTENT))
        .put(last + Field.EDITED_AT, event.getLong(Field.AT)).put(last + Field.EDIT_SEQ, seq);
    return mongo.updateCollection(MESSAGES, query, new JsonObject().put("$set", set))
        .compose(r -> mongo.updateCollection(HEADS, new JsonObject().put(ID, sid).put(last + Field.SEQ, target)
            .put(last + Field.DELETED, new JsonObject().put("$ne", true)), new JsonObject().put("$set", headSet)))
        .mapEmpty();
  }

  /**
   * Applies a stored reaction event in place: its uid added to ({@code $addToSet}) or removed from
   * ({@code $pull}) {@code reactions.<emoji>}, reactSeq raised to the event's seq. Idempotent.
   */
  Future<Void> applyReaction(JsonObject event) {
    String field = Field.REACTIONS + "." + event.getString(Field.EMOJI);
    JsonObject change = new JsonObject().put(field, event.getString(Field.UID));
    JsonObject update = new JsonObject().put(event.getBoolean(Field.ON) ? "$addToSet" : "$pull", change)
        .put("$max", new JsonObject().put(Field.REACT_SEQ, event.getLong(Field.SEQ)));
    JsonObject query = new JsonObject().put(Field.SID, event.getString(Field.SID)).put(Field.SEQ, event.getLong(Field.TARGET))
        .put(Field.DELETED, new JsonObject().put("$ne", true));
    return mongo.updateCollection(MESSAGES, query, update).mapEmpty();
  }

  /**
   * A deleted account's messages: every one becomes a tombstone shown as by
   * {@link #DELETED_USER} (its notices keep their content, only the name
   * goes), also in the heads, and its writer entries leave the heads.
   * Answers the sessions touched.
   */
  Future<List<String>> forgetUser(String uid) {
    JsonObject anonymous = new JsonObject().put(Field.NICKNAME, DELETED_USER).putNull(Field.AVATAR);
    JsonObject own = new JsonObject().put(Field.UID, uid);
    JsonObject ownChat = own.copy().put(Field.MSG_TYPE, new JsonObject().put("$ne", MessageVerticle.SYSTEM));
    String last = Field.LAST_MESSAGE + ".";
    JsonObject ownHead = new JsonObject().put(last + Field.UID, uid);
    JsonObject ownChatHead = ownHead.copy().put(last + Field.MSG_TYPE, new JsonObject().put("$ne", MessageVerticle.SYSTEM));
    UpdateOptions many = new UpdateOptions().setMulti(true);
    return mongo.distinctWithQuery(MESSAGES, Field.SID, String.class.getName(), own).compose(sids ->
        mongo.updateCollectionWithOptions(MESSAGES, ownChat, new JsonObject().put("$set", tombstoneSet("")), many)
            .compose(r -> mongo.updateCollectionWithOptions(MESSAGES, own, new JsonObject().put("$set", anonymous), many))
            .compose(r -> mongo.updateCollectionWithOptions(HEADS, ownChatHead,
                new JsonObject().put("$set", tombstoneSet(last)), many))
            .compose(r -> mongo.updateCollectionWithOptions(HEADS, ownHead, new JsonObject().put("$set",
                new JsonObject().put(last + Field.NICKNAME, DELETED_USER).putNull(last + Field.AVATAR)), many))
            .compose(r -> !SAFE_KEY.matcher(uid).matches() ? Future.succeededFuture()
                : mongo.updateCollectionWithOptions(HEADS, new JsonObject().put(WRITERS + "." + uid, new JsonObject().put("$exists", true)),
                    new JsonObject().put("$unset", new JsonObject().put(WRITERS + "." + uid, "")), many))
            .map(r -> sids.stream().map(String.class::cast).toList()));
  }

  // ---- reads (history, sync, heads, files) ----

  /** Ascending messages of a session: the newest page by default, or after/before a seq; one read of limit + 1. */
  Future<Page> page(String sid, Long before, Long after, int limit) {
    JsonObject range = new JsonObject();
    if (before != null) {
      range.put("$lt", before);
    }
    if (after != null) {
      range.put("$gt", after);
    }
    JsonObject query = new JsonObject().put(Field.SID, sid);
    if (!range.isEmpty()) {
      query.put(Field.SEQ, range);
    }
    boolean ascending = after != null && before == null;
    FindOptions options = new FindOptions().setSort(new JsonObject().put(Field.SEQ, ascending ? 1 : -1)).setLimit(limit + 1);
    return mongo.findWithOptions(MESSAGES, query, options).map(found -> {
      List<JsonObject> page = new ArrayList<>(found.subList(0, Math.min(limit, found.size())));
      if (!ascending) {
        Collections.reverse(page);
      }
      return new Page(page, found.size() > limit);
    });
  }

  /** The heads' last seqs of {@code sids} in one query (sessions without a head are left out). */
  Future<Map<String, Long>> lastSeqs(List<String> sids) {
    JsonObject query = new JsonObject().put(ID, new JsonObject().put("$in", new JsonArray(sids)));
    return mongo.findWithOptions(HEADS, query, new FindOptions().setFields(new JsonObject().put(Field.LAST_SEQ, 1)))
        .map(found -> {
          Map<String, Long> heads = new HashMap<>();
          found.forEach(h -> heads.put(h.getString(ID), h.getLong(Field.LAST_SEQ, 0L)));
          return heads;
        });
  }

  /**
   * {sid: {lastSeq, lastMessage}} of {@code sids} in one query; with a
   * {@code writer} each head also says the newest seq that user wrote there
   * ({@code ownSeq}).
   */
  Future<JsonObject> heads(JsonArray sids, String writer) {
    boolean withOwn = writer != null && SAFE_KEY.matcher(writer).matches();
    JsonObject fields = new JsonObject().put(Field.LAST_SEQ, 1).put(Field.LAST_MESSAGE, 1).put(Field.CHANGE_SEQS, 1);
    if (withOwn) {
      fields.put(WRITERS + "." + writer, 1);
    }
    return mongo.findWithOptions(HEADS, new JsonObject().put(ID, new JsonObject().put("$in", sids)),
        new FindOptions().setFields(fields)).map(found -> {
          JsonObject heads = new JsonObject();
          found.forEach(h -> {
            JsonObject head = new JsonObject().put(Field.LAST_SEQ, h.getLong(Field.LAST_SEQ, 0L))
                .put(Field.LAST_MESSAGE, h.getJsonObject(Field.LAST_MESSAGE));
            if (h.getValue(Field.CHANGE_SEQS) instanceof JsonArray changes) {
              head.put(Field.CHANGE_SEQS, changes);
            }
            if (withOwn) {
              head.put(Field.OWN_SEQ, h.getJsonObject(WRITERS, new JsonObject()).getLong(writer, 0L));
            }
            heads.put(h.getString(ID), head);
          });
          return heads;
        });
  }

  /** Whether a message carrying the file was posted in one of {@code sids} (download access). */
  Future<Boolean> postedIn(String fileId, JsonArray sids) {
    JsonObject query = new JsonObject().put(Field.FILE + "." + Field.FILE_ID, fileId)
        .put(Field.SID, new JsonObject().put("$in", sids));
    return mongo.findWithOptions(MESSAGES, query, new FindOptions().setLimit(1).setFields(new JsonObject().put(ID, 1)))
        .map(found -> !found.isEmpty());
  }

  // ---- retention (see Retention) ----

  /** Up to {@code limit} sessions with chat messages (not pushes: they expire) older than {@code cutoff}. */
  Future<List<String>> sessionsBefore(long cutoff, int limit) {
    JsonObject query = new JsonObject().put(Field.AT, new JsonObject().put("$lt", cutoff))
        .put(Field.MSG_TYPE, new JsonObject().put("$ne", PushInboxes.MSG_TYPE));
    FindOptions options = new FindOptions().setLimit(limit).setFields(new JsonObject().put(Field.SID, 1));
    return mongo.findWithOptions(MESSAGES, query, options)
        .map(found -> found.stream().map(m -> m.getString(Field.SID)).distinct().toList());
  }

  /**
   * The seq of a session's newest message older than {@code cutoff} (by its time, over the (sid, at)
   * index), or 0 when it has none.
   */
  Future<Long> newestSeqBefore(String sid, long cutoff) {
    JsonObject query = new JsonObject().put(Field.SID, sid).put(Field.AT, new JsonObject().put("$lt", cutoff));
    FindOptions options = new FindOptions().setSort(new JsonObject().put(Field.AT, -1)).setLimit(1)
        .setFields(new JsonObject().put(Field.SEQ, 1));
    return mongo.findWithOptions(MESSAGES, query, options)
        .map(found -> found.isEmpty() ? 0L : found.get(0).getLong(Field.SEQ, 0L));
  }

  /**
   * Raises a session's {@code firstSeq} (never lowers it) before anything below it is deleted, so a
   * reader that misses a deleted message also sees why; a last message below it loses its content.
   */
  Future<Void> raiseFirstSeq(String sid, long firstSeq) {
    return mongo.updateCollection(HEADS, new JsonObject().put(ID, sid),
            new JsonObject().put("$max", new JsonObject().put(Field.FIRST_SEQ, firstSeq)))
        .compose(r -> mongo.updateCollection(HEADS, new JsonObject().put(ID, sid)
                .put(Field.LAST_MESSAGE + "." + Field.SEQ, new JsonObject().put("$lt", firstSeq)),
            new JsonObject().put("$set", tombstoneSet(Field.LAST_MESSAGE + "."))))
        .mapEmpty();
  }

  /** Up to {@code limit} messages of a session below {@code firstSeq} (over (sid, seq)): ids, seqs and files. */
  Future<List<JsonObject>> below(String sid, long firstSeq, int limit) {
    JsonObject query = new JsonObject().put(Field.SID, sid).put(Field.SEQ, new JsonObject().put("$lt", firstSeq));
    FindOptions options = new FindOptions().setSort(new JsonObject().put(Field.SEQ, 1)).setLimit(limit)
        .setFields(new JsonObject().put(ID, 1).put(Field.SEQ, 1).put(Field.FILE, 1));
    return mongo.findWithOptions(MESSAGES, query, options);
  }

  /** Deletes messages by {@code _id}; answers how many went. */
  Future<Long> removeMessages(List<String> ids) {
    return ids.isEmpty() ? Future.succeededFuture(0L)
        : mongo.removeDocuments(MESSAGES, new JsonObject().put(ID, new JsonObject().put("$in", new JsonArray(new ArrayList<>(ids)))))
            .map(r -> r == null ? 0L : r.getRemovedCount());
  }

  /** Whether any stored message still carries the file (in any session). */
  Future<Boolean> fileReferenced(String fileId) {
    return mongo.findWithOptions(MESSAGES, new JsonObject().put(Field.FILE + "." + Field.FILE_ID, fileId),
        new FindOptions().setLimit(1).setFields(new JsonObject().put(ID, 1))).map(found -> !found.isEmpty());
  }

  /** The first kept seq of a session (1 when retention removed nothing). */
  Future<Long> firstSeq(String sid) {
    return mongo.findOne(HEADS, new JsonObject().put(ID, sid), new JsonObject().put(Field.FIRST_SEQ, 1))
        .map(head -> head == null ? 1L : head.getLong(Field.FIRST_SEQ, 1L));
  }

  /** {sid: firstSeq} of those of {@code sids} where retention removed messages, in one query. */
  Future<Map<String, Long>> firstSeqs(List<String> sids) {
    if (sids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    JsonObject query = new JsonObject().put(ID, new JsonObject().put("$in", new JsonArray(new ArrayList<>(sids))))
        .put(Field.FIRST_SEQ, new JsonObject().put("$gt", 1));
    return mongo.findWithOptions(HEADS, query, new FindOptions().setFields(new JsonObject().put(Field.FIRST_SEQ, 1)))
        .map(found -> {
          Map<String, Long> firsts = new HashMap<>();
          found.forEach(h -> firsts.put(h.getString(ID), h.getLong(Field.FIRST_SEQ)));
          return firsts;
        });
  }

  // ---- push inboxes ----

  /**
   * An inbox's unexpired pushes with {@code seq > after}, ascending, at most
   * {@code limit} (one read of limit + 1 over the (sid, seq) index).
   */
  Future<Page> pushesAfter(String sid, long after, long now, int limit) {
    JsonObject query = new JsonObject().put(Field.SID, sid)
        .put(Field.SEQ, new JsonObject().put("$gt", after))
        .put(EXPIRES_AT, new JsonObject().put("$gt", now));
    FindOptions options = new FindOptions().setSort(new JsonObject().put(Field.SEQ, 1)).setLimit(limit + 1);
    return mongo.findWithOptions(MESSAGES, query, options)
        .map(found -> new Page(new ArrayList<>(found.subList(0, Math.min(limit, found.size()))), found.size() > limit));
  }

  /** An inbox's delivered mark (0 without one). */
  Future<Long> delivered(String sid) {
    return mongo.findOne(HEADS, new JsonObject().put(ID, sid), new JsonObject().put(DELIVERED, 1))
        .map(head -> head == null ? 0L : head.getLong(DELIVERED, 0L));
  }

  /**
   * Raises an inbox's delivered mark to {@code seq} (never lowers it, never
   * past the head). No upsert: a head without {@code lastSeq} would block
   * {@link #moveHeads}' guarded upsert, and a mark without pushes means nothing.
   */
  Future<Void> markDelivered(String sid, long seq) {
    JsonObject query = new JsonObject().put(ID, sid).put(Field.LAST_SEQ, new JsonObject().put("$gte", seq));
    return mongo.updateCollection(HEADS, query, new JsonObject().put("$max", new JsonObject().put(DELIVERED, seq)))
        .mapEmpty();
  }

  /** Deletes every push whose {@code expiresAt} has passed; answers how many. */
  Future<Long> deleteExpired(long now) {
    return mongo.removeDocuments(MESSAGES, new JsonObject().put(EXPIRES_AT, new JsonObject().put("$lte", now)))
        .map(result -> result == null ? 0L : result.getRemovedCount());
  }
}
