package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import palaver.api.Field;
import palaver.api.Frames;

/**
 * Answers a sync (the messages after each of a user's positions): from the
 * {@link Tails} what they cover, the rest from the {@link MessageStore}
 * (which refills the tails). At most {@value #PER_SESSION} messages per
 * session and {@value #TOTAL} in all; sessions cut short are listed in
 * {@code more}. Used only from the verticle's event loop.
 */
final class SyncReader {
  static final int PER_SESSION = 200;
  static final int TOTAL = 2_000;

  private final MessageStore store;
  private final Tails tails;
  /** True where this is the only instance writing messages: a kept tail then ends at the true head. */
  private final BooleanSupplier soleWriter;

  SyncReader(MessageStore store, Tails tails, BooleanSupplier soleWriter) {
    this.store = store;
    this.tails = tails;
    this.soleWriter = soleWriter;
  }

  /** {@code {sessions: {sid: [message...]}, more: [sid...]}} for the sessions {@code sids}, after {@code positions}. */
  Future<JsonObject> read(List<String> sids, JsonObject positions) {
    return trueHeads(sids).compose(heads -> missed(sids, positions, heads));
  }

  /**
   * Where this is the sole writer, null: the tails end at the true heads.
   * Otherwise other instances may have stored more, so the heads are read
   * (one query; a head is moved before any ack, so it covers every acked
   * message).
   */
  private Future<Map<String, Long>> trueHeads(List<String> sids) {
    if (sids.isEmpty() || soleWriter.getAsBoolean()) {
      return Future.succeededFuture(null);
    }
    return store.lastSeqs(sids);
  }

  private Future<JsonObject> missed(List<String> sids, JsonObject positions, Map<String, Long> heads) {
    JsonObject sessions = new JsonObject();
    JsonArray more = new JsonArray();
    List<String> fromStore = new ArrayList<>();
    int budget = TOTAL;
    for (String sid : sids) {
      long after = positions.getLong(sid);
      Tails.Slice slice = tails.after(sid, after, Math.min(PER_SESSION, budget));
      if (slice == null || (heads != null && slice.end() < heads.getOrDefault(sid, 0L))) {
        fromStore.add(sid);
        continue;
      }
      budget -= slice.messages().size();
      collect(sessions, more, sid, new MessageStore.Page(slice.messages(), slice.more()));
    }
    int share = fromStore.isEmpty() ? 0 : Math.min(PER_SESSION, budget / fromStore.size());
    List<Future<?>> reads = new ArrayList<>();
    for (String sid : fromStore) {
      long after = positions.getLong(sid);
      if (share == 0) {
        more.add(sid);
        continue;
      }
      reads.add(store.page(sid, null, after, share).onSuccess(page -> {
        tails.fill(sid, after, page.messages(), !page.more());
        collect(sessions, more, sid, page);
      }));
    }
    // After the reads: retention raises firstSeq before it deletes, so what a read missed is covered.
    return Future.all(reads).compose(v -> store.firstSeqs(fromStore))
        .map(firsts -> new JsonObject().put(Field.SESSIONS, sessions).put(Field.MORE, more)
            .put(Field.FIRST_SEQS, removedAfter(firsts, positions)));
  }

  /**
   * {sid: firstSeq} where the client's position is older than the first kept seq: the messages
   * between were removed by retention (the client shows so instead of a gap).
   */
  private static JsonObject removedAfter(Map<String, Long> firsts, JsonObject positions) {
    JsonObject out = new JsonObject();
    firsts.forEach((sid, first) -> {
      if (positions.getLong(sid) + 1 < first) {
        out.put(sid, first);
      }
    });
    return out;
  }

  private static void collect(JsonObject sessions, JsonArray more, String sid, MessageStore.Page page) {
    if (!page.messages().isEmpty()) {
      sessions.put(sid, frames(page.messages()));
    }
    if (page.more()) {
      more.add(sid);
    }
  }

  /** Stored messages as the frames a client gets. */
  static JsonArray frames(List<JsonObject> messages) {
    JsonArray out = new JsonArray();
    messages.forEach(m -> out.add(Frames.message(m)));
    return out;
  }
}
