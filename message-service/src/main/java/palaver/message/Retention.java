package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Field;
import palaver.api.PushNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Message retention: a periodic sweep removes the chat messages older than the
 * deployment's {@code retentionDays} and, in groups with a shorter retention of
 * their own (session-service's {@link Address#SESSION_RETENTIONS}), older than
 * that; then the files no remaining message carries. No TTL index (the embedded
 * store has none, and a real MongoDB needs none): batched deletes over the
 * (sid, at) and (sid, seq) indexes.
 *
 * <p>What remains of a session is always a run of seqs up to its head: the cut
 * is at the seq of its newest message older than the cutoff (by {@code at}, so
 * a message within clock skew of the cutoff may go one sweep early or late), the
 * head's {@code firstSeq} is raised to the seq after it before anything is
 * deleted, and then everything below {@code firstSeq} goes, oldest first. History
 * and sync tell clients {@code firstSeq}, so a client sees "older messages were
 * removed", never a gap.
 *
 * <p>The sweep's own event-loop work is small (each step is a store query); one
 * instance per process sweeps at a time (a local lock), and processes that
 * sweep together only find less to do.
 */
final class Retention {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
  static final long DAY_MS = 24L * 3600 * 1000;
  /** Messages read per round to find sessions with old messages, and rounds per sweep. */
  static final int SCAN = 1_000;
  static final int MAX_ROUNDS = 100;
  /** Messages deleted per store command. */
  static final int BATCH = 500;
  private static final String LOCK = "palaver.message.retention";

  private final Vertx vertx;
  private final MessageStore messages;
  private final Mentions mentions;
  private final SearchIndex search;
  private final FileStore files;
  private final int deploymentDays;
  private final long intervalMs;
  private final Consumer<List<String>> changed;
  private long timer = -1;

  Retention(Vertx vertx, MessageStore messages, Mentions mentions, SearchIndex search, FileStore files, int deploymentDays,
      long intervalMs, Consumer<List<String>> changed) {
    this.vertx = vertx;
    this.messages = messages;
    this.mentions = mentions;
    this.search = search;
    this.files = files;
    this.deploymentDays = deploymentDays;
    this.intervalMs = intervalMs;
    this.changed = changed;
  }

  void start() {
    timer = vertx.setPeriodic(intervalMs, id -> sweep());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** A group's effective retention: its own, never longer than the deployment's; 0 = none. */
  static int effectiveDays(int deploymentDays, int groupDays) {
    if (groupDays <= 0) {
      return deploymentDays;
    }
    return deploymentDays > 0 ? Math.min(deploymentDays, groupDays) : groupDays;
  }

  /**
   * One sweep, unless another instance of this process is sweeping or swept
   * less than half an interval ago; answers how many messages it removed.
   */
  Future<Long> sweep() {
    LocalMap<String, Long> last = vertx.sharedData().getLocalMap(LOCK);
    return vertx.sharedData().getLocalLockWithTimeout(LOCK, 1).transform(locked -> {
      if (locked.failed()) {
        return Future.succeededFuture(0L);
      }
      long now = System.currentTimeMillis();
      Long previous = last.get(LOCK);
      if (previous != null && now - previous < intervalMs / 2) {
        locked.result().release();
        return Future.succeededFuture(0L);
      }
      last.put(LOCK, now);
      return sweepAll(now).onComplete(ar -> locked.result().release());
    }).onSuccess(n -> {
      if (n > 0) {
        LOG.info("retention removed {} messages", n);
      }
    }).onFailure(t -> LOG.warn("retention sweep failed: {}", t.toString()));
  }

  private Future<Long> sweepAll(long now) {
    Future<Long> deployment = deploymentDays > 0 ? rounds(now - deploymentDays * DAY_MS, 0, 0L)
        : Future.succeededFuture(0L);
    return deployment.compose(n -> groups(now, null, n));
  }

  /** Sessions with messages past the deployment's cutoff, a scan at a time, until a round removes nothing. */
  private Future<Long> rounds(long cutoff, int round, long total) {
    if (round >= MAX_ROUNDS) {
      return Future.succeededFuture(total);
    }
    return messages.sessionsBefore(cutoff, SCAN).compose(sids -> {
      List<String> chats = sids.stream().filter(sid -> !PushNames.isInbox(sid)).toList();
      if (chats.isEmpty()) {
        return Future.succeededFuture(total);
      }
      return cutEach(chats, 0, sid -> cutoff, 0L)
          .compose(n -> n == 0 ? Future.succeededFuture(total) : rounds(cutoff, round + 1, total + n));
    });
  }

  /** The groups with a retention of their own, a page at a time from session-service. */
  private Future<Long> groups(long now, String after, long total) {
    JsonObject request = new JsonObject();
    if (after != null) {
      request.put(Field.AFTER, after);
    }
    return Bus.request(vertx, Address.SESSION_RETENTIONS, request).compose(page -> {
      JsonArray found = page.getJsonArray(Field.SESSIONS, new JsonArray());
      if (found.isEmpty()) {
        return Future.succeededFuture(total);
      }
      List<JsonObject> groups = found.stream().map(JsonObject.class::cast).toList();
      List<String> sids = groups.stream().map(g -> g.getString(Field.SID)).toList();
      java.util.Map<String, Long> cutoffs = new java.util.HashMap<>();
      groups.forEach(g -> cutoffs.put(g.getString(Field.SID),
          now - effectiveDays(deploymentDays, g.getInteger(Field.RETENTION_DAYS, 0)) * DAY_MS));
      return cutEach(sids, 0, cutoffs::get, 0L).compose(n -> page.getBoolean(Field.MORE, false)
          ? groups(now, sids.get(sids.size() - 1), total + n) : Future.succeededFuture(total + n));
    });
  }

  private Future<Long> cutEach(List<String> sids, int i, java.util.function.Function<String, Long> cutoff, long total) {
    if (i >= sids.size()) {
      return Future.succeededFuture(total);
    }
    String sid = sids.get(i);
    return cut(sid, cutoff.apply(sid)).compose(n -> cutEach(sids, i + 1, cutoff, total + n));
  }

  /** Removes a session's messages up to its newest one older than {@code cutoff}; how many went. */
  Future<Long> cut(String sid, long cutoff) {
    return messages.newestSeqBefore(sid, cutoff).compose(seq -> {
      if (seq == 0) {
        return Future.succeededFuture(0L);
      }
      long firstSeq = seq + 1;
      Set<String> fileIds = new LinkedHashSet<>();
      return messages.raiseFirstSeq(sid, firstSeq)
          .compose(v -> deleteBelow(sid, firstSeq, fileIds, 0L))
          .compose(n -> mentions.removeBelow(sid, firstSeq).map(n))
          // The postings after the messages: a sweep cut short leaves postings search skips, never the reverse.
          .compose(n -> search.removeBelow(sid, firstSeq).map(n))
          .compose(n -> {
            if (n > 0) {
              changed.accept(List.of(sid));
            }
            return deleteFiles(List.copyOf(fileIds), 0).map(n);
          });
    });
  }

  private Future<Long> deleteBelow(String sid, long firstSeq, Set<String> fileIds, long total) {
    return messages.below(sid, firstSeq, BATCH).compose(batch -> {
      if (batch.isEmpty()) {
        return Future.succeededFuture(total);
      }
      List<String> ids = batch.stream().map(m -> m.getString("_id")).toList();
      batch.forEach(m -> {
        if (m.getValue(Field.FILE) instanceof JsonObject file && file.getString(Field.FILE_ID) != null) {
          fileIds.add(file.getString(Field.FILE_ID));
        }
      });
      return messages.removeMessages(ids).compose(n -> batch.size() < BATCH ? Future.succeededFuture(total + n)
          : deleteBelow(sid, firstSeq, fileIds, total + n));
    });
  }

  /** The removed messages' files that no message carries any more (a file may be posted in several). */
  private Future<Void> deleteFiles(List<String> fileIds, int i) {
    if (i >= fileIds.size()) {
      return Future.succeededFuture();
    }
    String fileId = fileIds.get(i);
    return messages.fileReferenced(fileId)
        .compose(kept -> kept ? Future.succeededFuture() : files.deletePosted(fileId).mapEmpty())
        .compose(v -> deleteFiles(fileIds, i + 1));
  }
}
