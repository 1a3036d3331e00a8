package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.Map;

/**
 * The filler's access to message-service's store: a batch of numbered messages written as
 * {@link GroupCommit} writes a send batch — one ordered insert ({@link MessageStore#insert}), their search
 * postings ({@link SearchIndex#add}), then one head write per session ({@link MessageStore#moveHeads}).
 */
public final class MessageFill {
  private final MessageStore store;
  private final SearchIndex index;

  private MessageFill(MessageStore store, SearchIndex index) {
    this.store = store;
    this.index = index;
  }

  public static Future<MessageFill> open(MongoClient mongo) {
    MessageStore store = new MessageStore(mongo);
    SearchIndex index = new SearchIndex(mongo);
    return store.createIndexes().compose(v -> index.createIndexes()).map(v -> new MessageFill(store, index));
  }

  /** Each session's last seq by its head (0 for none), so a later fill goes on where the last one (or the server) stopped. */
  public Future<Map<String, Long>> lastSeqs(List<String> sids) {
    return store.lastSeqs(sids);
  }

  /** Writes {@code docs} (each with its seq) as one send batch; fails unless every message and head was written. */
  public Future<Void> write(List<JsonObject> docs) {
    MessageStore.HeadMoves moves = new MessageStore.HeadMoves();
    docs.forEach(moves::add);
    long t0 = System.nanoTime();
    long[] t = new long[3];
    return store.insert(docs).onComplete(x -> t[0] = System.nanoTime()).compose(inserted -> inserted.stored() == docs.size() ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException("stored " + inserted.stored() + " of " + docs.size()
                + (inserted.duplicate() ? " (duplicate key)" : "") + ": " + inserted.refusal())))
        .compose(v -> index.add(docs)).onComplete(x -> t[1] = System.nanoTime())
        .compose(v -> store.moveHeads(moves)).onComplete(x -> {
          if (Boolean.getBoolean("fill.timing")) {
            System.err.printf("insert %.0f ms, postings %.0f ms, heads %.0f ms%n", (t[0] - t0) / 1e6, (t[1] - t[0]) / 1e6,
                (System.nanoTime() - t[1]) / 1e6);
          }
        })
        .compose(unconfirmed -> unconfirmed.isEmpty() ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException("heads not written: " + unconfirmed)));
  }
}
