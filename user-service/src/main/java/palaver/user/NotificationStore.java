package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.runtime.Store;

/**
 * The {@code notifications} collection: one document per notification of a
 * user, with its kind, data, read flag and time. Every query of the
 * collection is here; {@link Notifications} pushes and serves them.
 */
final class NotificationStore {
  static final String NOTIFICATIONS = "notifications";
  private static final String ID = "_id";

  private final MongoClient mongo;

  NotificationStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  Future<Void> createIndexes() {
    return Store.index(mongo, NOTIFICATIONS,
        new JsonObject().put(Field.UID, 1).put(Field.READ, 1).put(Field.AT, -1), false);
  }

  /** Stores a new unread notification; the stored document. */
  Future<JsonObject> insert(String uid, String kind, JsonObject data) {
    // Time-ordered, so two notifications of the same millisecond still list newest first.
    JsonObject doc = new JsonObject().put(ID, Ids.timeOrdered()).put(Field.UID, uid).put(Field.KIND, kind)
        .put(Field.DATA, data).put(Field.READ, false).put(Field.AT, System.currentTimeMillis());
    return mongo.insert(NOTIFICATIONS, doc).map(id -> doc);
  }

  /** A page of {@code uid}'s notifications: unread first, newest first within each group. */
  Future<List<JsonObject>> page(String uid, int offset, int limit) {
    FindOptions options = new FindOptions()
        .setSort(new JsonObject().put(Field.READ, 1).put(Field.AT, -1).put(ID, -1))
        .setSkip(offset).setLimit(limit);
    return mongo.findWithOptions(NOTIFICATIONS, new JsonObject().put(Field.UID, uid), options);
  }

  Future<Long> countUnread(String uid) {
    return mongo.count(NOTIFICATIONS, new JsonObject().put(Field.UID, uid).put(Field.READ, false));
  }

  /** Marks {@code uid}'s notification {@code id} read; the document before, or null when it is not theirs. */
  Future<JsonObject> markRead(String uid, String id) {
    return mongo.findOneAndUpdate(NOTIFICATIONS, new JsonObject().put(ID, id).put(Field.UID, uid),
        new JsonObject().put("$set", new JsonObject().put(Field.READ, true)));
  }

  /** What a client sees of a stored notification. */
  static JsonObject view(JsonObject doc) {
    return new JsonObject().put(Field.ID, doc.getString(ID)).put(Field.KIND, doc.getString(Field.KIND))
        .put(Field.DATA, doc.getJsonObject(Field.DATA, new JsonObject())).put(Field.READ, doc.getBoolean(Field.READ))
        .put(Field.AT, doc.getLong(Field.AT));
  }

  /** Every notification of {@code uid} (account deletion); how many. */
  Future<Long> deleteAllOf(String uid) {
    return mongo.removeDocuments(NOTIFICATIONS, new JsonObject().put(Field.UID, uid))
        .map(r -> r == null ? 0L : r.getRemovedCount());
  }
}
