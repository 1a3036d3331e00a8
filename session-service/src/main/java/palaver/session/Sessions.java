package palaver.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.runtime.UserRateLimit;

/** Sessions themselves: creating groups and private sessions, a session's page, editing, the public directory. */
final class Sessions {
  /** In a directory entry: whether the caller is a member. */
  static final String JOINED = "joined";
  /** The presence state of anyone not online, also shown when presence can't be asked. */
  static final String OFFLINE = "offline";

  private final SessionStore store;
  private final SessionEvents events;
  private final Neighbours neighbours;
  private final Memberships memberships;
  /** Groups one user may create: a burst, then a few a minute (issue 20: 2,000 groups in 27 s). */
  private final UserRateLimit creations = new UserRateLimit("groups created", GROUPS_PER_MINUTE, GROUPS_BURST);

  static final int GROUPS_PER_MINUTE = 10;
  static final int GROUPS_BURST = 20;

  Sessions(SessionStore store, SessionEvents events, Neighbours neighbours, Memberships memberships) {
    this.store = store;
    this.events = events;
    this.neighbours = neighbours;
    this.memberships = memberships;
  }

  /** The creator is the owner; if any step fails, what was written is removed again. */
  Future<JsonObject> createGroup(String uid, String name, String icon, String visibility) {
    String sid = Ids.random();
    long now = System.currentTimeMillis();
    JsonObject session = SessionStore.newGroup(sid, name, icon, visibility, uid, now);
    creations.take(uid);
    return memberships.roomFor(uid).compose(v -> store.insertSession(session))
        .compose(v -> store.insertMember(SessionStore.newMember(sid, uid, SessionStore.OWNER, now)))
        .compose(added -> {
          events.membershipChanged(sid, uid);
          return events.system(sid, uid, "create", new JsonObject().put(Field.NAME, name));
        })
        .recover(t -> store.deleteMember(sid, uid).onComplete(ar -> events.membershipChanged(sid, uid))
            .compose(v -> store.deleteSession(sid))
            .transform(x -> Future.failedFuture(t)))
        .map(v -> {
          events.added(uid, sid);
          return SessionInfo.of(session);
        });
  }

  /**
   * The one session of a pair: its id is derived from the pair, so creation
   * from both sides at once meets on the same {@code _id} and can't split.
   * Every step is idempotent, so a call that failed half-way is completed by
   * the next one.
   */
  Future<JsonObject> createPrivate(String uid, String peer) {
    long now = System.currentTimeMillis();
    JsonObject session = SessionStore.newPrivate(uid, peer, now);
    String sid = session.getString("_id");
    return neighbours.user(peer)
        .compose(profile -> neighbours.relation(uid, peer))
        .compose(relation -> relation.getBoolean(Field.BLOCKED, false)
            ? Future.failedFuture(ErrorCode.FORBIDDEN.exception("blocked"))
            : store.insertSessionIfAbsent(session))
        .compose(created -> Future.all(addPairMember(sid, uid, now), addPairMember(sid, peer, now)))
        .compose(v -> store.session(sid))
        .map(s -> SessionInfo.forMember(s, uid));
  }

  private Future<Void> addPairMember(String sid, String uid, long now) {
    return store.insertMember(SessionStore.newMember(sid, uid, SessionStore.MEMBER, now)).map(added -> {
      if (added) {
        events.membershipChanged(sid, uid);
        events.added(uid, sid);
      }
      return null;
    });
  }

  /**
   * Info and members with their online state. Anyone may look at a public
   * group; private sessions only their members.
   */
  Future<JsonObject> get(String uid, String sid) {
    return store.session(sid).compose(session -> store.members(sid).compose(members -> {
      boolean isMember = members.stream().anyMatch(m -> uid.equals(m.getString(Field.UID)));
      if (!isMember && !SessionStore.isPublic(session)) {
        return Future.failedFuture(ErrorCode.FORBIDDEN.exception("not a member of this session"));
      }
      List<String> uids = members.stream().map(m -> m.getString(Field.UID)).toList();
      Future<JsonObject> profiles = neighbours.profiles(uids);
      Future<JsonObject> presence = neighbours.presence(uids);
      return Future.all(profiles, presence).map(v -> {
        JsonArray list = new JsonArray();
        for (JsonObject m : members) {
          list.add(memberView(m, profiles.result(), presence.result()));
        }
        return SessionInfo.forMember(session, uid).put(Field.MEMBERS, list);
      });
    }));
  }

  private static JsonObject memberView(JsonObject member, JsonObject profiles, JsonObject presence) {
    String uid = member.getString(Field.UID);
    JsonObject profile = profiles.getJsonObject(uid, new JsonObject());
    String state = presence.getString(uid, OFFLINE);
    return new JsonObject().put(Field.UID, uid).put(Field.ROLE, member.getString(Field.ROLE))
        .put(Field.NICKNAME, profile.getString(Field.NICKNAME)).put(Field.AVATAR, profile.getString(Field.AVATAR))
        .put(Field.STATE, state).put(Field.ONLINE, !OFFLINE.equals(state))
        .put(SessionStore.JOINED_AT, member.getLong(SessionStore.JOINED_AT))
        // Read receipts after a reload: the live read events only tell what moved since.
        .put(Field.READ_SEQ, member.getLong(Field.READ_SEQ, 0L));
  }

  /**
   * The owner or an admin edits a group with {@code changes} (name, icon,
   * visibility). Stored as a {@code rename} (or {@code edit}) system message;
   * the edit is undone if that message can't be stored.
   */
  Future<JsonObject> update(String uid, String sid, JsonObject changes) {
    return store.group(sid).compose(session -> store.requireMember(sid, uid).compose(me -> {
      String role = me.getString(Field.ROLE);
      if (!SessionStore.OWNER.equals(role) && !SessionStore.ADMIN.equals(role)) {
        return Future.failedFuture(ErrorCode.FORBIDDEN.exception("only the owner or an admin edits the session"));
      }
      JsonObject before = new JsonObject();
      changes.fieldNames().forEach(f -> before.put(f, session.getValue(f)));
      String action = changes.containsKey(Field.NAME) && !changes.getString(Field.NAME).equals(session.getString(Field.NAME))
          ? "rename" : "edit";
      return store.setSession(sid, changes)
          .compose(v -> events.system(sid, uid, action, changes)
              .recover(t -> store.setSession(sid, before).transform(x -> Future.failedFuture(t))))
          .map(v -> {
            JsonObject info = SessionInfo.of(session.mergeIn(changes));
            events.toMembers(sid, "updated", info.copy().put(Field.BY, uid));
            return info;
          });
    }));
  }

  /**
   * Public groups, newest first, whose name contains {@code text}, each with
   * {@code joined} for the caller; {@code more} when another page follows.
   */
  Future<JsonObject> directory(String uid, String text, int offset, int limit) {
    return store.publicGroups(text, offset, limit + 1).compose(found -> {
      List<JsonObject> page = found.subList(0, Math.min(limit, found.size()));
      List<String> sids = page.stream().map(s -> s.getString("_id")).toList();
      return store.joinedAmong(uid, sids).map(joined -> {
        JsonArray out = new JsonArray();
        page.forEach(s -> out.add(SessionInfo.of(s).put(JOINED, joined.contains(s.getString("_id")))));
        return new JsonObject().put(Field.SESSIONS, out).put(Field.MORE, found.size() > limit);
      });
    });
  }
}
