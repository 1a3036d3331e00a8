package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.runtime.PalaverConfig;
import palaver.runtime.Setting;
import palaver.runtime.Store;
import palaver.store.EmbeddedStore;
import palaver.testing.Await;
import palaver.testing.TestStore;

/**
 * GroupCommit on a real embedded store (its numbering is decided by the
 * store's unique indexes, so it is not separated from them), with a store
 * that counts the writes it is asked for.
 */
@DisplayName("GroupCommit: batching and gap-free numbering of sends")
class GroupCommitTest {
  private EmbeddedStore embedded;
  private Vertx vertx;
  private MongoClient mongo;
  private CountingStore store;
  private GroupCommit commits;
  private Context context;

  /** The real store, counting the bulk inserts and head writes it is asked for. */
  private static final class CountingStore extends MessageStore {
    final List<Integer> insertSizes = new CopyOnWriteArrayList<>();
    final List<Integer> headWriteSessions = new CopyOnWriteArrayList<>();
    final List<Integer> cidLookups = new CopyOnWriteArrayList<>();

    CountingStore(MongoClient mongo) {
      super(mongo);
    }

    @Override
    Future<Inserted> insert(List<JsonObject> docs) {
      insertSizes.add(docs.size());
      return super.insert(docs);
    }

    @Override
    Future<Map<String, JsonObject>> byCids(List<JsonObject> drafts) {
      cidLookups.add(drafts.size());
      return super.byCids(drafts);
    }

    @Override
    Future<Map<String, Throwable>> moveHeads(HeadMoves moves) {
      headWriteSessions.add(moves.sessions());
      return super.moveHeads(moves);
    }
  }

  @BeforeEach
  void start() {
    embedded = TestStore.fresh();
    vertx = Vertx.vertx();
    JsonObject config = PalaverConfig.defaults().put(Setting.MONGO_URI.key(), embedded.connectionString());
    mongo = Store.client(vertx, config);
    store = new CountingStore(mongo);
    Await.result(store.createIndexes());
    context = vertx.getOrCreateContext();
    commits = new GroupCommit(vertx, store, new Tails(), new SearchIndex(mongo));
  }

  @AfterEach
  void stop() {
    try {
      Await.result(vertx.close());
    } finally {
      embedded.close();
    }
  }

  @Test
  @DisplayName("Sends queued in one window are written with one bulk insert")
  void oneWindowOneInsert() {
    appendAll(draft("a", "u1", "c1"), draft("a", "u1", "c2"), draft("b", "u1", "c3"), draft("a", "u2", "c4"));
    assertEquals(List.of(4), store.insertSizes);
  }

  @Test
  @DisplayName("A batch moves each session's head once, in one head write for all its sessions")
  void oneHeadWritePerSession() {
    appendAll(draft("a", "u1", "c1"), draft("a", "u1", "c2"), draft("b", "u1", "c3"), draft("a", "u2", "c4"));
    assertEquals(List.of(2), store.headWriteSessions);
    assertEquals(3L, headSeq("a"));
    assertEquals(1L, headSeq("b"));
  }

  @Test
  @DisplayName("Sends of one batch are numbered per session, consecutively and in the order they were queued")
  void numberedPerSessionInOrder() {
    List<GroupCommit.Appended> done = appendAll(draft("a", "u1", "c1"), draft("b", "u1", "c2"), draft("a", "u1", "c3"),
        draft("a", "u1", "c4"));
    assertEquals(List.of(1L, 1L, 2L, 3L), done.stream().map(d -> d.message().getLong(Field.SEQ)).toList());
  }

  @Test
  @DisplayName("A later batch continues from the seq the previous one ended at")
  void laterBatchContinues() {
    appendAll(draft("a", "u1", "c1"), draft("a", "u1", "c2"));
    List<GroupCommit.Appended> later = appendAll(draft("a", "u1", "c3"));
    assertEquals(3L, later.get(0).message().getLong(Field.SEQ));
  }

  @Test
  @DisplayName("A seq taken by another writer makes the batch re-read the last seq and renumber without gaps")
  void takenSeqIsRenumbered() {
    storeDirectly("a", 1, "elsewhere", "x1");
    List<GroupCommit.Appended> done = appendAll(draft("a", "u1", "c1"), draft("a", "u1", "c2"), draft("a", "u1", "c3"));
    assertEquals(List.of(2L, 3L, 4L), done.stream().map(d -> d.message().getLong(Field.SEQ)).toList());
    assertEquals(List.of(1L, 2L, 3L, 4L), storedSeqs("a"));
  }

