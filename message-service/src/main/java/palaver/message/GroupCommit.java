package palaver.message;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.ErrorCode;
import palaver.api.Field;

/**
 * Stores messages in batches: sends arriving within a few milliseconds (or
 * while the previous batch is being written) are given consecutive seqs per
 * session and written with one ordered bulk insert, then one head update per
 * session, then acked together. One batch is in flight at a time per
 * instance, so a session's seqs are handed out in order here.
 *
 * <p>The unique (sid, seq) index is the arbiter, not a counter: a seq is taken
 * only by a successful insert, so a crash between steps leaves no gap, and
 * several instances writing one session meet on the index. An ordered insert
 * that fails at document k has stored exactly documents 0..k-1; document k is
 * either a retry (unique (uid, cid): answered with the original, or refused
 * as a conflict when the original is in another session) or lost its
 * seq to another instance (the session's last seq is reloaded); one lookup
 * finds it and every later retry of the batch, and the rest are renumbered
 * and written again. How documents and heads are written and
 * read is {@link MessageStore}'s; this class decides only what and when.
 */
final class GroupCommit {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  /** A stored message, and whether it had been stored before (a retried send). */
  record Appended(JsonObject message, boolean duplicate) {
  }

  static final long WINDOW_MS = 2;
  static final int MAX_BATCH = 256;
  /** Client sends waiting beyond this many are refused at once (about eight batches' worth). */
  static final int MAX_QUEUED = 2048;
  /** Written by nobody's deadline: server-made messages, callers that did not say how long they wait. */
  static final long NO_DEADLINE = Long.MAX_VALUE;
  private static final int MAX_ATTEMPTS = 8;
  private static final int MAX_KNOWN_SESSIONS = 100_000;

  /**
   * One send waiting in a batch; {@code leader} is set when the same (uid, cid) is earlier in the batch
   * (in any session: the unique index is on (uid, cid)).
   */
  private static final class Entry {
    final JsonObject draft;
    /** System.nanoTime() after which nobody waits for this send any more; not written once past it. */
    final long startBy;
    final Promise<Appended> promise = Promise.promise();
    Entry leader;
    JsonObject stored;
    JsonObject original;
    Throwable failure;

    Entry(JsonObject draft, long startBy) {
      this.draft = draft;
      this.startBy = startBy;
    }

    boolean expired(long now) {
      return startBy != NO_DEADLINE && now - startBy > 0;
    }

    String sid() {
      return draft.getString(Field.SID);
    }

    String key() {
      return MessageStore.cidKey(draft);
    }

    JsonObject resolved() {
      return stored != null ? stored : original;
    }
  }

