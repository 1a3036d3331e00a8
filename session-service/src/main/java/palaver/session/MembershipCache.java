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

  private record Entry(String role, long at) {
  }

  private record Sessions(List<String> sids, long at) {
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  private final Map<String, Sessions> sessions = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Sessions> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  /**
   * Counts invalidations: a store read that started before an invalidation
   * may have seen the old state, so its answer is not cached.
   */
  private long generation;

  /** The cached role, or null when unknown. */
  String role(String sid, String uid) {
    String key = SessionStore.memberId(sid, uid);
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (System.currentTimeMillis() - e.at > TTL_MS) {
      entries.remove(key);
      return null;
    }
    return e.role;
  }

  /** Taken before a store read; pass it to {@link #put} with the read's answer. */
  long generation() {
    return generation;
  }

  void put(String sid, String uid, String role, long readStartedAt) {
    if (readStartedAt == generation) {
      entries.put(SessionStore.memberId(sid, uid), new Entry(role, System.currentTimeMillis()));
    }
  }

  /** The sids the user was a member of when last listed, or null when unknown. */
  List<String> sessionsOf(String uid) {
    Sessions s = sessions.get(uid);
    if (s == null) {
      return null;
    }
    if (System.currentTimeMillis() - s.at > TTL_MS) {
      sessions.remove(uid);
      return null;
    }
    return s.sids;
  }

  void putSessions(String uid, List<String> sids, long readStartedAt) {
    if (readStartedAt == generation) {
      sessions.put(uid, new Sessions(List.copyOf(sids), System.currentTimeMillis()));
    }
  }

  void invalidate(String sid, String uid) {
    generation++;
    entries.remove(SessionStore.memberId(sid, uid));
    sessions.remove(uid);
  }
}
