package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.util.List;
import palaver.api.Field;
import palaver.runtime.Store;

/**
 * The {@code friends} collection: one edge per direction,
 * {@code _id = uid:friend}, in state {@code requested} or {@code accepted}.
 * Every query of the collection is here; {@link Friends} decides what they mean.
 */
final class FriendStore {
  static final String FRIENDS = "friends";
  static final String REQUESTED = "requested";
  static final String ACCEPTED = "accepted";
  /** Friends and pending requests of one user, so lists and presence fan-out stay bounded. */
  static final int MAX_EDGES = 1000;
  static final String FRIEND = "friend";
  private static final String ID = "_id";

  private final MongoClient mongo;

  FriendStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  Future<Void> createIndexes() {
    return Future.all(
            Store.index(mongo, FRIENDS, new JsonObject().put(Field.UID, 1).put(Field.STATUS, 1), false),
            Store.index(mongo, FRIENDS, new JsonObject().put(FRIEND, 1).put(Field.STATUS, 1), false))
        .mapEmpty();
  }

  /** The edge {@code from → to}, or null. */
  Future<JsonObject> edge(String from, String to) {
    return mongo.findOne(FRIENDS, new JsonObject().put(ID, edgeId(from, to)), null);
  }

  /** Friends and pending requests {@code uid} has made. */
  Future<Long> countFrom(String uid) {
    return mongo.count(FRIENDS, new JsonObject().put(Field.UID, uid));
  }

  /** {@code uid}'s request to {@code peer}; a repeated one is no change. */
  Future<Void> insertRequest(String uid, String peer) {
    JsonObject edge = new JsonObject().put(ID, edgeId(uid, peer)).put(Field.UID, uid).put(FRIEND, peer)
        .put(Field.STATUS, REQUESTED).put(Field.AT, System.currentTimeMillis());
    return mongo.insert(FRIENDS, edge).<Void>mapEmpty()
        .recover(t -> Store.isDuplicateKey(t) ? Future.succeededFuture() : Future.failedFuture(t));
  }

  /** Both edges accepted: {@code uid}'s is created if it was missing, {@code peer}'s request is turned. */
  Future<Void> acceptBoth(String uid, String peer) {
    JsonObject accepted = new JsonObject().put("$set", new JsonObject().put(Field.STATUS, ACCEPTED));
    return mongo.updateCollectionWithOptions(FRIENDS, new JsonObject().put(ID, edgeId(uid, peer)),
            accepted.copy().put("$setOnInsert", new JsonObject().put(Field.UID, uid).put(FRIEND, peer)
                .put(Field.AT, System.currentTimeMillis())), new UpdateOptions().setUpsert(true))
        .compose(r -> mongo.updateCollection(FRIENDS, new JsonObject().put(ID, edgeId(peer, uid)), accepted))
        .mapEmpty();
  }

  /** Deletes both edges between the two; how many there were. */
  Future<Long> removeBoth(String uid, String peer) {
    JsonObject both = new JsonObject().put(ID, new JsonObject().put("$in",
        new JsonArray().add(edgeId(uid, peer)).add(edgeId(peer, uid))));
    return mongo.removeDocuments(FRIENDS, both).map(r -> r == null ? 0L : r.getRemovedCount());
  }

  /** {@code uid}'s own edges: accepted friends and requests it made. */
  Future<List<JsonObject>> edgesFrom(String uid) {
    return mongo.findWithOptions(FRIENDS, new JsonObject().put(Field.UID, uid), bounded());
  }

  /** Who asked {@code uid} and is still waiting. */
  Future<List<String>> requestersOf(String uid) {
    return mongo.findWithOptions(FRIENDS, new JsonObject().put(FRIEND, uid).put(Field.STATUS, REQUESTED), bounded())
        .map(edges -> edges.stream().map(e -> e.getString(Field.UID)).toList());
  }

  /** The accepted friends of {@code uid}. */
  Future<List<String>> acceptedOf(String uid) {
    return mongo.findWithOptions(FRIENDS, new JsonObject().put(Field.UID, uid).put(Field.STATUS, ACCEPTED),
            bounded().setFields(new JsonObject().put(FRIEND, 1)))
        .map(edges -> edges.stream().map(e -> e.getString(FRIEND)).toList());
  }

  private static FindOptions bounded() {
    return new FindOptions().setLimit(MAX_EDGES);
  }

  /** Uids are URL-safe base64 (no ':'), so the pair is unambiguous. */
  private static String edgeId(String from, String to) {
    return from + ":" + to;
  }

  /** Every edge from or to {@code uid} (account deletion); how many. */
  Future<Long> deleteAllOf(String uid) {
    JsonObject either = new JsonObject().put("$or", new JsonArray()
        .add(new JsonObject().put(Field.UID, uid)).add(new JsonObject().put(FRIEND, uid)));
    return mongo.removeDocuments(FRIENDS, either).map(r -> r == null ? 0L : r.getRemovedCount());
  }
}
