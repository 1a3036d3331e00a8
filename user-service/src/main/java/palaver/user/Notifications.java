package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.regex.Pattern;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Frames;
import palaver.api.Ids;
import palaver.runtime.Store;

/**
 * The {@code notifications} collection: joinFriend, removeFriend,
 * inviteSession, ... Each one is stored first, then pushed live to every
 * connection of its user, so a user who was offline finds it in the list.
 */
final class Notifications {
  static final String COLLECTION = "notifications";
  private static final String ID = "_id";
  static final int MAX_LIMIT = 100;
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_OFFSET = 10_000;
  /** Encoded size of {@code data}: a notification points at things, it does not carry them. */
  static final int MAX_DATA_CHARS = 4096;
  private static final Pattern KIND = Pattern.compile("^[A-Za-z][A-Za-z0-9_.-]{0,31}$");

  private final Vertx vertx;
  private final MongoClient mongo;
  private final UserStore users;

  Notifications(Vertx vertx, MongoClient mongo, UserStore users) {
    this.vertx = vertx;
    this.mongo = mongo;
    this.users = users;
  }

  Future<?> serve() {
    return Store.index(mongo, COLLECTION, new JsonObject().put(Field.UID, 1).put(Field.READ, 1).put(Field.AT, -1), false)
        .compose(v -> Future.all(List.of(
            Bus.serve(vertx, Address.USER_NOTIFY, this::notifyOperation),
            Bus.serve(vertx, Address.USER_NOTIFICATIONS, this::list),
            Bus.serve(vertx, Address.USER_NOTIFICATION_READ, this::markRead))));
  }

  /** {@code {uid, kind, data}} from another service: the user must exist. */
  private Future<JsonObject> notifyOperation(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String kind = validKind(body);
    JsonObject data = validData(body);
    return users.exists(uid).compose(exists -> exists
        ? send(uid, kind, data)
        : Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user")));
  }

  /** Stores a notification for {@code uid}, then pushes it to their connections. */
  Future<JsonObject> send(String uid, String kind, JsonObject data) {
    JsonObject doc = new JsonObject().put(ID, Ids.random()).put(Field.UID, uid).put(Field.KIND, kind)
        .put(Field.DATA, data).put(Field.READ, false).put(Field.AT, System.currentTimeMillis());
    return mongo.insert(COLLECTION, doc).map(id -> {
      JsonObject notification = view(doc);
      vertx.eventBus().publish(Address.fanoutUser(uid),
          Frames.event(Field.NOTIFICATION).put(Field.NOTIFICATION, notification));
      return notification;
    });
  }

  /** Unread first, newest first within each group; {@code offset}/{@code limit} paging. */
  private Future<JsonObject> list(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    int limit = (int) orDefault(Check.optionalLong(body, Field.LIMIT, 1, MAX_LIMIT), DEFAULT_LIMIT);
    int offset = (int) orDefault(Check.optionalLong(body, Field.OFFSET, 0, MAX_OFFSET), 0);
    JsonObject mine = new JsonObject().put(Field.UID, uid);
    FindOptions options = new FindOptions()
        .setSort(new JsonObject().put(Field.READ, 1).put(Field.AT, -1).put(ID, 1))
        .setSkip(offset).setLimit(limit + 1);
    Future<List<JsonObject>> page = mongo.findWithOptions(COLLECTION, mine, options);
    Future<Long> unread = mongo.count(COLLECTION, mine.copy().put(Field.READ, false));
    return Future.all(page, unread).map(all -> {
      List<JsonObject> docs = page.result();
      JsonArray out = new JsonArray();
      docs.stream().limit(limit).forEach(d -> out.add(view(d)));
      return new JsonObject().put(Field.NOTIFICATIONS, out).put(Field.UNREAD, unread.result())
          .put(Field.MORE, docs.size() > limit);
    });
  }

  /** Only the owner can mark one read; someone else's id is simply not found. */
  private Future<JsonObject> markRead(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String id = Check.string(body, Field.ID, 1, 64);
    return mongo.findOneAndUpdate(COLLECTION, new JsonObject().put(ID, id).put(Field.UID, uid),
            new JsonObject().put("$set", new JsonObject().put(Field.READ, true)))
        .compose(before -> before == null
            ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such notification"))
            : Future.succeededFuture(view(before.put(Field.READ, true))));
  }

  private static JsonObject view(JsonObject doc) {
    return new JsonObject().put(Field.ID, doc.getString(ID)).put(Field.KIND, doc.getString(Field.KIND))
        .put(Field.DATA, doc.getJsonObject(Field.DATA, new JsonObject())).put(Field.READ, doc.getBoolean(Field.READ))
        .put(Field.AT, doc.getLong(Field.AT));
  }

  private static String validKind(JsonObject body) {
    String kind = Check.string(body, Field.KIND, 1, 32);
    if (!KIND.matcher(kind).matches()) {
      throw ErrorCode.INVALID.exception("kind must be a word of letters, digits, _ . -");
    }
    return kind;
  }

  private static JsonObject validData(JsonObject body) {
    JsonObject data = Check.optionalObject(body, Field.DATA);
    if (data == null) {
      return new JsonObject();
    }
    if (data.encode().length() > MAX_DATA_CHARS) {
      throw ErrorCode.TOO_LARGE.exception("data must encode to at most " + MAX_DATA_CHARS + " characters");
    }
    return data;
  }

  private static long orDefault(Long value, long fallback) {
    return value == null ? fallback : value;
  }
}
