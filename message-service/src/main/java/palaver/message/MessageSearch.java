package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Frames;
import palaver.message.SearchIndex.Key;

/**
 * Answers a search over the sessions it is given (the caller's, decided by
 * {@link MessageVerticle}): per session, the postings of one query word are
 * walked newest first ({@link SearchIndex#older}), messages holding every other
 * word kept; the sessions' hits are merged newest first and cut to a page; the
 * page's messages are read and checked against the words once more, so a
 * posting left behind by an edit or deletion never shows (and is removed).
 *
 * <p>Each session's walk is bounded ({@value #MAX_SCAN} postings per page), so a
 * rare word next to a common one costs at most that much per session; a page
 * cut short by the bound says {@code more} and its {@code next} continues after
 * what was read.
 */
final class MessageSearch {
  private static final Logger LOG = LoggerFactory.getLogger(MessageSearch.class);
  static final int MAX_QUERY = 200;
  static final int MAX_WORDS = 8;
  static final int LIMIT_MAX = 50;
  static final int LIMIT_DEFAULT = 20;
  /** Postings one session's walk reads per page at most. */
  static final int MAX_SCAN = 1_000;
  /** Postings read per step of a multi-word walk (and messages read with them: one {@code $in} of seqs). */
  private static final int STEP = 100;
  /** Sessions walked at once. */
  private static final int PARALLEL = 16;

  /** A valid search: the words, at most one session, where the page starts, how many hits. */
  record Query(String uid, List<String> terms, String sid, Key before, int limit) {
    /** The word whose postings are walked: the longest (longer words tend to be rarer). */
    String driving() {
      return terms.stream().max(Comparator.comparingInt(String::length)).orElseThrow();
    }
  }

  /** One session's walk: the hits it found, and where it stopped when the bound cut it short (else null). */
  private record Walk(List<Key> hits, Key stoppedAt) {
  }

  private final SearchIndex index;
  private final MessageStore store;

  MessageSearch(SearchIndex index, MessageStore store) {
    this.index = index;
    this.store = store;
  }

  /** The request's fields, or a 400 naming what is wrong; no character of {@code q} is ever interpreted. */
  static Query valid(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    if (body.getValue(Field.QUERY) != null && !(body.getValue(Field.QUERY) instanceof String)) {
      throw ErrorCode.INVALID.exception("q must be a string");
    }
    String q = body.getString(Field.QUERY, "");
    if (q.length() > MAX_QUERY) {
      throw ErrorCode.INVALID.exception("q must have at most " + MAX_QUERY + " characters");
    }
    List<String> terms = new ArrayList<>(SearchTerms.of(q, MAX_WORDS + 1));
    if (terms.isEmpty()) {
      throw ErrorCode.INVALID.exception("q must contain a word (letters or digits)");
    }
    if (terms.size() > MAX_WORDS) {
      throw ErrorCode.INVALID.exception("q must have at most " + MAX_WORDS + " words");
    }
    String sid = Check.optionalString(body, Field.SID, 64);
    if (sid != null && sid.isEmpty()) {
      sid = null;
    }
    if (sid != null) {
      sid = MessageVerticle.chatSid(body);
    }
    String before = Check.optionalString(body, Field.BEFORE, 128);
    Long limit = Check.optionalLong(body, Field.LIMIT, 1, LIMIT_MAX);
    return new Query(uid, List.copyOf(terms), sid, before == null || before.isEmpty() ? null : Key.parse(before),
        limit == null ? LIMIT_DEFAULT : limit.intValue());
  }

  /** A page of {@code q}'s hits among {@code sids}: {@code {terms, hits, more, next?}}. */
  Future<JsonObject> search(Query q, List<String> sids) {
    return walkAll(q, sids, 0, new ArrayList<>()).compose(walks -> {
      List<Key> hits = new ArrayList<>();
      Key cut = null;
      for (Walk w : walks) {
        hits.addAll(w.hits());
        if (w.stoppedAt() != null && (cut == null || cut.after(w.stoppedAt()))) {
          cut = w.stoppedAt();
        }
      }
      hits.sort(Key.NEWEST_FIRST);
      Key known = cut;
      List<Key> inReach = known == null ? hits : hits.stream().filter(h -> !h.after(known)).toList();
      List<Key> page = inReach.subList(0, Math.min(q.limit(), inReach.size()));
      Key next = inReach.size() > q.limit() ? page.get(page.size() - 1) : cut;
      return messages(q, page).map(found -> {
        JsonObject answer = new JsonObject().put(Field.TERMS, new JsonArray(q.terms())).put(Field.HITS, found)
            .put(Field.MORE, next != null);
        if (next != null) {
          answer.put(Field.NEXT, next.cursor());
        }
        return answer;
      });
    });
  }

