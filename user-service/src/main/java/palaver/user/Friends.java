package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Frames;
import palaver.runtime.UserRateLimit;

/**
 * Friends with consent, stored as edges in {@link FriendStore}. A request is
 * the caller's edge in state {@code requested}; the other side asking back
 * accepts, turning both edges {@code accepted}. Removing deletes both edges
 * (also declines or withdraws a pending request).
 */
final class Friends {
  static final String FRIEND_EVENT = "friend";
  static final String JOIN_FRIEND = "joinFriend";
  static final String REMOVE_FRIEND = "removeFriend";
  /** Uids are URL-safe base64; anything else can't be a user, and can't confuse the edge ids. */
  static final int MAX_REQUESTS_PER_MINUTE = 10;
  static final int MAX_REQUESTS_BURST = 20;
  private static final Pattern UID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

  /** A validated {@code {uid, peer}}. */
  private record Pair(String uid, String peer) {
  }

  private final Vertx vertx;
  private final FriendStore edges;
  private final UserStore users;
  private final Notifications notifications;
  private final Presence presence;
  private final Blocks blocks;
  /** Friend requests one user may send: a burst, then a few a minute (issue 20: no flood of requests). */
  private final UserRateLimit requests = new UserRateLimit("friend requests", MAX_REQUESTS_PER_MINUTE, MAX_REQUESTS_BURST);

  Friends(Vertx vertx, FriendStore edges, UserStore users, Notifications notifications, Presence presence,
      Blocks blocks) {
    this.vertx = vertx;
    this.edges = edges;
    this.users = users;
    this.notifications = notifications;
    this.presence = presence;
    this.blocks = blocks;
  }

  Future<?> serve() {
    return edges.createIndexes()
        .compose(v -> Future.all(List.of(
            Bus.serve(vertx, Address.USER_FRIENDS, body -> list(Check.string(body, Field.UID, 1, 64))),
            Bus.serve(vertx, Address.USER_FRIEND_ADD, body -> add(validPair(body))),
            Bus.serve(vertx, Address.USER_FRIEND_REMOVE, body -> remove(validPair(body))))));
  }

