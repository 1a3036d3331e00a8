package palaver.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;

/** The filler's access to session-service's store: group and membership documents in its own shapes. */
public final class SessionFill {
  private final MongoClient mongo;

  private SessionFill(MongoClient mongo) {
    this.mongo = mongo;
  }

  public static Future<SessionFill> open(MongoClient mongo) {
    return new SessionStore(mongo).createIndexes().map(v -> new SessionFill(mongo));
  }

  /** A private-visibility group owned by {@code owner} with the other {@code members}, in two bulk inserts. */
  public static JsonObject group(String sid, String name, String owner, long now) {
    return SessionStore.newGroup(sid, name, null, SessionStore.PRIVATE, owner, now);
  }

  public static JsonObject member(String sid, String uid, boolean owner, long now) {
    return SessionStore.newMember(sid, uid, owner ? SessionStore.OWNER : SessionStore.MEMBER, now);
  }

  public Future<Void> insert(List<JsonObject> sessions, List<JsonObject> members) {
    BulkWriteOptions unordered = new BulkWriteOptions().setOrdered(false);
    return mongo.bulkWriteWithOptions(SessionStore.SESSIONS, sessions.stream().map(BulkOperation::createInsert).toList(),
            unordered)
        .compose(v -> mongo.bulkWriteWithOptions(SessionStore.MEMBERS,
            members.stream().map(BulkOperation::createInsert).toList(), unordered))
        .mapEmpty();
  }
}
