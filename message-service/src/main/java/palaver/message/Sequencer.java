package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.HashMap;
import java.util.Map;
import palaver.common.ErrorCode;
import palaver.common.Field;
import palaver.common.Store;

/**
 * Gives each stored message its session's next {@code seq}. The unique index
 * on (sid, seq) is the arbiter, not a counter: a seq is taken only by a
 * successful insert, so a crash between steps leaves no gap, and two
 * instances writing the same session retry on conflict instead of colliding.
 * The unique (uid, cid) index makes a retried send a read of the original.
 * Appends to one session are serialized here; sessions proceed in parallel.
 */
final class Sequencer {
  /** Result of an append: the stored message, and whether it was stored before. */
  record Appended(JsonObject message, boolean duplicate) {
  }

  private static final int MAX_CONFLICT_RETRIES = 8;

  private final MongoClient mongo;
  private final Map<String, Long> lastSeq = new HashMap<>();
  private final Map<String, Future<Appended>> tails = new HashMap<>();

  Sequencer(MongoClient mongo) {
    this.mongo = mongo;
  }

  /** Must be called on the verticle's event loop. */
  Future<Appended> append(JsonObject draft) {
    String sid = draft.getString(Field.SID);
    Future<Appended> previous = tails.get(sid);
    Future<Appended> next = previous == null
        ? insert(draft, 0)
        : previous.transform(ignored -> insert(draft, 0));
    tails.put(sid, next);
    next.onComplete(ar -> tails.remove(sid, next));
    return next;
  }

  private Future<Appended> insert(JsonObject draft, int attempt) {
    String sid = draft.getString(Field.SID);
    return last(sid).compose(last -> {
      JsonObject doc = draft.copy().put(Field.SEQ, last + 1);
      return mongo.insert(MessageVerticle.MESSAGES, doc)
          .map(id -> {
            lastSeq.put(sid, last + 1);
            return new Appended(doc, false);
          })
          .recover(t -> Store.isDuplicateKey(t) ? conflict(draft, attempt) : Future.failedFuture(t));
    });
  }

  /** Either the same (uid, cid) was stored before, or another instance took the seq. */
  private Future<Appended> conflict(JsonObject draft, int attempt) {
    JsonObject byCid = new JsonObject().put(Field.UID, draft.getString(Field.UID)).put(Field.CID, draft.getString(Field.CID));
    return mongo.findOne(MessageVerticle.MESSAGES, byCid, null).compose(existing -> {
      if (existing != null) {
        return Future.succeededFuture(new Appended(existing, true));
      }
      if (attempt >= MAX_CONFLICT_RETRIES) {
        return Future.failedFuture(ErrorCode.CONFLICT.exception("session busy, retry"));
      }
      lastSeq.remove(draft.getString(Field.SID));
      return insert(draft, attempt + 1);
    });
  }

  private Future<Long> last(String sid) {
    Long known = lastSeq.get(sid);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    FindOptions top = new FindOptions().setSort(new JsonObject().put(Field.SEQ, -1)).setLimit(1)
        .setFields(new JsonObject().put(Field.SEQ, 1));
    return mongo.findWithOptions(MessageVerticle.MESSAGES, new JsonObject().put(Field.SID, sid), top)
        .map(found -> found.isEmpty() ? 0L : found.get(0).getLong(Field.SEQ));
  }
}
