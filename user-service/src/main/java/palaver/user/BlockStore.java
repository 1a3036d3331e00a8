package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import palaver.api.Field;
import palaver.runtime.Store;

/**
 * The {@code blocks} collection: one document per block,
 * {@code _id = uid:peer} ({@code uid} blocks {@code peer}). Every query of
 * the collection is here; {@link Blocks} decides what a block means.
 */
final class BlockStore {
  static final String BLOCKS = "blocks";
  /** Blocks one user keeps, so the list stays bounded. */
  static final int MAX_BLOCKS = 1000;
  private static final String ID = "_id";

  private final MongoClient mongo;

  BlockStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  Future<Void> createIndexes() {
    return Future.all(Store.index(mongo, BLOCKS, new JsonObject().put(Field.UID, 1), false),
        Store.index(mongo, BLOCKS, new JsonObject().put(Field.PEER, 1), false)).mapEmpty();
  }

  /** Every block by {@code uid} or of {@code uid} (an account being deleted); how many went. */
  Future<Long> deleteAllOf(String uid) {
    JsonObject either = new JsonObject().put("$or", new JsonArray()
        .add(new JsonObject().put(Field.UID, uid)).add(new JsonObject().put(Field.PEER, uid)));
    return mongo.removeDocuments(BLOCKS, either).map(r -> r == null ? 0L : r.getRemovedCount());
  }

  /** {@code uid} blocks {@code peer}; blocking again is no change. */
  Future<Void> insert(String uid, String peer) {
    JsonObject block = new JsonObject().put(ID, id(uid, peer)).put(Field.UID, uid).put(Field.PEER, peer)
        .put(Field.AT, System.currentTimeMillis());
    return mongo.insert(BLOCKS, block).<Void>mapEmpty()
        .recover(t -> Store.isDuplicateKey(t) ? Future.succeededFuture() : Future.failedFuture(t));
  }

  /** Lifts the block; whether there was one. */
  Future<Boolean> remove(String uid, String peer) {
    return mongo.removeDocument(BLOCKS, new JsonObject().put(ID, id(uid, peer)))
        .map(r -> r != null && r.getRemovedCount() > 0);
  }

  Future<Long> countFrom(String uid) {
    return mongo.count(BLOCKS, new JsonObject().put(Field.UID, uid));
  }

  /** Whom {@code uid} blocks, oldest block first. */
  Future<List<String>> blockedBy(String uid) {
    FindOptions options = new FindOptions().setSort(new JsonObject().put(Field.AT, 1)).setLimit(MAX_BLOCKS);
    return mongo.findWithOptions(BLOCKS, new JsonObject().put(Field.UID, uid), options)
        .map(found -> found.stream().map(b -> b.getString(Field.PEER)).toList());
  }

  /** Whether either of the two blocks the other (two reads by {@code _id}). */
  Future<Boolean> eitherBlocks(String a, String b) {
    JsonObject both = new JsonObject().put(ID, new JsonObject().put("$in", new JsonArray().add(id(a, b)).add(id(b, a))));
    return mongo.count(BLOCKS, both).map(n -> n > 0);
  }

  /** Uids are URL-safe base64 (no ':'), so the pair is unambiguous. */
  private static String id(String uid, String peer) {
    return uid + ":" + peer;
  }
}
