package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.runtime.Store;

/**
 * The {@code invites} collection: single-use sign-up codes made by admins
 * ({@code _id} is the code), {@code usedBy} set once a sign-up claims it.
 */
final class InviteStore {
  static final String INVITES = "invites";
  static final String ID = "_id";
  static final String USED_BY = "usedBy";
  static final String USED_AT = "usedAt";
  static final int MAX_LISTED = 500;

  private final MongoClient mongo;

  InviteStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  Future<Void> createIndexes() {
    return Store.index(mongo, INVITES, new JsonObject().put(Field.CREATED_BY, 1), false).mapEmpty();
  }

  /** A new unused code made by {@code admin}: {@code {code, createdAt, createdBy}}. */
  Future<JsonObject> create(String admin) {
    JsonObject invite = new JsonObject().put(ID, Ids.random()).put(Field.CREATED_BY, admin)
        .put(Field.CREATED_AT, System.currentTimeMillis());
    return mongo.insert(INVITES, invite).map(id -> shown(invite));
  }

  /** Marks an unused code used by {@code uid}: true for the one sign-up that claims it. */
  Future<Boolean> claim(String code, String uid) {
    JsonObject unused = new JsonObject().put(ID, code).put(USED_BY, new JsonObject().put("$exists", false));
    return mongo.findOneAndUpdate(INVITES, unused, new JsonObject().put("$set",
        new JsonObject().put(USED_BY, uid).put(USED_AT, System.currentTimeMillis()))).map(before -> before != null);
  }

  /** Gives a claimed code back (the sign-up failed after claiming it). */
  Future<Void> release(String code) {
    return mongo.updateCollection(INVITES, new JsonObject().put(ID, code),
        new JsonObject().put("$unset", new JsonObject().put(USED_BY, "").put(USED_AT, ""))).mapEmpty();
  }

  /** The unused codes, newest first. */
  Future<List<JsonObject>> unused() {
    FindOptions options = new FindOptions().setSort(new JsonObject().put(Field.CREATED_AT, -1)).setLimit(MAX_LISTED);
    return mongo.findWithOptions(INVITES, new JsonObject().put(USED_BY, new JsonObject().put("$exists", false)), options)
        .map(found -> found.stream().map(InviteStore::shown).toList());
  }

  /** Codes made by or used by {@code uid} (account deletion). */
  Future<Void> deleteAllOf(String uid) {
    return mongo.removeDocuments(INVITES, new JsonObject().put("$or", new JsonArray()
        .add(new JsonObject().put(Field.CREATED_BY, uid)).add(new JsonObject().put(USED_BY, uid)))).mapEmpty();
  }

  private static JsonObject shown(JsonObject invite) {
    return new JsonObject().put(Field.CODE, invite.getString(ID)).put(Field.CREATED_AT, invite.getLong(Field.CREATED_AT))
        .put(Field.CREATED_BY, invite.getString(Field.CREATED_BY));
  }
}
