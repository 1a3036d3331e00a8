package palaver.session;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  /** role by member id (sid/uid) */
  private final Map<String, Timed<String>> roles = lru();
  /** session ids by uid */
  private final Map<String, Timed<List<String>>> sessions = lru();

  /**
   * Counts invalidations: a store read that started before an invalidation
   * may have seen the old state, so its answer is not cached.
   */
  private long generation;

  private static <V> Map<String, Timed<V>> lru() {
    return new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Timed<V>> eldest) {
        return size() > MAX_ENTRIES;
      }
    };
  }

  /** The value under {@code key} unless older than the TTL (then dropped), or null. */
  private static <V> V fresh(Map<String, Timed<V>> map, String key) {
    Timed<V> e = map.get(key);
    if (e == null) {
      return null;
    }
    if (System.currentTimeMillis() - e.at > TTL_MS) {
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
      roles.put(SessionStore.memberId(sid, uid), new Timed<>(role, System.currentTimeMillis()));
    }
  }

  void putSessions(String uid, List<String> sids, long readStartedAt) {
    if (readStartedAt == generation) {
      sessions.put(uid, new Timed<>(List.copyOf(sids), System.currentTimeMillis()));
    }
  }

  void invalidate(String sid, String uid) {
    generation++;
    roles.remove(SessionStore.memberId(sid, uid));
    sessions.remove(uid);
  }
}
