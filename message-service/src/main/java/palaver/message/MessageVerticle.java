package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import palaver.common.Address;
import palaver.common.Bus;
import palaver.common.Check;
import palaver.common.ErrorCode;
import palaver.common.Field;
import palaver.common.Ids;
import palaver.common.Store;

/** message-service: owns the {@code messages} and {@code heads} collections. */
public class MessageVerticle extends VerticleBase {
  static final String MESSAGES = "messages";
  static final String HEADS = "heads";
  static final int MAX_CONTENT = 16 * 1024;
  static final int SYNC_LIMIT = 200;
  static final int HISTORY_LIMIT = 200;

  private MongoClient mongo;
  private Sequencer sequencer;
  private Profiles profiles;

  @Override
  public Future<?> start() {
    mongo = Store.client(vertx, config());
    sequencer = new Sequencer(mongo);
    profiles = new Profiles(vertx);
    return Store.ping(mongo, config())
        .compose(v -> Future.all(
            mongo.createIndexWithOptions(MESSAGES, new JsonObject().put(Field.SID, 1).put(Field.SEQ, 1),
                new IndexOptions().unique(true).name("sid_seq")),
            mongo.createIndexWithOptions(MESSAGES, new JsonObject().put(Field.UID, 1).put(Field.CID, 1),
                new IndexOptions().unique(true).name("uid_cid"))))
        .compose(v -> Future.all(List.of(
            Bus.serve(vertx, Address.HEALTH_MESSAGE, body -> Store.ping(mongo, config()).map(new JsonObject())),
              Bus.serve(vertx, Address.MESSAGE_SEND, this::send),
            Bus.serve(vertx, Address.MESSAGE_SYSTEM, this::system),
            Bus.serve(vertx, Address.MESSAGE_HISTORY, this::history),
            Bus.serve(vertx, Address.MESSAGE_SYNC, this::sync),
            Bus.serve(vertx, Address.MESSAGE_HEADS, this::heads))));
  }

  /** A user's message: validated, membership checked, stored with its seq, then acked and fanned out. */
  private Future<JsonObject> send(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String sid = Check.string(body, Field.SID, 1, 64);
    String cid = Check.string(body, Field.CID, 1, 64);
    String msgType = Check.oneOf(body, Field.MSG_TYPE, "text", "text", "image", "file", "voice");
    String content = Check.optionalString(body, Field.CONTENT, MAX_CONTENT);
    if (msgType.equals("text") && (content == null || content.isBlank())) {
      throw ErrorCode.INVALID.exception("content is required for text messages");
    }
    String fileId = Attachments.fileId(body, msgType);
    return Bus.request(vertx, Address.SESSION_CHECK_MEMBER, new JsonObject().put(Field.UID, uid).put(Field.SID, sid))
        .compose(member -> Attachments.claim(vertx, uid, fileId, msgType))
        .compose(file -> profiles.of(uid).compose(profile -> store(new JsonObject()
            .put("_id", Ids.random()).put(Field.SID, sid).put(Field.UID, uid).put(Field.CID, cid)
            .put(Field.NICKNAME, profile.getString(Field.NICKNAME)).put(Field.AVATAR, profile.getString(Field.AVATAR))
            .put(Field.MSG_TYPE, msgType).put(Field.CONTENT, content == null ? "" : content).put(Field.FILE, file)
            .put(Field.AT, System.currentTimeMillis()))));
  }

  /** A server-made notice (join, leave, rename, ...): never reachable from clients. */
  private Future<JsonObject> system(JsonObject body) {
    String sid = Check.string(body, Field.SID, 1, 64);
    String uid = Check.string(body, Field.UID, 1, 64);
    JsonObject content = Check.optionalObject(body, Field.CONTENT);
    return profiles.of(uid).recover(t -> Future.succeededFuture(new JsonObject()))
        .compose(profile -> store(new JsonObject()
            .put("_id", Ids.random()).put(Field.SID, sid).put(Field.UID, uid).put(Field.CID, "sys:" + Ids.random())
            .put(Field.NICKNAME, profile.getString(Field.NICKNAME)).put(Field.MSG_TYPE, "system")
            .put(Field.CONTENT, content == null ? new JsonObject() : content)
            .put(Field.AT, System.currentTimeMillis())));
  }

