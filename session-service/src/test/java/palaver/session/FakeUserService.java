package palaver.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import palaver.api.Address;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.testing.FakeNeighbour;

/**
 * user-service as session-service sees it: users with profiles, their
 * presence and notifications, answering in user-service's shapes (404 for an
 * unknown user, offline for anyone not online).
 */
final class FakeUserService {
  private final Map<String, JsonObject> users = new ConcurrentHashMap<>();
  private final Map<String, String> presence = new ConcurrentHashMap<>();
  private final FakeNeighbour neighbour = new FakeNeighbour("user-service")
      .answer(Address.USER_GET, this::get)
      .answer(Address.USER_PROFILES, this::profiles)
      .answer(Address.USER_PRESENCE_QUERY, this::presence)
      .answer(Address.USER_NOTIFY, this::notifyUser)
      .answer(Address.USER_RELATION, this::relation);
  /** Friendships and blocks, as "a b" pairs in both orders. */
  private final java.util.Set<String> friends = ConcurrentHashMap.newKeySet();
  private final java.util.Set<String> blocks = ConcurrentHashMap.newKeySet();

  /** The two are friends from now on (a friend's invite adds at once). */
  void befriend(String a, String b) {
    friends.add(a + " " + b);
    friends.add(b + " " + a);
  }

  /** {@code uid} blocks {@code peer} (as user-service would answer relation). */
  void block(String uid, String peer) {
    blocks.add(uid + " " + peer);
  }

  private Future<JsonObject> relation(JsonObject body) {
    String pair = body.getString(Field.UID) + " " + body.getString(Field.PEER);
    String back = body.getString(Field.PEER) + " " + body.getString(Field.UID);
    return Future.succeededFuture(new JsonObject().put(Field.FRIENDS, friends.contains(pair))
        .put(Field.BLOCKED, blocks.contains(pair) || blocks.contains(back)));
  }

  FakeNeighbour neighbour() {
    return neighbour;
  }

  /** A new user with this nickname; their uid. */
  String add(String nickname) {
    String uid = "u" + Ids.randomBytes(6);
    users.put(uid, new JsonObject().put(Field.UID, uid).put(Field.LOGIN, uid + "@example.org")
        .put(Field.NICKNAME, nickname).put(Field.GENDER, "").put(Field.AVATAR, "avatar-" + nickname));
    return uid;
  }

  JsonObject profile(String uid) {
    return users.get(uid).copy();
  }

  /** The state presence shows for the user: online, away or busy (anyone else is offline). */
  void show(String uid, String state) {
    presence.put(uid, state);
  }

  /** The notifications session-service asked to be stored for {@code uid}. */
  List<JsonObject> notificationsOf(String uid) {
    return neighbour.requests(Address.USER_NOTIFY).stream().filter(n -> uid.equals(n.getString(Field.UID))).toList();
  }

  private Future<JsonObject> get(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    JsonObject user = users.get(uid);
    return user == null ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"))
        : Future.succeededFuture(user.copy());
  }

  private Future<JsonObject> profiles(JsonObject body) {
    JsonObject out = new JsonObject();
    uids(body).forEach(uid -> {
      JsonObject user = users.get((String) uid);
      if (user != null) {
        out.put((String) uid, user.copy());
      }
    });
    return Future.succeededFuture(new JsonObject().put("profiles", out));
  }

  private Future<JsonObject> presence(JsonObject body) {
    JsonObject out = new JsonObject();
    uids(body).forEach(uid -> out.put((String) uid, presence.getOrDefault((String) uid, "offline")));
    return Future.succeededFuture(new JsonObject().put(Field.PRESENCE, out));
  }

  private Future<JsonObject> notifyUser(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    if (!users.containsKey(uid)) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"));
    }
    return Future.succeededFuture(new JsonObject().put(Field.ID, Ids.random()).put(Field.KIND, body.getString(Field.KIND))
        .put(Field.DATA, body.getJsonObject(Field.DATA)).put(Field.READ, false).put(Field.AT, System.currentTimeMillis()));
  }

  private static JsonArray uids(JsonObject body) {
    if (!(body.getValue(Field.UIDS) instanceof JsonArray uids) || !uids.stream().allMatch(u -> u instanceof String)) {
      throw ErrorCode.INVALID.exception("uids must be an array of strings");
    }
    return uids;
  }
}
