package palaver.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import palaver.api.Field;

/**
 * Whether a session is a private one whose two users are blocked (either
 * blocks the other): asked on every send through {@code checkMember}, so the
 * answers are cached per sid, a group's (always false) for good, a private
 * session's until user-service announces a block change of its pair on
 * {@code palaver.user.blockChanged} (or the TTL, a safety net for a lost
 * announcement). Used from one verticle's event loop only.
 */
final class PrivateBlocks {
  static final int MAX_ENTRIES = 100_000;
  static final long TTL_MS = 60_000;

  private record Answer(boolean blocked, boolean group, long at) {
  }

  private final SessionStore store;
  private final Neighbours neighbours;
  private final Map<String, Answer> answers = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  PrivateBlocks(SessionStore store, Neighbours neighbours) {
    this.store = store;
    this.neighbours = neighbours;
  }

  /** What {@code checkMember} adds to a member's role: whether the session is a group, and whether it is blocked. */
  record Kind(boolean group, boolean blocked) {
  }

  /** True for a private session with a block between its two users. */
  Future<Boolean> blocked(String sid) {
    return kind(sid).map(Kind::blocked);
  }

  /** Whether {@code sid} is a group (cached for good) or a private session, and then whether it is blocked. */
  Future<Kind> kind(String sid) {
    Answer a = answers.get(sid);
    if (a != null && (a.group() || System.currentTimeMillis() - a.at() < TTL_MS)) {
      return Future.succeededFuture(new Kind(a.group(), a.blocked()));
    }
    return store.session(sid).compose(session -> {
      JsonArray pair = session.getJsonArray(SessionStore.PAIR);
      if (SessionStore.isGroup(session) || pair == null || pair.size() != 2) {
        answers.put(sid, new Answer(false, true, 0));
        return Future.succeededFuture(new Kind(true, false));
      }
      // user-service out of reach: the send goes on rather than making it a dependency of every private send.
      return neighbours.relation(pair.getString(0), pair.getString(1))
          .map(r -> {
            boolean blocked = r.getBoolean(Field.BLOCKED, false);
            answers.put(sid, new Answer(blocked, false, System.currentTimeMillis()));
            return new Kind(false, blocked);
          })
          .otherwise(new Kind(false, false));
    });
  }

  /** A block between the two changed: their private session's answer is asked again. */
  void changed(JsonObject change) {
    String uid = change.getString(Field.UID);
    String peer = change.getString(Field.PEER);
    if (uid != null && peer != null) {
      answers.remove(SessionStore.pairId(uid, peer));
    }
  }
}
