package palaver.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import palaver.api.Field;
import palaver.runtime.Store;

/**
 * The {@code invitations} collection: invitations to a group waiting for the
 * invitee's answer, {@code _id = sid/uid} (one per group and invitee, so a
 * repeated invite is no second one). Not memberships: nothing here reaches
 * the invitee's session list, {@code ready} or fan-out.
 */
final class InvitationStore {
  static final String INVITATIONS = "invitations";
  /** Invitations one user can have waiting; older ones must be answered first. */
  static final int MAX_PENDING = 100;

  private final MongoClient mongo;

  InvitationStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  Future<Void> createIndexes() {
    return Future.all(Store.index(mongo, INVITATIONS, new JsonObject().put(Field.UID, 1).put(Field.AT, -1), false),
        Store.index(mongo, INVITATIONS, new JsonObject().put(Field.BY, 1), false)).mapEmpty();
  }

  /** Every invitation to {@code uid} or made by {@code uid} (an account being deleted); how many went. */
  Future<Long> deleteAllOf(String uid) {
    JsonObject either = new JsonObject().put("$or", new JsonArray()
        .add(new JsonObject().put(Field.UID, uid)).add(new JsonObject().put(Field.BY, uid)));
    return mongo.removeDocuments(INVITATIONS, either).map(r -> r == null ? 0L : r.getRemovedCount());
  }

  /** Stores the invitation: true if new, false if the user was invited to the group already. */
  Future<Boolean> insert(String sid, String uid, String name, String by) {
    JsonObject doc = new JsonObject().put("_id", SessionStore.memberId(sid, uid)).put(Field.SID, sid)
        .put(Field.UID, uid).put(Field.NAME, name).put(Field.BY, by).put(Field.AT, System.currentTimeMillis());
    return mongo.insert(INVITATIONS, doc).map(true)
        .recover(t -> Store.isDuplicateKey(t) ? Future.succeededFuture(false) : Future.failedFuture(t));
  }

  /** The invitation, or null. */
  Future<JsonObject> find(String sid, String uid) {
    return mongo.findOne(INVITATIONS, new JsonObject().put("_id", SessionStore.memberId(sid, uid)), null);
  }

  /** Removes it; whether there was one. */
  Future<Boolean> delete(String sid, String uid) {
    return mongo.removeDocument(INVITATIONS, new JsonObject().put("_id", SessionStore.memberId(sid, uid)))
        .map(r -> r != null && r.getRemovedCount() > 0);
  }

  Future<Long> countFor(String uid) {
    return mongo.count(INVITATIONS, new JsonObject().put(Field.UID, uid));
  }

  /** The user's waiting invitations, newest first. */
  Future<List<JsonObject>> of(String uid) {
    FindOptions options = new FindOptions().setSort(new JsonObject().put(Field.AT, -1)).setLimit(MAX_PENDING)
        .setFields(new JsonObject().put("_id", 0));
    return mongo.findWithOptions(INVITATIONS, new JsonObject().put(Field.UID, uid), options);
  }
}