  private final Vertx vertx;
  private final MessageStore store;
  private final Tails tails;
  private final SearchIndex search;
  private final Map<String, Long> lastSeq = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_KNOWN_SESSIONS;
    }
  };
  /** Sessions whose head proved behind their messages: the next load reads the messages. */
  private final Set<String> staleHeads = new HashSet<>();
  private List<Entry> queue = new ArrayList<>();
  private boolean writing;
  private long timer = -1;
  /** Client sends refused or dropped unwritten ({@code palaver_message_shed_total}), when metrics are on. */
  private final Counter shedMetric;
  /** Messages written to the store ({@code palaver_messages_stored_total}). */
  private final Counter storedMetric;

  GroupCommit(Vertx vertx, MessageStore store, Tails tails, SearchIndex search) {
    this.vertx = vertx;
    this.store = store;
    this.tails = tails;
    this.search = search;
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    this.shedMetric = registry == null ? null : Counter.builder("palaver.message.shed")
        .description("client sends refused or dropped unwritten because message-service was overloaded")
        .register(registry);
    this.storedMetric = registry == null ? null : Counter.builder("palaver.messages.stored")
        .description("messages written to the store (retries already stored are not counted again)")
        .register(registry);
  }

  /**
   * Queues a draft (no seq yet) for the next batch. Must be called on the
   * verticle's event loop. A send with a deadline ({@code startBy}, a
   * {@link System#nanoTime()} value) is refused when the queue is full and
   * dropped unwritten when its batch starts after the deadline: under overload
   * the store then works on sends someone still waits for, instead of on
   * sends whose callers already gave up (and will retry with the same cid).
   */
  Future<Appended> append(JsonObject draft, long startBy) {
    if (startBy != NO_DEADLINE && queue.size() >= MAX_QUEUED) {
      shed();
      return Future.failedFuture(busy());
    }
    Entry entry = new Entry(draft, startBy);
    queue.add(entry);
    if (!writing) {
      if (queue.size() >= MAX_BATCH) {
        flush();
      } else if (timer < 0) {
        timer = vertx.setTimer(WINDOW_MS, id -> {
          timer = -1;
          flush();
        });
      }
    }
    return entry.promise.future();
  }

  private void shed() {
    if (shedMetric != null) {
      shedMetric.increment();
    }
  }

  private static Throwable busy() {
    return ErrorCode.UNAVAILABLE.exception("message service busy, not stored: retry with the same cid");
  }

  /** Writes what is queued; what arrives meanwhile forms the next batch, written as soon as this one is done. */
  private void flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (writing) {
      return;
    }
    List<Entry> expired = takeExpired();
    if (!queue.isEmpty()) {
      startBatch();
    }
    // Told last: a caller retrying at once then joins the queue behind the batch just started.
    for (Entry e : expired) {
      shed();
      e.promise.tryFail(busy());
    }
  }

  private void startBatch() {
    List<Entry> batch;
    if (queue.size() <= MAX_BATCH) {
      batch = queue;
      queue = new ArrayList<>();
    } else {
      batch = new ArrayList<>(queue.subList(0, MAX_BATCH));
      queue = new ArrayList<>(queue.subList(MAX_BATCH, queue.size()));
    }
    writing = true;
    commit(batch).onComplete(ar -> {
      if (ar.failed()) {
        // The store failed us mid-batch: what is stored is unknown, so forget
        // what we believed and let the clients retry with their cids.
        LOG.warn("batch of {} failed: {}", batch.size(), ar.cause().toString());
        batch.forEach(e -> {
          forget(e.sid());
          e.promise.tryFail(ErrorCode.UNAVAILABLE.exception("store unavailable, retry with the same cid"));
        });
      }
      writing = false;
      flush();
    });
  }

  /** Removes from the queue, unwritten, the sends whose callers have stopped waiting. */
  private List<Entry> takeExpired() {
    long now = System.nanoTime();
    if (queue.stream().noneMatch(e -> e.expired(now))) {
      return List.of();
    }
    List<Entry> alive = new ArrayList<>(queue.size());
    List<Entry> expired = new ArrayList<>();
    for (Entry e : queue) {
      (e.expired(now) ? expired : alive).add(e);
    }
    queue = alive;
    return expired;
  }

  private Future<Void> commit(List<Entry> batch) {
    List<Entry> leaders = followRepeats(batch);
    return loadLastSeqs(leaders)
        .compose(v -> insert(leaders, 0))
        .compose(v -> index(leaders))
        .compose(v -> updateHeads(leaders))
        .map(v -> {
          batch.forEach(GroupCommit::complete);
          return null;
        });
  }

  /** The same (uid, cid) twice in one batch is stored once; the repeats follow the first. */
  private static List<Entry> followRepeats(List<Entry> batch) {
    Map<String, Entry> first = new HashMap<>();
    List<Entry> leaders = new ArrayList<>();
    for (Entry e : batch) {
      Entry leader = first.putIfAbsent(e.key(), e);
      if (leader == null) {
        leaders.add(e);
      } else {
        e.leader = leader;
      }
    }
    return leaders;
  }

  /**
   * Answers a send from what its (uid, cid) resolved to. A cid is the
   * sender's, not the session's: stored in another session it is a client
   * bug, not a retry, and is refused rather than acked with another session's
   * message (the send would look delivered and never be).
   */
  private static void complete(Entry e) {
    Entry source = e.leader == null ? e : e.leader;
    if (source.failure != null) {
      e.promise.tryFail(source.failure);
    } else if (source.resolved() == null) {
      e.promise.tryFail(ErrorCode.INTERNAL.exception("message not stored"));
    } else if (!inOwnSession(e, source.resolved())) {
      e.promise.tryFail(ErrorCode.CONFLICT.exception("cid already used in another session"));
    } else if (e.leader != null) {
      e.promise.tryComplete(new Appended(source.resolved(), true));
    } else {
      e.promise.tryComplete(new Appended(source.resolved(), source.stored == null));
    }
  }

  private static boolean inOwnSession(Entry e, JsonObject message) {
    return e.sid().equals(message.getString(Field.SID));
  }

  private Future<Void> loadLastSeqs(List<Entry> entries) {
    List<Future<?>> loads = new ArrayList<>();
    Map<String, Boolean> seen = new HashMap<>();
    for (Entry e : entries) {
      String sid = e.sid();
      if (!lastSeq.containsKey(sid) && seen.put(sid, true) == null) {
        loads.add(readLastSeq(sid).onSuccess(last -> {
          lastSeq.putIfAbsent(sid, last);
          tails.anchor(sid, last);
        }));
      }
    }
    return Future.all(loads).mapEmpty();
  }

  /**
   * A session's last seq, from its head (a read by {@code _id}). The head is
   * never behind an acked message but may be behind a stored one (a crash
   * between insert and head write); the insert then collides on (sid, seq),
   * and the session is read again from the messages themselves.
   */
  private Future<Long> readLastSeq(String sid) {
    return staleHeads.remove(sid) ? store.lastStoredSeq(sid) : store.headSeq(sid);
  }

  /** Numbers {@code entries} from each session's last seq and writes them in one ordered bulk insert. */
  private Future<Void> insert(List<Entry> entries, int attempt) {
    if (entries.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<String, Long> next = new HashMap<>();
    List<JsonObject> docs = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      long seq = next.merge(e.sid(), lastSeq.getOrDefault(e.sid(), 0L) + 1, (a, b) -> a + 1);
      docs.add(e.draft.copy().put(Field.SEQ, seq));
    }
    return store.insert(docs).compose(inserted -> {
      stored(entries, docs, inserted.stored());
      return inserted.stored() == entries.size() ? Future.succeededFuture() : partial(entries, inserted, attempt);
    });
  }

  private void stored(List<Entry> entries, List<JsonObject> docs, int count) {
    for (int i = 0; i < count; i++) {
      JsonObject doc = docs.get(i);
      entries.get(i).stored = doc;
      lastSeq.put(doc.getString(Field.SID), doc.getLong(Field.SEQ));
      tails.add(doc);
    }
    if (storedMetric != null) {
      storedMetric.increment(count);
    }
  }

  /** Documents 0..k-1 are stored; resolve document k, renumber the rest and write them again. */
  private Future<Void> partial(List<Entry> entries, MessageStore.Inserted inserted, int attempt) {
    if (inserted.unknown() != null) {
      // Unknown outcome (timeout, lost connection): some prefix may be stored. Forget what we
      // believed about these sessions; the clients' retries with the same cid find what was stored.
      entries.forEach(e -> forget(e.sid()));
      entries.forEach(e -> e.failure = ErrorCode.UNAVAILABLE.exception("store did not confirm, retry with the same cid"));
      LOG.warn("bulk insert outcome unknown: {}", inserted.unknown().toString());
      return Future.succeededFuture();
    }
    int k = inserted.stored();
    Entry failed = entries.get(k);
    List<Entry> rest = new ArrayList<>(entries.subList(k + 1, entries.size()));
    Future<Void> resolved;
    if (!inserted.duplicate()) {
      LOG.error("message insert refused: {}", inserted.refusal());
      failed.failure = ErrorCode.INTERNAL.exception("message could not be stored");
      resolved = Future.succeededFuture();
    } else {
      resolved = resolveDuplicates(failed, rest);
    }
    return resolved.compose(v -> {
      if (attempt + 1 >= MAX_ATTEMPTS) {
        rest.forEach(e -> e.failure = ErrorCode.CONFLICT.exception("session busy, retry with the same cid"));
        return Future.succeededFuture();
      }
      return loadLastSeqs(rest).compose(w -> insert(rest, attempt + 1));
    });
  }

  /**
   * Resolves the failed document and every later one in one lookup: those
   * whose (uid, cid) is stored are retries, answered with their originals,
   * so a batch of many retries (clients resending after the store came back)
   * takes one extra round, not one per retry. When the failed document is no
   * retry, another instance took its seq. Either way a session whose stored
   * messages proved ahead of what was known is read again from the messages.
   */
  private Future<Void> resolveDuplicates(Entry failed, List<Entry> rest) {
    List<Entry> unresolved = new ArrayList<>(rest.size() + 1);
    unresolved.add(failed);
    unresolved.addAll(rest);
    return store.byCids(unresolved.stream().map(e -> e.draft).toList()).map(existing -> {
      rest.clear();
      for (Entry e : unresolved) {
        JsonObject original = existing.get(e.key());
        if (original == null) {
          rest.add(e);
        } else {
          e.original = original;
          if (inOwnSession(e, original) && original.getLong(Field.SEQ) > lastSeq.getOrDefault(e.sid(), 0L)) {
            renumber(e.sid());
          }
        }
      }
      if (failed.original == null) {
        LOG.debug("a seq of session {} was taken by another instance, renumbering", failed.sid());
        renumber(failed.sid());
      }
      return null;
    });
  }

  /** The session's last seq is read again, from its messages (its head proved behind them). */
  private void renumber(String sid) {
    forget(sid);
    staleHeads.add(sid);
  }

  private void forget(String sid) {
    lastSeq.remove(sid);
    tails.invalidate(sid);
  }

  /**
   * The search postings of the batch's messages, stored now or found stored (a retry writes those a
   * crash may have cut short; written twice they change nothing), before the acks: an acked message
   * is findable. A failed write leaves the sends unacked ("retry with the same cid").
   */
  private Future<Void> index(List<Entry> entries) {
    List<JsonObject> messages = new ArrayList<>();
    for (Entry e : entries) {
      JsonObject m = e.resolved();
      if (m != null && inOwnSession(e, m) && e.failure == null) {
        messages.add(m);
      }
    }
    return search.add(messages).recover(t -> {
      LOG.warn("search postings of a batch of {} not written: {}", messages.size(), t.toString());
      entries.stream().filter(e -> e.failure == null)
          .forEach(e -> e.failure = ErrorCode.INTERNAL.exception("message stored but not confirmed, retry with the same cid"));
      return Future.succeededFuture();
    });
  }

  /**
   * One head write per session per batch, to the newest seq this batch stored
   * or found (see {@link MessageStore#moveHeads}). Done before the acks, so a
   * head is never behind an acked message (sync relies on that).
   */
  private Future<Void> updateHeads(List<Entry> entries) {
    MessageStore.HeadMoves moves = new MessageStore.HeadMoves();
    for (Entry e : entries) {
      JsonObject m = e.resolved();
      if (m != null && inOwnSession(e, m)) {
        moves.add(m);
      }
    }
    return store.moveHeads(moves).map(unconfirmed -> {
      unconfirmed.forEach((sid, t) -> unconfirmed(entries, sid, t));
      return null;
    });
  }

  /** The sends of a session whose head could not be written are answered "retry with the same cid". */
  private static void unconfirmed(List<Entry> entries, String sid, Throwable t) {
    LOG.warn("head of session {} not updated: {}", sid, t.getMessage());
    entries.stream().filter(e -> e.sid().equals(sid) && e.failure == null)
        .forEach(e -> e.failure = ErrorCode.INTERNAL.exception("message stored but not confirmed, retry with the same cid"));
  }
}