  /** The walks of every session, {@value #PARALLEL} at a time. */
  private Future<List<Walk>> walkAll(Query q, List<String> sids, int from, List<Walk> done) {
    if (from >= sids.size()) {
      return Future.succeededFuture(done);
    }
    List<Future<Walk>> wave = new ArrayList<>();
    for (String sid : sids.subList(from, Math.min(sids.size(), from + PARALLEL))) {
      wave.add(walk(q, sid, bound(q.before(), sid), new ArrayList<>(), 0));
    }
    return Future.all(wave).compose(all -> {
      for (int i = 0; i < all.size(); i++) {
        done.add(all.resultAt(i));
      }
      return walkAll(q, sids, from + PARALLEL, done);
    });
  }

  /** Where a session's walk starts for a page after {@code before}: the same point in search order. */
  private static Key bound(Key before, String sid) {
    if (before == null) {
      return null;
    }
    int order = sid.compareTo(before.sid());
    if (order == 0) {
      return before;
    }
    // Sids below the cursor's come after it at the same millisecond (all of it), those above before it.
    return new Key(before.at(), sid, order < 0 ? Long.MAX_VALUE : 0);
  }

  /**
   * Walks one session's postings of the driving word from {@code bound}: one word is answered by the
   * postings themselves (checked with the page's messages later); several by reading each step's
   * messages and keeping those with every word.
   */
  private Future<Walk> walk(Query q, String sid, Key bound, List<Key> hits, int scanned) {
    boolean oneWord = q.terms().size() == 1;
    int want = oneWord ? q.limit() + 1 : Math.min(STEP, MAX_SCAN - scanned);
    return index.older(q.driving(), sid, bound, want).compose(postings -> {
      Future<List<Key>> matching = oneWord ? Future.succeededFuture(postings) : holdingAll(q, sid, postings);
      return matching.compose(found -> {
        hits.addAll(found);
        int read = scanned + postings.size();
        if (postings.size() < want || hits.size() > q.limit()) {
          return Future.succeededFuture(new Walk(hits, null));
        }
        Key last = postings.get(postings.size() - 1);
        if (read >= MAX_SCAN) {
          return Future.succeededFuture(new Walk(hits, last));
        }
        return walk(q, sid, last, hits, read);
      });
    });
  }

  /** Those of {@code postings} whose message holds every word of the query. */
  private Future<List<Key>> holdingAll(Query q, String sid, List<Key> postings) {
    return store.bySeqs(sid, postings.stream().map(Key::seq).toList()).map(messages -> {
      Map<Long, JsonObject> bySeq = new HashMap<>();
      messages.forEach(m -> bySeq.put(m.getLong(Field.SEQ), m));
      return postings.stream().filter(p -> SearchTerms.ofMessage(bySeq.get(p.seq())).containsAll(q.terms())).toList();
    });
  }

  /** The page's messages, in page order, as summaries; stale postings are dropped from the answer and the index. */
  private Future<JsonArray> messages(Query q, List<Key> page) {
    Map<String, List<Long>> bySid = new LinkedHashMap<>();
    page.forEach(k -> bySid.computeIfAbsent(k.sid(), s -> new ArrayList<>()).add(k.seq()));
    Map<String, JsonObject> found = new HashMap<>();
    List<Future<?>> reads = new ArrayList<>();
    bySid.forEach((sid, seqs) -> reads.add(store.bySeqs(sid, seqs)
        .onSuccess(ms -> ms.forEach(m -> found.put(sid + "\n" + m.getLong(Field.SEQ), m)))));
    return Future.all(reads).map(v -> {
      JsonArray hits = new JsonArray();
      for (Key k : page) {
        JsonObject m = found.get(k.sid() + "\n" + k.seq());
        Set<String> words = SearchTerms.ofMessage(m);
        if (words.containsAll(q.terms())) {
          hits.add(Frames.messageSummary(m));
        } else {
          List<String> gone = q.terms().stream().filter(t -> !words.contains(t)).toList();
          index.removeStale(k.sid(), k.seq(), gone)
              .onFailure(t -> LOG.debug("stale postings of {}/{} not removed: {}", k.sid(), k.seq(), t.toString()));
        }
      }
      return hits;
    });
  }
}
