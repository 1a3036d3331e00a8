package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Field;

/**
 * Session-service's membership answers ({@code palaver.session.checkMember}:
 * role, and {@code blocked} for a private session with a block), kept here so
 * a send, history page or reaction does not cost a bus round trip each. Only
 * positive answers are kept; concurrent misses of one (sid, uid) share one
 * request. Entries go when their change is announced, by any instance in the
 * cluster: {@code palaver.session.membershipChanged} drops that (sid, uid),
 * {@code palaver.user.blockChanged} every entry of both users (a private
 * session's blocked flag), a cluster topology change everything (announcements
 * may have been lost in a split brain). The TTL is only a safety net for an
 * announcement lost with a dying node, as session-service's own cache.
 *
 * <p>An announcement reaches this service and the other session-service
 * instances over different connections, in no set order: the first answer
 * after one may come from an instance that has not yet dropped its own cached
 * answer. So for {@link #SETTLE_MS} after a change its key (for a block
 * change, its users; for a topology change, everything) is asked afresh on
 * every check and not kept, which makes this cache no staler than
 * session-service's own. Used from one verticle's event loop only.
 */
final class MemberChecks {
  static final int MAX_ENTRIES = 100_000;
  static final long TTL_MS = 60_000;
  /** How long after a change its answers are not kept: far above a bus hop between live nodes. */
  static final long SETTLE_MS = 2_000;

  private record Timed(JsonObject answer, long at) {
  }

  /** A request in flight, and the generation it started at. */
  private record Pending(Future<JsonObject> answer, long generation) {
  }

  private final Vertx vertx;
  private final long ttlMs;
  private final LongSupplier clock;
  private final Map<String, Timed> answers;
  private final Map<String, Pending> pending = new HashMap<>();
  /** Keys of the cached answers by uid, so a block change finds its users' entries. */
  private final Map<String, Set<String>> keysByUid = new HashMap<>();
  /** Counts invalidations: an answer asked for before one may predate the change, so it is not kept. */
  private long generation;
  /** When each recently changed (sid, uid) key, and each user of a recent block change, changed. */
  private final Map<String, Long> changedKeys = new HashMap<>();
  private final Map<String, Long> changedUids = new HashMap<>();
  /** Nothing is kept before this time (a topology change). */
  private long keepNothingUntil;

  MemberChecks(Vertx vertx) {
    this(vertx, MAX_ENTRIES, TTL_MS, System::currentTimeMillis);
  }

  MemberChecks(Vertx vertx, int maxEntries, long ttlMs, LongSupplier clock) {
    this.vertx = vertx;
    this.ttlMs = ttlMs;
    this.clock = clock;
    this.answers = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Timed> eldest) {
        if (size() > maxEntries) {
          unindex(eldest.getKey());
          return true;
        }
        return false;
      }
    };
  }

  /** Subscribes to the announcements that invalidate answers; complete once the cluster-wide ones are registered. */
  Future<Void> listen() {
    vertx.eventBus().<JsonObject>localConsumer(Address.CLUSTER_TOPOLOGY, msg -> clear());
    return Future.all(
        vertx.eventBus().<JsonObject>consumer(Address.SESSION_MEMBERSHIP_CHANGED,
            msg -> membershipChanged(msg.body().getString(Field.SID), msg.body().getString(Field.UID))).completion(),
        vertx.eventBus().<JsonObject>consumer(Address.USER_BLOCK_CHANGED,
            msg -> blockChanged(msg.body().getString(Field.UID), msg.body().getString(Field.PEER))).completion())
        .mapEmpty();
  }

  /** Session-service's answer for {@code uid} in {@code sid}: a 403/404 failure unless a member. */
  Future<JsonObject> check(String uid, String sid) {
    String key = key(sid, uid);
    Timed cached = answers.get(key);
    if (cached != null) {
      if (clock.getAsLong() - cached.at() <= ttlMs) {
        return Future.succeededFuture(cached.answer());
      }
      remove(key);
    }
    Pending inFlight = pending.get(key);
    if (inFlight != null && inFlight.generation() == generation) {
      return inFlight.answer();
    }
    long startedAt = generation;
    Future<JsonObject> asked = Bus.request(vertx, Address.SESSION_CHECK_MEMBER,
        new JsonObject().put(Field.UID, uid).put(Field.SID, sid));
    Pending mine = new Pending(asked, startedAt);
    pending.put(key, mine);
    asked.onComplete(ar -> {
      pending.remove(key, mine);
      if (ar.succeeded() && startedAt == generation && settled(key, uid)) {
        answers.put(key, new Timed(ar.result(), clock.getAsLong()));
        keysByUid.computeIfAbsent(uid, u -> new HashSet<>()).add(key);
      }
    });
    return asked;
  }

  void membershipChanged(String sid, String uid) {
    generation++;
    if (sid != null && uid != null) {
      String key = key(sid, uid);
      remove(key);
      changedKeys.put(key, clock.getAsLong());
      forgetSettled();
    }
  }

  void blockChanged(String uid, String peer) {
    generation++;
    for (String u : new String[] {uid, peer}) {
      if (u == null) {
        continue;
      }
      Set<String> keys = keysByUid.remove(u);
      if (keys != null) {
        keys.forEach(answers::remove);
      }
      changedUids.put(u, clock.getAsLong());
    }
    forgetSettled();
  }

  void clear() {
    generation++;
    answers.clear();
    keysByUid.clear();
    keepNothingUntil = clock.getAsLong() + SETTLE_MS;
  }

  /** Whether an answer for this key may be kept: no change of it within {@link #SETTLE_MS}. */
  private boolean settled(String key, String uid) {
    long now = clock.getAsLong();
    Long keyChanged = changedKeys.get(key);
    Long uidChanged = changedUids.get(uid);
    return now >= keepNothingUntil && (keyChanged == null || now - keyChanged >= SETTLE_MS)
        && (uidChanged == null || now - uidChanged >= SETTLE_MS);
  }

  private void forgetSettled() {
    long now = clock.getAsLong();
    changedKeys.values().removeIf(at -> now - at >= SETTLE_MS);
    changedUids.values().removeIf(at -> now - at >= SETTLE_MS);
  }

  /** Answers held now, for tests. */
  int size() {
    return answers.size();
  }

  private void remove(String key) {
    answers.remove(key);
    unindex(key);
  }

  private void unindex(String key) {
    String uid = key.substring(key.indexOf('\n') + 1);
    Set<String> keys = keysByUid.get(uid);
    if (keys != null) {
      keys.remove(key);
      if (keys.isEmpty()) {
        keysByUid.remove(uid);
      }
    }
  }

  private static String key(String sid, String uid) {
    return sid + "\n" + uid;
  }
}
