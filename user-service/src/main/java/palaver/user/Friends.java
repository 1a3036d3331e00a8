package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.runtime.Store;

/**
 * Friends with consent, in the {@code friends} collection: one edge per
 * direction, {@code _id = uid:friend}. A request is the caller's edge in state
 * {@code requested}; the other side asking back accepts, turning both edges
 * {@code accepted}. Removing deletes both edges (also declines or withdraws a
 * pending request).
 */
final class Friends {
  static final String COLLECTION = "friends";
  static final String REQUESTED = "requested";
  static final String ACCEPTED = "accepted";
  /** Friends and pending requests of one user, so lists and presence fan-out stay bounded. */
  static final int MAX_EDGES = 1000;
  private static final String FRIEND = "friend";
  private static final String PEER = "peer";
  /** Uids are URL-safe base64; anything else can't be a user, and can't confuse the edge ids. */
  private static final Pattern UID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

  private final Vertx vertx;
  private final MongoClient mongo;
  private final Notifications notifications;
  private final Presence presence;

  Friends(Vertx vertx, MongoClient mongo, Notifications notifications, Presence presence) {
    this.vertx = vertx;
    this.mongo = mongo;
    this.notifications = notifications;
    this.presence = presence;
  }

  Future<?> serve() {
    return Store.index(mongo, COLLECTION, new JsonObject().put(Field.UID, 1).put(Field.STATUS, 1), false)
        .compose(v -> Store.index(mongo, COLLECTION, new JsonObject().put(FRIEND, 1).put(Field.STATUS, 1), false))
        .compose(v -> Future.all(List.of(
            Bus.serve(vertx, Address.USER_FRIENDS, this::list),
            Bus.serve(vertx, Address.USER_FRIEND_ADD, this::add),
            Bus.serve(vertx, Address.USER_FRIEND_REMOVE, this::remove))));
  }

  /** The accepted friends of {@code uid}. */
  static Future<List<String>> acceptedOf(MongoClient mongo, String uid) {
    return mongo.findWithOptions(COLLECTION, new JsonObject().put(Field.UID, uid).put(Field.STATUS, ACCEPTED),
            new FindOptions().setFields(new JsonObject().put(FRIEND, 1)).setLimit(MAX_EDGES))
        .map(edges -> edges.stream().map(e -> e.getString(FRIEND)).toList());
  }