  @Test
  @DisplayName("A head behind the stored messages (a crash before its write) is corrected from the messages themselves")
  void staleHeadIsCorrected() {
    for (long seq = 1; seq <= 3; seq++) {
      storeDirectly("a", seq, "elsewhere", "x" + seq);
    }
    Await.result(mongo.insert(MessageStore.HEADS, new JsonObject().put("_id", "a").put(Field.LAST_SEQ, 1L)));
    List<GroupCommit.Appended> done = appendAll(draft("a", "u1", "c1"));
    assertEquals(4L, done.get(0).message().getLong(Field.SEQ));
    assertEquals(List.of(1L, 2L, 3L, 4L), storedSeqs("a"));
    assertEquals(4L, headSeq("a"));
  }

  @Test
  @DisplayName("A renumbered session keeps its other sessions' messages of the batch as they were")
  void collisionLeavesOtherSessions() {
    storeDirectly("a", 1, "elsewhere", "x1");
    appendAll(draft("b", "u1", "c1"), draft("a", "u1", "c2"), draft("b", "u1", "c3"));
    assertEquals(List.of(1L, 2L), storedSeqs("b"));
    assertEquals(List.of(1L, 2L), storedSeqs("a"));
  }

  @Test
  @DisplayName("A send whose (uid, cid) is already stored is answered with the original, as a duplicate")
  void storedRetryIsAnsweredWithOriginal() {
    storeDirectly("a", 1, "u1", "c1");
    GroupCommit.Appended again = appendAll(draft("a", "u1", "c1")).get(0);
    assertTrue(again.duplicate());
    assertEquals(1L, again.message().getLong(Field.SEQ));
    assertEquals(List.of(1L), storedSeqs("a"));
  }

  @Test
  @DisplayName("The same (uid, cid) twice in one batch is stored once; the repeat is the duplicate")
  void repeatInBatchStoredOnce() {
    List<GroupCommit.Appended> done = appendAll(draft("a", "u1", "c1"), draft("a", "u1", "c1"));
    assertFalse(done.get(0).duplicate());
    assertTrue(done.get(1).duplicate());
    assertEquals(done.get(0).message().getString("_id"), done.get(1).message().getString("_id"));
    assertEquals(List.of(1L), storedSeqs("a"));
  }

  @Test
  @DisplayName("A (uid, cid) stored in another session is refused as a conflict, and nothing is stored for it")
  void storedCidOfAnotherSessionConflicts() {
    storeDirectly("a", 1, "u1", "c1");
    Throwable t = failureOf(draft("b", "u1", "c1"));
    assertEquals(ErrorCode.CONFLICT.status(), ((ReplyException) t).failureCode());
    assertEquals(List.of(), storedSeqs("b"));
  }

  @Test
  @DisplayName("The same (uid, cid) in two sessions of one batch is stored in the first; the second is a conflict")
  void repeatInOtherSessionOfBatchConflicts() {
    Promise<List<Future<GroupCommit.Appended>>> both = Promise.promise();
    context.runOnContext(v -> {
      List<Future<GroupCommit.Appended>> queued = List.of(commits.append(draft("a", "u1", "c1"), GroupCommit.NO_DEADLINE),
          commits.append(draft("b", "u1", "c1"), GroupCommit.NO_DEADLINE));
      Future.join(queued).onComplete(ar -> both.complete(queued));
    });
    List<Future<GroupCommit.Appended>> done = Await.result(both.future());
    assertFalse(done.get(0).result().duplicate());
    assertTrue(done.get(1).failed(), "the send in the other session was answered as a duplicate");
    assertEquals(ErrorCode.CONFLICT.status(), ((ReplyException) done.get(1).cause()).failureCode());
    assertEquals(List.of(1L), storedSeqs("a"));
    assertEquals(List.of(), storedSeqs("b"));
  }

  @Test
  @DisplayName("A batch without stored cids or taken seqs asks the store for no lookup")
  void normalBatchLooksNothingUp() {
    appendAll(draft("a", "u1", "c1"), draft("a", "u1", "c2"), draft("b", "u2", "c3"));
    assertEquals(List.of(), store.cidLookups);
    assertEquals(List.of(3), store.insertSizes);
  }