  /** A request, or the acceptance of the peer's request. */
  private Future<JsonObject> add(Pair pair) {
    if (pair.uid().equals(pair.peer())) {
      throw ErrorCode.INVALID.exception("you can't befriend yourself");
    }
    Future<JsonObject> me = users.profileRecord(pair.uid());
    Future<JsonObject> other = users.profileRecord(pair.peer());
    Future<JsonObject> mine = edges.edge(pair.uid(), pair.peer());
    Future<JsonObject> theirs = edges.edge(pair.peer(), pair.uid());
    Future<Boolean> blocked = blocks.eitherBlocks(pair.uid(), pair.peer());
    return Future.all(List.of(me, other, mine, theirs, blocked)).compose(all -> {
      if (me.result() == null || other.result() == null) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"));
      }
      if (blocked.result()) {
        return Future.failedFuture(ErrorCode.FORBIDDEN.exception("blocked"));
      }
      if (mine.result() != null && FriendStore.ACCEPTED.equals(mine.result().getString(Field.STATUS))) {
        return Future.failedFuture(ErrorCode.CONFLICT.exception("already friends"));
      }
      if (theirs.result() != null) {
        return accept(me.result(), other.result());
      }
      if (mine.result() != null) {
        return Future.succeededFuture(answer(pair.peer(), FriendStore.REQUESTED));
      }
      return request(me.result(), other.result());
    });
  }

  private Future<JsonObject> request(JsonObject me, JsonObject other) {
    String uid = me.getString(UserStore.ID);
    String peer = other.getString(UserStore.ID);
    requests.take(uid);
    return edges.countFrom(uid).compose(n -> {
      if (n >= FriendStore.MAX_EDGES) {
        return Future.failedFuture(ErrorCode.CONFLICT.exception(
            "at most " + FriendStore.MAX_EDGES + " friends and requests"));
      }
      return edges.insertRequest(uid, peer)
          // Both asked at the same moment: whoever looks second sees the other's request and accepts.
          .compose(v -> edges.edge(peer, uid))
          .compose(theirs -> theirs != null ? accept(me, other)
              : notifications.send(peer, JOIN_FRIEND, person(me).put(Field.STATUS, FriendStore.REQUESTED))
                  .map(sent -> answer(peer, FriendStore.REQUESTED)));
    });
  }

  private Future<JsonObject> accept(JsonObject me, JsonObject other) {
    String uid = me.getString(UserStore.ID);
    String peer = other.getString(UserStore.ID);
    return edges.acceptBoth(uid, peer)
        .compose(v -> notifications.send(peer, JOIN_FRIEND, person(me).put(Field.STATUS, FriendStore.ACCEPTED)))
        .compose(sent -> presence.visible(List.of(uid, peer)))
        .map(states -> {
          tellBoth(uid, peer, "added", states);
          return answer(peer, "friends");
        });
  }

  /** Unfriends both ways, or declines/withdraws a pending request. */
  private Future<JsonObject> remove(Pair pair) {
    String uid = pair.uid();
    String peer = pair.peer();
    return edges.removeBoth(uid, peer).compose(removed -> {
      if (removed == 0) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("not a friend and no pending request"));
      }
      return users.profileRecord(uid)
          .compose(me -> notifications.send(peer, REMOVE_FRIEND, person(me)))
          .map(sent -> {
            tellBoth(uid, peer, "removed", Map.of());
            return answer(peer, "none");
          });
    });
  }

  /** {@code {friends:[profile + presence], incoming:[profile], outgoing:[profile]}}. */
  private Future<JsonObject> list(String uid) {
    Future<List<JsonObject>> mine = edges.edgesFrom(uid);
    Future<List<String>> asking = edges.requestersOf(uid);
    return Future.all(mine, asking).compose(all -> {
      List<String> friends = new ArrayList<>();
      List<String> outgoing = new ArrayList<>();
      mine.result().forEach(e -> (FriendStore.ACCEPTED.equals(e.getString(Field.STATUS)) ? friends : outgoing)
          .add(e.getString(FriendStore.FRIEND)));
      List<String> everyone = new ArrayList<>(friends);
      everyone.addAll(outgoing);
      everyone.addAll(asking.result());
      Future<Map<String, JsonObject>> profiles = users.profiles(everyone);
      Future<Map<String, String>> states = presence.visible(friends);
      return Future.all(profiles, states).map(v -> new JsonObject()
          .put(Field.FRIENDS, people(friends, profiles.result(), states.result()))
          .put(Field.INCOMING, people(asking.result(), profiles.result(), null))
          .put(Field.OUTGOING, people(outgoing, profiles.result(), null)));
    });
  }

  /** Live {@code friend} events to both sides' connections (not stored; the notification is). */
  private void tellBoth(String uid, String peer, String action, Map<String, String> states) {
    vertx.eventBus().publish(Address.fanoutUser(uid), friendEvent(action, peer, states.get(peer)));
    vertx.eventBus().publish(Address.fanoutUser(peer), friendEvent(action, uid, states.get(uid)));
  }

  private static JsonObject friendEvent(String action, String uid, String state) {
    JsonObject event = Frames.event(FRIEND_EVENT).put(Field.ACTION, action).put(Field.UID, uid);
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

  private static Pair validPair(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String peer = Check.string(body, Field.PEER, 1, 64);
    if (!UID.matcher(peer).matches()) {
      throw ErrorCode.NOT_FOUND.exception("no such user");
    }
    return new Pair(uid, peer);
  }

  /** Who a notification is about: enough for a client to show it without another request. */
  private static JsonObject person(JsonObject user) {
    return new JsonObject().put(Field.UID, user.getString(UserStore.ID))
        .put(Field.NICKNAME, user.getString(Field.NICKNAME)).put(Field.AVATAR, user.getString(Field.AVATAR));
  }

  private static JsonObject answer(String peer, String status) {
    return new JsonObject().put(Field.UID, peer).put(Field.STATUS, status);
  }
}