  private Future<JsonObject> store(JsonObject draft) {
    return sequencer.append(draft).compose(appended -> {
      JsonObject message = appended.message();
      if (appended.duplicate()) {
        return Future.succeededFuture(ack(message).put("duplicate", true));
      }
      return updateHead(message).map(v -> {
        vertx.eventBus().publish(Address.fanoutSession(message.getString(Field.SID)), frame(message));
        return ack(message);
      });
    });
  }

  /** Keeps {lastSeq, lastMessage} per session so listing sessions needs no scan of messages. */
  private Future<Void> updateHead(JsonObject message) {
    String sid = message.getString(Field.SID);
    long seq = message.getLong(Field.SEQ);
    return mongo.updateCollectionWithOptions(HEADS, new JsonObject().put("_id", sid),
            new JsonObject().put("$max", new JsonObject().put(Field.LAST_SEQ, seq)), new UpdateOptions().setUpsert(true))
        .compose(r -> mongo.updateCollection(HEADS, new JsonObject().put("_id", sid).put(Field.LAST_SEQ, seq),
            new JsonObject().put("$set", new JsonObject().put(Field.LAST_MESSAGE, summary(message)))))
        .<Void>mapEmpty()
        .recover(t -> Store.isDuplicateKey(t) ? updateHead(message) : Future.failedFuture(t));
  }

  private Future<JsonObject> history(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String sid = Check.string(body, Field.SID, 1, 64);
    Long before = Check.optionalLong(body, Field.BEFORE, 0, Long.MAX_VALUE);
    Long after = Check.optionalLong(body, Field.AFTER, 0, Long.MAX_VALUE);
    int limit = Check.optionalLong(body, Field.LIMIT, 1, HISTORY_LIMIT) == null ? 50
        : body.getLong(Field.LIMIT).intValue();
    return Bus.request(vertx, Address.SESSION_CHECK_MEMBER, new JsonObject().put(Field.UID, uid).put(Field.SID, sid))
        .compose(member -> page(sid, before, after, limit))
        .map(page -> page.put(Field.SID, sid));
  }

  /** Ascending messages; newest page by default, or after/before a seq. */
  private Future<JsonObject> page(String sid, Long before, Long after, int limit) {
    JsonObject range = new JsonObject();
    if (before != null) {
      range.put("$lt", before);
    }
    if (after != null) {
      range.put("$gt", after);
    }
    JsonObject query = new JsonObject().put(Field.SID, sid);
    if (!range.isEmpty()) {
      query.put(Field.SEQ, range);
    }
    boolean ascending = after != null && before == null;
    FindOptions options = new FindOptions().setSort(new JsonObject().put(Field.SEQ, ascending ? 1 : -1)).setLimit(limit + 1);
    return mongo.findWithOptions(MESSAGES, query, options).map(found -> {
      boolean more = found.size() > limit;
      List<JsonObject> page = new ArrayList<>(found.subList(0, Math.min(limit, found.size())));
      if (!ascending) {
        Collections.reverse(page);
      }
      JsonArray messages = new JsonArray();
      page.forEach(m -> messages.add(frame(m)));
      return new JsonObject().put(Field.MESSAGES, messages).put(Field.MORE, more);
    });
  }