  @Test
  @DisplayName("Many retries of sends stored without their head (outcome unknown) are resolved in one lookup, all acked, gap-free")
  void manyStoredRetriesResolvedAtOnce() {
    int stored = 12;
    List<JsonObject> drafts = new ArrayList<>();
    for (int i = 0; i < stored; i++) {
      storeDirectly("a", i + 1, "u1", "old" + i);
      drafts.add(draft("a", "u1", "old" + i));
      drafts.add(draft("a", "u1", "new" + i));
    }
    List<GroupCommit.Appended> done = appendAll(drafts.toArray(JsonObject[]::new));
    for (int i = 0; i < stored; i++) {
      GroupCommit.Appended retry = done.get(2 * i);
      assertTrue(retry.duplicate());
      assertEquals(i + 1L, retry.message().getLong(Field.SEQ), "a retry gets its original seq");
      GroupCommit.Appended fresh = done.get(2 * i + 1);
      assertFalse(fresh.duplicate());
      assertEquals(stored + i + 1L, fresh.message().getLong(Field.SEQ), "new sends follow the stored ones, in order");
    }
    assertEquals(LongStream.rangeClosed(1, 2L * stored).boxed().toList(), storedSeqs("a"));
    assertEquals(1, store.cidLookups.size(), "lookups: " + store.cidLookups);
    assertEquals(2, store.insertSizes.size(), "inserts: " + store.insertSizes);
  }

  @Test
  @DisplayName("A send whose caller stopped waiting before its batch started is answered unavailable and not written")
  void expiredSendIsShed() {
    Promise<Throwable> failure = Promise.promise();
    context.runOnContext(v -> commits.append(draft("a", "u1", "c1"), System.nanoTime() - 1)
        .onComplete(ar -> failure.complete(ar.cause())));
    Throwable t = Await.result(failure.future());
    assertEquals(ErrorCode.UNAVAILABLE.status(), ((ReplyException) t).failureCode());
    assertEquals(List.of(), storedSeqs("a"));
    assertEquals(List.of(), store.insertSizes);
  }

  // ---- helpers ----

  /** Queues {@code drafts} in one turn of the event loop (so in one window) and waits for all of them. */
  private List<GroupCommit.Appended> appendAll(JsonObject... drafts) {
    Promise<List<GroupCommit.Appended>> all = Promise.promise();
    context.runOnContext(v -> {
      List<Future<GroupCommit.Appended>> queued = new ArrayList<>();
      for (JsonObject d : drafts) {
        queued.add(commits.append(d, GroupCommit.NO_DEADLINE));
      }
      Future.all(queued).map(done -> queued.stream().map(Future::result).toList()).onComplete(all);
    });
    return Await.result(all.future());
  }

  /** Queues one draft and waits for its failure. */
  private Throwable failureOf(JsonObject draft) {
    Promise<Throwable> failure = Promise.promise();
    context.runOnContext(v -> commits.append(draft, GroupCommit.NO_DEADLINE).onComplete(ar -> failure.complete(ar.cause())));
    Throwable t = Await.result(failure.future());
    assertNotNull(t, "the send was not refused");
    return t;
  }

  private static JsonObject draft(String sid, String uid, String cid) {
    return new JsonObject().put("_id", Ids.random()).put(Field.SID, sid).put(Field.UID, uid).put(Field.CID, cid)
        .put(Field.MSG_TYPE, "text").put(Field.CONTENT, cid).put(Field.AT, System.currentTimeMillis());
  }

  /** A message stored without this GroupCommit knowing (another instance's). */
  private void storeDirectly(String sid, long seq, String uid, String cid) {
    Await.result(mongo.insert(MessageStore.MESSAGES, draft(sid, uid, cid).put(Field.SEQ, seq)));
  }

  private List<Long> storedSeqs(String sid) {
    return Await.result(mongo.findWithOptions(MessageStore.MESSAGES, new JsonObject().put(Field.SID, sid),
            new FindOptions().setSort(new JsonObject().put(Field.SEQ, 1))))
        .stream().map(m -> m.getLong(Field.SEQ)).toList();
  }

  private long headSeq(String sid) {
    return Await.result(store.headSeq(sid));
  }
}
