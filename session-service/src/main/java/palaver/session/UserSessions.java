package palaver.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import palaver.api.ErrorCode;
import palaver.api.Field;

/**
 * A user's side of their sessions: which they are in (with their role and
 * read position), whether they are in one (asked on every send, so cached),
 * and moving their read position.
 */
final class UserSessions {
  private final SessionStore store;
  private final MembershipCache cache;
  private final SessionEvents events;
  private final Neighbours neighbours;

  UserSessions(SessionStore store, MembershipCache cache, SessionEvents events, Neighbours neighbours) {
    this.store = store;
    this.cache = cache;
    this.events = events;
    this.neighbours = neighbours;
  }

  /**
   * The user's sessions, most recently active first, in two queries and two
   * concurrent bus calls (stream heads, peers' profiles), whatever their number.
   */
  Future<JsonObject> list(String uid) {
    return memberships(uid).compose(mine -> {
      List<JsonObject> sessions = new ArrayList<>();
      mine.getJsonArray(Field.SESSIONS).forEach(s -> sessions.add((JsonObject) s));
      List<String> sids = new ArrayList<>();
      JsonObject readSeqs = new JsonObject();
      Set<String> peers = new LinkedHashSet<>();
      for (JsonObject s : sessions) {
        sids.add(s.getString(Field.SID));
        readSeqs.put(s.getString(Field.SID), s.getLong(Field.READ_SEQ, 0L));
        JsonObject peer = s.getJsonObject(Field.PEER);
        if (peer != null) {
          peers.add(peer.getString(Field.UID));
        }
      }
      Future<JsonObject> heads = neighbours.heads(sids, uid, readSeqs);
      Future<JsonObject> profiles = neighbours.profiles(peers);
      return Future.all(heads, profiles).map(v -> {
        for (JsonObject s : sessions) {
          withHead(s, heads.result().getJsonObject(s.getString(Field.SID), new JsonObject()));
          JsonObject peer = s.getJsonObject(Field.PEER);
          if (peer != null) {
            JsonObject profile = profiles.result().getJsonObject(peer.getString(Field.UID), new JsonObject());
            peer.put(Field.NICKNAME, profile.getString(Field.NICKNAME)).put(Field.AVATAR, profile.getString(Field.AVATAR));
          }
        }
        sessions.sort(Comparator.comparingLong(UserSessions::lastActivity).reversed()
            .thenComparing(s -> s.getString(Field.SID)));
        return new JsonObject().put(Field.SESSIONS, new JsonArray(new ArrayList<>(sessions)));
      });
    });
  }

  /**
   * A writer has read the session up to their own newest message ({@code ownSeq}
   * from the head): own messages never show as unread, without a read write per send.
   * {@code mentions} is counted by message-service above the same position.
   */
  static void withHead(JsonObject session, JsonObject head) {
    long lastSeq = head.getLong(Field.LAST_SEQ, 0L);
    JsonObject last = head.getJsonObject(Field.LAST_MESSAGE);
    long readSeq = Math.max(session.getLong(Field.READ_SEQ, 0L), head.getLong(Field.OWN_SEQ, 0L));
    session.put(Field.LAST_SEQ, lastSeq).put(Field.READ_SEQ, readSeq)
        .put(Field.UNREAD, Math.max(0, lastSeq - readSeq - changesAfter(head, readSeq))).put(Field.LAST_MESSAGE, last)
        .put(Field.MENTIONS, head.getLong(Field.MENTIONS, 0L));
  }

  /**
   * Edits, deletions and reactions take seqs but are not unread messages: the head lists the newest
   * change events' seqs ({@code changeSeqs}, the last 200), and those after readSeq are left out.
   */
  static long changesAfter(JsonObject head, long readSeq) {
    if (!(head.getValue(Field.CHANGE_SEQS) instanceof JsonArray changes)) {
      return 0;
    }
    return changes.stream().filter(s -> s instanceof Number n && n.longValue() > readSeq).count();
  }

  /** The last message's time, or the session's creation for a session without messages. */
  static long lastActivity(JsonObject session) {
    JsonObject last = session.getJsonObject(Field.LAST_MESSAGE);
    Long at = last == null ? null : last.getLong(Field.AT);
    return at != null ? at : session.getLong(SessionStore.CREATED_AT, 0L);
  }

