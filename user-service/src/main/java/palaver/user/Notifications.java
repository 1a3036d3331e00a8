package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Frames;

/**
 * Notifications: joinFriend, removeFriend, inviteSession, ... Each one is
 * stored first (in {@link NotificationStore}), then pushed live to every
 * connection of its user, so a user who was offline finds it in the list.
 */
final class Notifications {
  static final int MAX_LIMIT = 100;
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_OFFSET = 10_000;
  /** Encoded size of {@code data}: a notification points at things, it does not carry them. */
  static final int MAX_DATA_CHARS = 4096;
  private static final Pattern KIND = Pattern.compile("^[A-Za-z][A-Za-z0-9_.-]{0,31}$");

  private final Vertx vertx;
  private final NotificationStore store;
  private final UserStore users;

  Notifications(Vertx vertx, NotificationStore store, UserStore users) {
    this.vertx = vertx;
    this.store = store;
    this.users = users;
  }

  Future<?> serve() {
    return store.createIndexes()
        .compose(v -> Future.all(List.of(
            Bus.serve(vertx, Address.USER_NOTIFY, body -> notifyUser(validUid(body), validKind(body), validData(body))),
            Bus.serve(vertx, Address.USER_NOTIFICATIONS, body -> list(validUid(body),
                (int) orDefault(Check.optionalLong(body, Field.LIMIT, 1, MAX_LIMIT), DEFAULT_LIMIT),
                (int) orDefault(Check.optionalLong(body, Field.OFFSET, 0, MAX_OFFSET), 0))),
            Bus.serve(vertx, Address.USER_NOTIFICATION_READ, body -> markRead(validUid(body),
                Check.string(body, Field.ID, 1, 64))))));
  }

  /** {@code {uid, kind, data}} from another service: the user must exist. */
  private Future<JsonObject> notifyUser(String uid, String kind, JsonObject data) {
    return users.exists(uid).compose(exists -> exists
        ? send(uid, kind, data)
        : Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user")));
  }

  /** Stores a notification for {@code uid}, then pushes it to their connections. */
  Future<JsonObject> send(String uid, String kind, JsonObject data) {
    return store.insert(uid, kind, data).map(doc -> {
      JsonObject notification = NotificationStore.view(doc);
      vertx.eventBus().publish(Address.fanoutUser(uid),
          Frames.event(Field.NOTIFICATION).put(Field.NOTIFICATION, notification));
      return notification;
    });
  }

  /** Unread first, newest first within each group; {@code offset}/{@code limit} paging. */
  private Future<JsonObject> list(String uid, int limit, int offset) {
    Future<List<JsonObject>> page = store.page(uid, offset, limit + 1);
    Future<Long> unread = store.countUnread(uid);
    return Future.all(page, unread).map(all -> {
      List<JsonObject> docs = page.result();
      JsonArray out = new JsonArray();
      docs.stream().limit(limit).forEach(d -> out.add(NotificationStore.view(d)));
      return new JsonObject().put(Field.NOTIFICATIONS, out).put(Field.UNREAD, unread.result())
          .put(Field.MORE, docs.size() > limit);
    });
  }

  /** Only the owner can mark one read; someone else's id is simply not found. */
  private Future<JsonObject> markRead(String uid, String id) {
    return store.markRead(uid, id).compose(before -> before == null
        ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such notification"))
        : Future.succeededFuture(NotificationStore.view(before.put(Field.READ, true))));
  }

  private static String validUid(JsonObject body) {
    return Check.string(body, Field.UID, 1, 64);
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
