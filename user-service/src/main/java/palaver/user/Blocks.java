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
 * Blocking another user (stored in {@link BlockStore}). A block works both
 * ways for what it refuses: while either blocks the other, neither can send a
 * friend request to the other, invite the other to a group, open their
 * private session or send into it (session-service asks
 * {@code palaver.user.relation}). It does not unfriend, remove anyone from a
 * group, hide messages in groups both are in, or tell the blocked user.
 */
final class Blocks {
  static final String BLOCK_EVENT = "block";
  private static final Pattern UID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

  private record Pair(String uid, String peer) {
  }

  private final Vertx vertx;
  private final BlockStore blocks;
  private final FriendStore friends;
  private final UserStore users;

  Blocks(Vertx vertx, BlockStore blocks, FriendStore friends, UserStore users) {
    this.vertx = vertx;
    this.blocks = blocks;
    this.friends = friends;
    this.users = users;
  }

  Future<?> serve() {
    return blocks.createIndexes()
        .compose(v -> Future.all(List.of(
            Bus.serve(vertx, Address.USER_BLOCK, body -> block(validPair(body))),
            Bus.serve(vertx, Address.USER_UNBLOCK, body -> unblock(validPair(body))),
            Bus.serve(vertx, Address.USER_BLOCKED, body -> list(Check.string(body, Field.UID, 1, 64))),
            Bus.serve(vertx, Address.USER_RELATION, body -> relation(validPair(body))))));
  }

  /** Whether either blocks the other. */
  Future<Boolean> eitherBlocks(String a, String b) {
    return blocks.eitherBlocks(a, b);
  }

  private Future<JsonObject> block(Pair pair) {
    if (pair.uid().equals(pair.peer())) {
      throw ErrorCode.INVALID.exception("you can't block yourself");
    }
    return users.profileRecord(pair.peer()).compose(peer -> {
      if (peer == null) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"));
      }
      return blocks.countFrom(pair.uid());
    }).compose(n -> {
      if (n >= BlockStore.MAX_BLOCKS) {
        return Future.failedFuture(ErrorCode.CONFLICT.exception("at most " + BlockStore.MAX_BLOCKS + " blocked users"));
      }
      return blocks.insert(pair.uid(), pair.peer());
    }).map(v -> changed(pair, true));
  }

  private Future<JsonObject> unblock(Pair pair) {
    return blocks.remove(pair.uid(), pair.peer()).compose(removed -> removed
        ? Future.succeededFuture(changed(pair, false))
        : Future.failedFuture(ErrorCode.NOT_FOUND.exception("not blocked")));
  }

  /** Tells session-services (cached private-session answers) and the blocker's other sockets. */
  private JsonObject changed(Pair pair, boolean blocked) {
    JsonObject change = new JsonObject().put(Field.UID, pair.uid()).put(Field.PEER, pair.peer())
        .put(Field.BLOCKED, blocked);
    vertx.eventBus().publish(Address.USER_BLOCK_CHANGED, change);
    vertx.eventBus().publish(Address.fanoutUser(pair.uid()), Frames.event(BLOCK_EVENT)
        .put(Field.UID, pair.peer()).put(Field.BLOCKED, blocked));
    return new JsonObject().put(Field.UID, pair.peer()).put(Field.BLOCKED, blocked);
  }

  /** {@code {blocked:[profile]}}. */
  private Future<JsonObject> list(String uid) {
    return blocks.blockedBy(uid).compose(peers -> users.profiles(peers).map(profiles -> {
      JsonArray out = new JsonArray();
      peers.forEach(p -> {
        if (profiles.get(p) != null) {
          out.add(profiles.get(p).copy());
        }
      });
      return new JsonObject().put(Field.BLOCKED, out);
    }));
  }

  /** {@code {friends, blocked}} of the two: what session-service needs to decide on an invite. */
  private Future<JsonObject> relation(Pair pair) {
    Future<Boolean> blocked = blocks.eitherBlocks(pair.uid(), pair.peer());
    Future<JsonObject> edge = friends.edge(pair.uid(), pair.peer());
    return Future.all(blocked, edge).map(v -> new JsonObject().put(Field.BLOCKED, blocked.result())
        .put(Field.FRIENDS, edge.result() != null && FriendStore.ACCEPTED.equals(edge.result().getString(Field.STATUS))));
  }

  private static Pair validPair(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String peer = Check.string(body, Field.PEER, 1, 64);
    if (!UID.matcher(peer).matches()) {
      throw ErrorCode.NOT_FOUND.exception("no such user");
    }
    return new Pair(uid, peer);
  }
}