  /** {@code {uid, peer}}: a request, or the acceptance of the peer's request. */
  private Future<JsonObject> add(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String peer = validPeer(body);
    if (uid.equals(peer)) {
      throw ErrorCode.INVALID.exception("you can't befriend yourself");
    }
    Future<JsonObject> me = user(uid);
    Future<JsonObject> other = user(peer);
    Future<JsonObject> mine = edge(uid, peer);
    Future<JsonObject> theirs = edge(peer, uid);
    return Future.all(me, other, mine, theirs).compose(all -> {
      if (me.result() == null || other.result() == null) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"));
      }
      if (mine.result() != null && ACCEPTED.equals(mine.result().getString(Field.STATUS))) {
        return Future.failedFuture(ErrorCode.CONFLICT.exception("already friends"));
      }
      if (theirs.result() != null) {
        return accept(me.result(), other.result());
      }
      if (mine.result() != null) {
        return Future.succeededFuture(answer(peer, REQUESTED));
      }
      return request(me.result(), other.result());
    });
  }

  private Future<JsonObject> request(JsonObject me, JsonObject other) {
    String uid = me.getString("_id");
    String peer = other.getString("_id");
    return mongo.count(COLLECTION, new JsonObject().put(Field.UID, uid)).compose(n -> {
      if (n >= MAX_EDGES) {
        return Future.failedFuture(ErrorCode.CONFLICT.exception("at most " + MAX_EDGES + " friends and requests"));
      }
      return mongo.insert(COLLECTION, edgeDoc(uid, peer, REQUESTED))
          .recover(t -> Store.isDuplicateKey(t) ? Future.succeededFuture() : Future.failedFuture(t))
          // Both asked at the same moment: whoever looks second sees the other's request and accepts.
          .compose(v -> edge(peer, uid))
          .compose(theirs -> theirs != null ? accept(me, other)
              : notifications.send(peer, "joinFriend", person(me).put(Field.STATUS, REQUESTED))
                  .map(n2 -> answer(peer, REQUESTED)));
    });
  }

  private Future<JsonObject> accept(JsonObject me, JsonObject other) {
    String uid = me.getString("_id");
    String peer = other.getString("_id");
    JsonObject accepted = new JsonObject().put("$set", new JsonObject().put(Field.STATUS, ACCEPTED));
    UpdateOptions upsert = new UpdateOptions().setUpsert(true);
    return mongo.updateCollectionWithOptions(COLLECTION, new JsonObject().put("_id", edgeId(uid, peer)),
            accepted.copy().put("$setOnInsert", new JsonObject().put(Field.UID, uid).put(FRIEND, peer)
                .put(Field.AT, System.currentTimeMillis())), upsert)
        .compose(r -> mongo.updateCollection(COLLECTION, new JsonObject().put("_id", edgeId(peer, uid)), accepted))
        .compose(r -> notifications.send(peer, "joinFriend", person(me).put(Field.STATUS, ACCEPTED)))
        .compose(n -> presence.visible(List.of(uid, peer)))
        .map(states -> {
          tellBoth(uid, peer, "added", states);
          return answer(peer, "friends");
        });
  }

  /** {@code {uid, peer}}: unfriends both ways, or declines/withdraws a pending request. */
  private Future<JsonObject> remove(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String peer = validPeer(body);
    JsonObject both = new JsonObject().put("_id", new JsonObject().put("$in",
        new JsonArray().add(edgeId(uid, peer)).add(edgeId(peer, uid))));
    return mongo.removeDocuments(COLLECTION, both).compose(r -> {
      if (r == null || r.getRemovedCount() == 0) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("not a friend and no pending request"));
      }
      return user(uid)
          .compose(me -> notifications.send(peer, "removeFriend", person(me)))
          .map(n -> {
            tellBoth(uid, peer, "removed", Map.of());
            return new JsonObject().put(Field.UID, peer).put(Field.STATUS, "none");
          });
    });
  }

  /** {@code {uid}} → {@code {friends:[profile + presence], incoming:[profile], outgoing:[profile]}}. */
  private Future<JsonObject> list(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    FindOptions bounded = new FindOptions().setLimit(MAX_EDGES);
    Future<List<JsonObject>> mine = mongo.findWithOptions(COLLECTION, new JsonObject().put(Field.UID, uid), bounded);
    Future<List<JsonObject>> incoming = mongo.findWithOptions(COLLECTION,
        new JsonObject().put(FRIEND, uid).put(Field.STATUS, REQUESTED), bounded);
    return Future.all(mine, incoming).compose(all -> {
      List<String> friends = new ArrayList<>();
      List<String> outgoing = new ArrayList<>();
      mine.result().forEach(e -> (ACCEPTED.equals(e.getString(Field.STATUS)) ? friends : outgoing)
          .add(e.getString(FRIEND)));
      List<String> asking = incoming.result().stream().map(e -> e.getString(Field.UID)).toList();
      List<String> everyone = new ArrayList<>(friends);
      everyone.addAll(outgoing);
      everyone.addAll(asking);
      Future<Map<String, JsonObject>> profiles = profiles(everyone);
      Future<Map<String, String>> states = presence.visible(friends);
      return Future.all(profiles, states).map(v -> new JsonObject()
          .put(Field.FRIENDS, people(friends, profiles.result(), states.result()))
          .put(Field.INCOMING, people(asking, profiles.result(), null))
          .put(Field.OUTGOING, people(outgoing, profiles.result(), null)));
    });
  }

  /** Live {@code friend} events to both sides' connections (not stored; the notification is). */
  private void tellBoth(String uid, String peer, String action, Map<String, String> states) {
    vertx.eventBus().publish(Address.fanoutUser(uid), friendEvent(action, peer, states.get(peer)));
    vertx.eventBus().publish(Address.fanoutUser(peer), friendEvent(action, uid, states.get(uid)));
  }

  private static JsonObject friendEvent(String action, String uid, String state) {
    JsonObject event = new JsonObject().put(Field.TYPE, "event").put(Field.EVENT, "friend")
        .put(Field.ACTION, action).put(Field.UID, uid);
    if (state != null) {
      event.put(Field.PRESENCE, state);
    }
    return event;
  }

  private static JsonArray people(List<String> uids, Map<String, JsonObject> profiles, Map<String, String> states) {
    JsonArray out = new JsonArray();
    for (String u : uids) {
      JsonObject p = profiles.get(u);
      if (p != null) {
        JsonObject view = p.copy();
        if (states != null) {
          view.put(Field.PRESENCE, states.getOrDefault(u, Presence.OFFLINE));
        }
        out.add(view);
      }
    }
    return out;
  }

  private Future<Map<String, JsonObject>> profiles(List<String> uids) {
    if (uids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    JsonObject query = new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(uids)));
    return mongo.findWithOptions(UserVerticle.USERS, query, new FindOptions().setFields(UserVerticle.PROFILE_FIELDS))
        .map(users -> {
          Map<String, JsonObject> out = new HashMap<>();
          users.forEach(u -> out.put(u.getString("_id"), UserVerticle.profile(u)));
          return out;
        });
  }

  private Future<JsonObject> user(String uid) {
    return mongo.findOne(UserVerticle.USERS, new JsonObject().put("_id", uid), UserVerticle.PROFILE_FIELDS);
  }

  private Future<JsonObject> edge(String from, String to) {
    return mongo.findOne(COLLECTION, new JsonObject().put("_id", edgeId(from, to)), null);
  }

  private static JsonObject edgeDoc(String from, String to, String status) {
    return new JsonObject().put("_id", edgeId(from, to)).put(Field.UID, from).put(FRIEND, to)
        .put(Field.STATUS, status).put(Field.AT, System.currentTimeMillis());
  }

  private static String validPeer(JsonObject body) {
    String peer = Check.string(body, PEER, 1, 64);
    if (!UID.matcher(peer).matches()) {
      throw ErrorCode.NOT_FOUND.exception("no such user");
    }
    return peer;
  }

  /** Uids are URL-safe base64 (no ':'), so the pair is unambiguous. */
  private static String edgeId(String from, String to) {
    return from + ":" + to;
  }

  /** Who a notification is about: enough for a client to show it without another request. */
  private static JsonObject person(JsonObject user) {
    return new JsonObject().put(Field.UID, user.getString("_id")).put(Field.NICKNAME, user.getString(Field.NICKNAME))
        .put(Field.AVATAR, user.getString(Field.AVATAR));
  }

  private static JsonObject answer(String peer, String status) {
    return new JsonObject().put(Field.UID, peer).put(Field.STATUS, status);
  }
}
