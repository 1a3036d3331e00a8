package palaver.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import palaver.api.Field;

/**
 * Roles of recent (sid, uid) membership checks, so every send does not cost a
 * store read, and the session ids of recently listed users, so a connecting
 * socket's session list reads memberships by {@code _id} rather than by uid
 * (a secondary-index query; the embedded store scans for it). Only positive
 * role answers are kept. Entries are dropped on every
 * membership change announced on {@code palaver.session.membershipChanged}
 * (by any session-service instance in the cluster); the TTL is only a safety
 * net for an announcement lost with a dying node.
 * Used from one verticle's event loop only.
 */
final class MembershipCache {
  static final int MAX_ENTRIES = 100_000;
  static final long TTL_MS = 60_000;

  private record Timed<V>(V value, long at) {
  }

  /** A store read of a user's memberships in flight, and the cache generation it started at. */
  private record PendingRead(Future<List<JsonObject>> read, long generation) {
  }

  private final long ttlMs;
  private final LongSupplier clock;
  /** role by member id (sid/uid) */
  private final Map<String, Timed<String>> roles;
  /** session ids by uid */
  private final Map<String, Timed<List<String>>> sessions;
  /** Reads in flight by uid, shared by concurrent askers. */
  private final Map<String, PendingRead> listing = new HashMap<>();

  /**
   * Counts invalidations: a store read that started before an invalidation
   * may have seen the old state, so its answer is not cached.
   */
  private long generation;

  MembershipCache() {
    this(MAX_ENTRIES, TTL_MS, System::currentTimeMillis);
  }

  /** A cache of at most {@code maxEntries} per kind, whose entries expire {@code ttlMs} after {@code clock} put them. */
  MembershipCache(int maxEntries, long ttlMs, LongSupplier clock) {
    this.ttlMs = ttlMs;
    this.clock = clock;
    this.roles = lru(maxEntries);
    this.sessions = lru(maxEntries);
  }

  private static <V> Map<String, Timed<V>> lru(int maxEntries) {
    return new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Timed<V>> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /** The value under {@code key} unless older than the TTL (then dropped), or null. */
  private <V> V fresh(Map<String, Timed<V>> map, String key) {
    Timed<V> e = map.get(key);
    if (e == null) {
      return null;
    }
    if (clock.getAsLong() - e.at > ttlMs) {
      map.remove(key);
      return null;
    }
    return e.value;
  }

  /** The cached role, or null when unknown. */
  String role(String sid, String uid) {
    return fresh(roles, SessionStore.memberId(sid, uid));
  }

  /** The sids the user was a member of when last listed, or null when unknown. */
  List<String> sessionsOf(String uid) {
    return fresh(sessions, uid);
  }

  /** Taken before a store read; pass it to {@link #put} or {@link #putSessions} with the read's answer. */
  long generation() {
    return generation;
  }

  void put(String sid, String uid, String role, long readStartedAt) {
    if (readStartedAt == generation) {
      roles.put(SessionStore.memberId(sid, uid), new Timed<>(role, clock.getAsLong()));
    }
  }

  void putSessions(String uid, List<String> sids, long readStartedAt) {
    if (readStartedAt == generation) {
      sessions.put(uid, new Timed<>(List.copyOf(sids), clock.getAsLong()));
    }
  }

  /**
   * The user's membership documents from {@code read}, whose sids are then
   * kept for {@link #sessionsOf}. A user's sockets connect together (tabs, a
   * reconnect storm): one read in flight serves them all, unless a membership
   * changed since it started (its answer may predate the change).
   */
  Future<List<JsonObject>> sharedRead(String uid, Supplier<Future<List<JsonObject>>> read) {
    long startedAt = generation;
    PendingRead pending = listing.get(uid);
    if (pending != null && pending.generation() == startedAt) {
      return pending.read();
    }
    Future<List<JsonObject>> started = read.get()
        .onSuccess(members -> putSessions(uid, members.stream().map(m -> m.getString(Field.SID)).toList(), startedAt));
    PendingRead mine = new PendingRead(started, startedAt);
    listing.put(uid, mine);
    started.onComplete(ar -> listing.remove(uid, mine));
    return started;
  }

  /** Drops everything, and the answers of reads in flight: announcements may have been lost (a split brain). */
  void clear() {
    generation++;
    roles.clear();
    sessions.clear();
  }

  void invalidate(String sid, String uid) {
    generation++;
    roles.remove(SessionStore.memberId(sid, uid));
    sessions.remove(uid);
  }
}