  /** {@code {sessions:[{info, role, readSeq, muted, archived}]}}: what a gateway subscribes to. */
  Future<JsonObject> memberships(String uid) {
    return membersOf(uid).compose(members -> store.sessions(members.stream().map(m -> m.getString(Field.SID)).toList())
        .map(sessions -> {
          JsonObject byId = new JsonObject();
          sessions.forEach(s -> byId.put(s.getString("_id"), s));
          JsonArray out = new JsonArray();
          for (JsonObject m : members) {
            JsonObject s = byId.getJsonObject(m.getString(Field.SID));
            if (s != null) {
              out.add(SessionInfo.forMember(s, uid).put(Field.ROLE, m.getString(Field.ROLE))
                  .put(Field.READ_SEQ, m.getLong(Field.READ_SEQ, 0L))
                  .put(Field.MUTED, m.getBoolean(Field.MUTED, false))
                  .put(Field.ARCHIVED, m.getBoolean(Field.ARCHIVED, false)));
            }
          }
          return new JsonObject().put(Field.SESSIONS, out);
        }));
  }

  /**
   * The user's membership documents. When the user's sids are cached they are
   * read by {@code _id}; a membership removed since is simply not found, and
   * one added since was announced, which dropped the cached sids.
   */
  private Future<List<JsonObject>> membersOf(String uid) {
    List<String> sids = cache.sessionsOf(uid);
    if (sids != null) {
      return store.membershipsOf(uid, sids);
    }
    return cache.sharedRead(uid, () -> store.membershipsOf(uid));
  }

  /** The most uids one member check asks about (a message's mentions are fewer). */
  static final int MAX_ASKED_MEMBERS = 100;

  /** Which of {@code uids} are members of {@code sid} now: one read by membership id. */
  Future<List<String>> membersAmong(String sid, List<String> uids) {
    return store.membersAmong(sid, uids).map(found -> found.stream().map(m -> m.getString(Field.UID)).toList());
  }

  /** {@code {role}}, answered from the cache when possible: the message path asks on every send. */
  Future<JsonObject> checkMember(String uid, String sid) {
    String cached = cache.role(sid, uid);
    if (cached != null) {
      return Future.succeededFuture(new JsonObject().put(Field.ROLE, cached));
    }
    long generation = cache.generation();
    return store.member(sid, uid).compose(m -> {
      if (m != null) {
        cache.put(sid, uid, m.getString(Field.ROLE), generation);
        return Future.succeededFuture(new JsonObject().put(Field.ROLE, m.getString(Field.ROLE)));
      }
      return store.session(sid).compose(s -> Future.failedFuture(ErrorCode.FORBIDDEN.exception("not a member of this session")));
    });
  }

  /**
   * Sets the caller's own flags of a session ({@code muted}, {@code archived}); 403 for a non-member, 404 for
   * no such session. Their other sockets are told; nobody else is.
   */
  Future<JsonObject> setPreferences(String uid, String sid, JsonObject flags) {
    return store.setPreferences(sid, uid, flags).compose(m -> {
      if (m == null) {
        return store.session(sid).compose(s -> Future.failedFuture(ErrorCode.FORBIDDEN.exception("not a member of this session")));
      }
      JsonObject preferences = new JsonObject().put(Field.SID, sid)
          .put(Field.MUTED, m.getBoolean(Field.MUTED, false)).put(Field.ARCHIVED, m.getBoolean(Field.ARCHIVED, false));
      events.preferences(uid, preferences);
      return Future.succeededFuture(preferences);
    });
  }

  /**
   * Moves the user's read position forward only, never past the session's
   * last message; the other members get a {@code read} event when it moved.
   */
  Future<JsonObject> read(String uid, String sid, long requested) {
    return neighbours.lastSeq(sid).map(last -> Math.min(requested, last))
        .compose(seq -> store.advanceRead(sid, uid, seq).compose(old -> {
          if (old == null) {
            return checkMember(uid, sid).map(new JsonObject());
          }
          long before = old.getLong(Field.READ_SEQ, 0L);
          if (seq > before) {
            events.read(sid, uid, seq);
          }
          return Future.succeededFuture(new JsonObject().put(Field.SID, sid).put(Field.READ_SEQ, Math.max(before, seq)));
        }));
  }
}
