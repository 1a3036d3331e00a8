package palaver.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.runtime.Store;

/**
 * The {@code sessions} and {@code members} collections. A membership's id is
 * {@code sid/uid}, so a repeated join or a concurrent one can't insert twice.
 */
final class SessionStore {
  static final String SESSIONS = "sessions";
  static final String MEMBERS = "members";

  static final String OWNER = "owner";
  static final String ADMIN = "admin";
  static final String MEMBER = "member";

  private final MongoClient mongo;

  SessionStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  MongoClient mongo() {
    return mongo;
  }

  Future<Void> createIndexes() {
    return Future.all(
            Store.index(mongo, MEMBERS, new JsonObject().put(Field.UID, 1), false),
            Store.index(mongo, MEMBERS, new JsonObject().put(Field.SID, 1).put(Field.ROLE, 1).put("joinedAt", 1), false),
            Store.index(mongo, SESSIONS, new JsonObject().put(Field.VISIBILITY, 1).put("createdAt", -1), false))
        .mapEmpty();
  }

  /** The session document; 404 when there is none. */
  Future<JsonObject> session(String sid) {
    return mongo.findOne(SESSIONS, new JsonObject().put("_id", sid), null).compose(s -> s == null
        ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such session"))
        : Future.succeededFuture(s));
  }

  /** A group session; 404 when there is none, 400 for a private (pair) session. */
  Future<JsonObject> group(String sid) {
    return session(sid).compose(s -> isGroup(s) ? Future.succeededFuture(s)
        : Future.failedFuture(ErrorCode.INVALID.exception("a private session has exactly its two members")));
  }

  /** The membership document, or null. */
  Future<JsonObject> member(String sid, String uid) {
    return mongo.findOne(MEMBERS, new JsonObject().put("_id", memberId(sid, uid)), null);
  }

  /** The caller's membership; 403 when not a member. */
  Future<JsonObject> requireMember(String sid, String uid) {
    return member(sid, uid).compose(m -> m == null
        ? Future.failedFuture(ErrorCode.FORBIDDEN.exception("not a member of this session"))
        : Future.succeededFuture(m));
  }

  Future<List<JsonObject>> members(String sid) {
    return mongo.findWithOptions(MEMBERS, new JsonObject().put(Field.SID, sid),
        new FindOptions().setSort(new JsonObject().put("joinedAt", 1)));
  }

  /** Inserts a membership: true if new, false if it existed already. */
  Future<Boolean> insertMember(JsonObject member) {
    return mongo.insert(MEMBERS, member).map(true)
        .recover(t -> Store.isDuplicateKey(t) ? Future.succeededFuture(false) : Future.failedFuture(t));
  }

  Future<Void> deleteMember(String sid, String uid) {
    return mongo.removeDocument(MEMBERS, new JsonObject().put("_id", memberId(sid, uid))).mapEmpty();
  }

  Future<Void> setRole(String sid, String uid, String role) {
    return mongo.updateCollection(MEMBERS, new JsonObject().put("_id", memberId(sid, uid)),
        new JsonObject().put("$set", new JsonObject().put(Field.ROLE, role))).mapEmpty();
  }

  /** Sets (or clears, with null) fields of a session document. */
  Future<Void> setSession(String sid, JsonObject fields) {
    return mongo.updateCollection(SESSIONS, new JsonObject().put("_id", sid), new JsonObject().put("$set", fields))
        .mapEmpty();
  }

  /** Who takes over from a leaving owner: the longest-standing admin, else the longest-standing member. */
  Future<JsonObject> successor(String sid) {
    FindOptions options = new FindOptions().setSort(new JsonObject().put(Field.ROLE, 1).put("joinedAt", 1)).setLimit(1);
    return mongo.findWithOptions(MEMBERS, new JsonObject().put(Field.SID, sid), options)
        .map(found -> found.isEmpty() ? null : found.get(0));
  }

  static boolean isGroup(JsonObject session) {
    return "group".equals(session.getString(Field.TYPE));
  }

  static JsonObject newMember(String sid, String uid, String role, long now) {
    return new JsonObject().put("_id", memberId(sid, uid)).put(Field.SID, sid).put(Field.UID, uid)
        .put(Field.ROLE, role).put(Field.READ_SEQ, 0L).put("joinedAt", now);
  }

  static String memberId(String sid, String uid) {
    return sid + "/" + uid;
  }
}
