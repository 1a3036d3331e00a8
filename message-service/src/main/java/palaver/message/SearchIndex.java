package palaver.message;

import com.mongodb.MongoBulkWriteException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.WriteOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.runtime.Store;

/**
 * The {@code postings} collection, search's inverted index: one document
 * {@code {term, sid, seq, at}} per distinct word ({@link SearchTerms}) of each
 * searchable message. Unique on (term, sid, at, seq), so writing a message's
 * postings twice changes nothing, and a session's postings of a word come out
 * of that index newest first, a limit at a time, without reading any other
 * session's or word's; (sid, seq) finds a message's postings when it is
 * edited, deleted or removed by retention.
 *
 * <p>Why not a MongoDB {@code $text} index: the embedded store has none, and
 * even on MongoDB a text index can't page newest-first within the caller's
 * sessions without scoring every match. This collection is one code path for
 * both stores and is what search reads on MongoDB too.
 */
final class SearchIndex {
  static final String POSTINGS = "postings";
  static final String TERM = "term";

  /**
   * A posting's place in search order: newest first by time, then by sid and seq (both descending), so
   * every posting has one place and a page boundary is exact.
   */
  record Key(long at, String sid, long seq) {
    static final Comparator<Key> NEWEST_FIRST = Comparator.comparingLong(Key::at).reversed()
        .thenComparing(Key::sid, Comparator.reverseOrder())
        .thenComparing(Comparator.comparingLong(Key::seq).reversed());
    /** A cursor: {@code at.seq.sid} (sids are URL-safe base64, never a '.'). */
    private static final Pattern CURSOR = Pattern.compile("(\\d{1,18})\\.(\\d{1,18})\\.([A-Za-z0-9_-]{1,64})");

    String cursor() {
      return at + "." + seq + "." + sid;
    }

    /** A client's {@code before}: a {@link #cursor()} of an earlier page, or a 400. */
    static Key parse(String cursor) {
      Matcher m = CURSOR.matcher(cursor);
      if (!m.matches()) {
        throw ErrorCode.INVALID.exception("before must be the next value of an earlier search page");
      }
      return new Key(Long.parseLong(m.group(1)), m.group(3), Long.parseLong(m.group(2)));
    }

    /** Whether this key comes strictly after {@code other} in search order. */
    boolean after(Key other) {
      return NEWEST_FIRST.compare(this, other) > 0;
    }
  }

  private final MongoClient mongo;

  SearchIndex(MongoClient mongo) {
    this.mongo = mongo;
  }

  Future<Void> createIndexes() {
    return Future.all(
            mongo.createIndexWithOptions(POSTINGS, new JsonObject().put(TERM, 1).put(Field.SID, 1).put(Field.AT, 1)
                .put(Field.SEQ, 1), new IndexOptions().unique(true).name("term_sid_at_seq")),
            mongo.createIndexWithOptions(POSTINGS, new JsonObject().put(Field.SID, 1).put(Field.SEQ, 1),
                new IndexOptions().name("sid_seq")))
        .mapEmpty();
  }

  /** The postings of stored messages, written in one unordered bulk insert; ones already there are kept. */
  Future<Void> add(Collection<JsonObject> messages) {
    List<BulkOperation> ops = new ArrayList<>();
    for (JsonObject m : messages) {
      for (String term : SearchTerms.ofMessage(m)) {
        ops.add(BulkOperation.createInsert(new JsonObject().put(TERM, term).put(Field.SID, m.getString(Field.SID))
            .put(Field.SEQ, m.getLong(Field.SEQ)).put(Field.AT, m.getLong(Field.AT))));
      }
    }
    if (ops.isEmpty()) {
      return Future.succeededFuture();
    }
    BulkWriteOptions options = new BulkWriteOptions().setOrdered(false).setWriteOption(WriteOption.MAJORITY);
    return mongo.bulkWriteWithOptions(POSTINGS, ops, options).<Void>mapEmpty().recover(t -> {
      if (t instanceof MongoBulkWriteException bulk && !bulk.getWriteErrors().isEmpty()
          && bulk.getWriteErrors().stream().allMatch(e -> e.getCode() == Store.DUPLICATE_KEY)) {
        return Future.succeededFuture(); // written before: a retried send, a repeated edit
      }
      return Future.failedFuture(t);
    });
  }

  /** A message's postings replaced by those of its current text (after an edit). */
  Future<Void> reindex(JsonObject message) {
    return remove(message.getString(Field.SID), message.getLong(Field.SEQ)).compose(v -> add(List.of(message)));
  }

  /** Message {@code seq}'s postings go (deleted). */
  Future<Void> remove(String sid, long seq) {
    return mongo.removeDocuments(POSTINGS, new JsonObject().put(Field.SID, sid).put(Field.SEQ, seq)).mapEmpty();
  }

  /** The postings of a session's messages below {@code firstSeq} go (retention). */
  Future<Void> removeBelow(String sid, long firstSeq) {
    return mongo.removeDocuments(POSTINGS, new JsonObject().put(Field.SID, sid)
        .put(Field.SEQ, new JsonObject().put("$lt", firstSeq))).mapEmpty();
  }

  /** Postings found to point at nothing matching (a message since deleted or changed). */
  Future<Void> removeStale(String sid, long seq, Collection<String> terms) {
    return mongo.removeDocuments(POSTINGS, new JsonObject().put(Field.SID, sid).put(Field.SEQ, seq)
        .put(TERM, new JsonObject().put("$in", new JsonArray(new ArrayList<>(terms))))).mapEmpty();
  }

  /**
   * Up to {@code limit} postings of {@code term} in {@code sid} strictly after {@code bound} in search order
   * (from the newest when bound is null): over (term, sid, at, seq), at most two index walks, first the
   * bound's own millisecond (below its seq), then everything older.
   */
  Future<List<Key>> older(String term, String sid, Key bound, int limit) {
    JsonObject fields = new JsonObject().put(Field.AT, 1).put(Field.SEQ, 1);
    JsonObject query = new JsonObject().put(TERM, term).put(Field.SID, sid);
    JsonObject newest = new JsonObject().put(Field.AT, -1).put(Field.SEQ, -1);
    if (bound == null) {
      return find(query, newest, fields, sid, limit);
    }
    Future<List<Key>> sameMs = bound.seq() <= 1 ? Future.succeededFuture(List.of())
        : find(query.copy().put(Field.AT, bound.at()).put(Field.SEQ, new JsonObject().put("$lt", bound.seq())),
            newest, fields, sid, limit);
    return sameMs.compose(first -> {
      if (first.size() >= limit) {
        return Future.succeededFuture(first);
      }
      return find(query.copy().put(Field.AT, new JsonObject().put("$lt", bound.at())), newest, fields, sid,
          limit - first.size()).map(rest -> {
            List<Key> all = new ArrayList<>(first);
            all.addAll(rest);
            return all;
          });
    });
  }

  private Future<List<Key>> find(JsonObject query, JsonObject sort, JsonObject fields, String sid, int limit) {
    FindOptions options = new FindOptions().setSort(sort).setLimit(limit).setFields(fields);
    return mongo.findWithOptions(POSTINGS, query, options).map(found -> found.stream()
        .map(p -> new Key(p.getLong(Field.AT), sid, p.getLong(Field.SEQ))).toList());
  }
}