  /**
   * {@code {uid, positions:{sid: lastSeq}}} → the messages after each position
   * (at most {@value #SYNC_LIMIT} per session; sids with more are listed in
   * {@code more}); sids the user is not a member of are listed in {@code forbidden}.
   */
  private Future<JsonObject> sync(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    JsonObject positions = Check.optionalObject(body, Field.POSITIONS);
    if (positions == null || positions.size() > 1000) {
      throw ErrorCode.INVALID.exception("positions must be an object of at most 1000 sessions");
    }
    for (String sid : positions.fieldNames()) {
      Check.longValue(positions, sid, 0, Long.MAX_VALUE);
    }
    return Bus.request(vertx, Address.SESSION_MEMBERSHIPS, new JsonObject().put(Field.UID, uid)).compose(mine -> {
      Set<String> member = new HashSet<>();
      mine.getJsonArray(Field.SESSIONS).forEach(s -> member.add(((JsonObject) s).getString(Field.SID)));
      JsonObject sessions = new JsonObject();
      JsonArray more = new JsonArray();
      JsonArray forbidden = new JsonArray();
      List<Future<?>> pages = new ArrayList<>();
      for (String sid : positions.fieldNames()) {
        if (!member.contains(sid)) {
          forbidden.add(sid);
          continue;
        }
        pages.add(page(sid, null, positions.getLong(sid), SYNC_LIMIT).onSuccess(page -> {
          if (!page.getJsonArray(Field.MESSAGES).isEmpty()) {
            sessions.put(sid, page.getJsonArray(Field.MESSAGES));
          }
          if (page.getBoolean(Field.MORE)) {
            more.add(sid);
          }
        }));
      }
      return Future.all(pages).map(v -> new JsonObject().put(Field.SESSIONS, sessions).put(Field.MORE, more)
          .put("forbidden", forbidden));
    });
  }

  /** {@code {sids:[...]}} → {@code {heads:{sid:{lastSeq, lastMessage}}}} in one query. */
  private Future<JsonObject> heads(JsonObject body) {
    JsonArray sids = body.getValue("sids") instanceof JsonArray a ? a : null;
    if (sids == null || sids.size() > 5000 || !sids.stream().allMatch(s -> s instanceof String)) {
      throw ErrorCode.INVALID.exception("sids must be an array of strings");
    }
    return mongo.find(HEADS, new JsonObject().put("_id", new JsonObject().put("$in", sids))).map(found -> {
      JsonObject heads = new JsonObject();
      found.forEach(h -> heads.put(h.getString("_id"), new JsonObject()
          .put(Field.LAST_SEQ, h.getLong(Field.LAST_SEQ, 0L)).put(Field.LAST_MESSAGE, h.getJsonObject(Field.LAST_MESSAGE))));
      return new JsonObject().put("heads", heads);
    });
  }

  static JsonObject ack(JsonObject message) {
    return new JsonObject().put(Field.SID, message.getString(Field.SID)).put(Field.CID, message.getString(Field.CID))
        .put(Field.ID, message.getString("_id")).put(Field.SEQ, message.getLong(Field.SEQ))
        .put(Field.AT, message.getLong(Field.AT));
  }

  /** The {@code message} frame every member's connections receive. */
  static JsonObject frame(JsonObject message) {
    return new JsonObject().put(Field.TYPE, "message").put(Field.SID, message.getString(Field.SID))
        .put(Field.ID, message.getString("_id")).put(Field.SEQ, message.getLong(Field.SEQ))
        .put(Field.UID, message.getString(Field.UID)).put(Field.NICKNAME, message.getString(Field.NICKNAME))
        .put(Field.AVATAR, message.getString(Field.AVATAR)).put(Field.MSG_TYPE, message.getString(Field.MSG_TYPE))
        .put(Field.CONTENT, message.getValue(Field.CONTENT)).put(Field.FILE, message.getJsonObject(Field.FILE))
        .put(Field.AT, message.getLong(Field.AT));
  }

  static JsonObject summary(JsonObject message) {
    JsonObject frame = frame(message);
    frame.remove(Field.TYPE);
    return frame;
  }
}
