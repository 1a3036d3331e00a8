package palaver.session;

import static palaver.session.SessionStore.MEMBERS;
import static palaver.session.SessionStore.SESSIONS;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.runtime.Store;

/** session-service: owns the {@code sessions} and {@code members} collections. */
public class SessionVerticle extends VerticleBase {
  static final int DIRECTORY_LIMIT = 100;
  /** How long a session's page waits for presence before showing members offline. */
  static final long PRESENCE_TIMEOUT_MS = 2_000;

  private MongoClient mongo;
  private SessionStore store;
  private MembershipCache cache;
  /** A store read of a user's memberships in flight, and the cache generation it started at. */
  private record PendingRead(Future<List<JsonObject>> read, long generation) {
  }

  /** Reads in flight by uid, shared by concurrent askers. */
  private final Map<String, PendingRead> listing = new HashMap<>();
  private SessionEvents events;
  private Memberships memberships;

  @Override
  public Future<?> start() {
    mongo = Store.client(vertx, config());
    store = new SessionStore(mongo);
    cache = new MembershipCache();
    events = new SessionEvents(vertx, cache);
    memberships = new Memberships(vertx, store, events);
    return Store.ping(mongo, config())
        .compose(v -> store.createIndexes())
        .compose(v -> vertx.eventBus().<JsonObject>consumer(Address.SESSION_MEMBERSHIP_CHANGED,
            msg -> cache.invalidate(msg.body().getString(Field.SID), msg.body().getString(Field.UID))).completion())
        .compose(v -> Future.all(List.of(
            Bus.serve(vertx, Address.HEALTH_SESSION, body -> Store.ping(mongo, config()).map(new JsonObject())),
            Bus.serve(vertx, Address.SESSION_CREATE, this::create),
            Bus.serve(vertx, Address.SESSION_GET, this::get),
            Bus.serve(vertx, Address.SESSION_LIST, this::list),
            Bus.serve(vertx, Address.SESSION_DIRECTORY, this::directory),
            Bus.serve(vertx, Address.SESSION_UPDATE, this::update),
            Bus.serve(vertx, Address.SESSION_MEMBERSHIPS, this::memberships),
            Bus.serve(vertx, Address.SESSION_CHECK_MEMBER, this::checkMember),
            Bus.serve(vertx, Address.SESSION_JOIN, memberships::join),
            Bus.serve(vertx, Address.SESSION_INVITE, memberships::invite),
            Bus.serve(vertx, Address.SESSION_LEAVE, memberships::leave),
            Bus.serve(vertx, Address.SESSION_REMOVE, memberships::remove),
            Bus.serve(vertx, Address.SESSION_SET_ROLE, memberships::setRole),
            Bus.serve(vertx, Address.SESSION_READ, this::read))));
  }

  private Future<JsonObject> create(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String type = Check.oneOf(body, Field.TYPE, null, "group", "private");
    return type.equals("group") ? createGroup(uid, body) : createPrivate(uid, body);
  }

  /** The creator is the owner; if any step fails, what was written is removed again. */
  private Future<JsonObject> createGroup(String uid, JsonObject body) {
    String name = SessionInfo.name(body);
    String icon = SessionInfo.icon(body);
    String visibility = Check.oneOf(body, Field.VISIBILITY, "public", "public", "private");
    String sid = Ids.random();
    long now = System.currentTimeMillis();
    JsonObject session = new JsonObject().put("_id", sid).put(Field.TYPE, "group").put(Field.NAME, name)
        .put(Field.ICON, icon).put(Field.VISIBILITY, visibility).put(Field.OWNER, uid).put("createdAt", now);
    return mongo.insert(SESSIONS, session)
        .compose(id -> mongo.insert(MEMBERS, SessionStore.newMember(sid, uid, SessionStore.OWNER, now)))
        .compose(id -> {
          events.membershipChanged(sid, uid);
          return events.system(sid, uid, "create", new JsonObject().put(Field.NAME, name));
        })
        .recover(t -> store.deleteMember(sid, uid).onComplete(ar -> events.membershipChanged(sid, uid))
            .compose(v -> mongo.removeDocument(SESSIONS, new JsonObject().put("_id", sid)))
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
  private Future<JsonObject> createPrivate(String uid, JsonObject body) {
    if (!(body.getValue(Field.PEER) instanceof String)) {
      throw ErrorCode.INVALID.exception("uid of the other user is required");
    }
    String peer = Check.string(body, Field.PEER, 1, 64);
    if (peer.equals(uid)) {
      throw ErrorCode.INVALID.exception("a private session needs another user");
    }
    String sid = pairId(uid, peer);
    long now = System.currentTimeMillis();
    JsonObject session = new JsonObject().put("_id", sid).put(Field.TYPE, "private")
        .put(Field.VISIBILITY, "private").put("pair", new JsonArray().add(uid).add(peer)).put("createdAt", now);
    return Bus.request(vertx, Address.USER_GET, new JsonObject().put(Field.UID, peer))
        .compose(profile -> mongo.insert(SESSIONS, session).map(true)
            .recover(t -> Store.isDuplicateKey(t) ? Future.succeededFuture(false) : Future.failedFuture(t)))
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
   * {@code {uid, sid}} → info and members with their online state. Anyone may
   * look at a public group; private sessions only their members.
   */
  private Future<JsonObject> get(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String sid = Check.string(body, Field.SID, 1, 64);
    return store.session(sid).compose(session -> store.members(sid).compose(members -> {
      boolean isMember = members.stream().anyMatch(m -> uid.equals(m.getString(Field.UID)));
      if (!isMember && !"public".equals(session.getString(Field.VISIBILITY))) {
        return Future.failedFuture(ErrorCode.FORBIDDEN.exception("not a member of this session"));
      }
      JsonArray uids = new JsonArray();
      members.forEach(m -> uids.add(m.getString(Field.UID)));
      Future<JsonObject> profiles = profiles(uids);
      Future<JsonObject> presence = presence(uids);
      return Future.all(profiles, presence).map(v -> {
        JsonArray list = new JsonArray();
        for (JsonObject m : members) {
          String member = m.getString(Field.UID);
          JsonObject profile = profiles.result().getJsonObject(member, new JsonObject());
          String state = presence.result().getString(member, "offline");
          list.add(new JsonObject().put(Field.UID, member).put(Field.ROLE, m.getString(Field.ROLE))
              .put(Field.NICKNAME, profile.getString(Field.NICKNAME)).put(Field.AVATAR, profile.getString(Field.AVATAR))
              .put(Field.STATE, state).put(Field.ONLINE, !"offline".equals(state))
              .put("joinedAt", m.getLong("joinedAt")));
        }
        return SessionInfo.forMember(session, uid).put(Field.MEMBERS, list);
      });
    }));
  }

  /** {@code {uid:profile}} of the given users in one request; empty if user-service can't answer. */
  private Future<JsonObject> profiles(JsonArray uids) {
    if (uids.isEmpty()) {
      return Future.succeededFuture(new JsonObject());
    }
    return Bus.request(vertx, Address.USER_PROFILES, new JsonObject().put("uids", uids))
        .map(r -> r.getJsonObject("profiles", new JsonObject()))
        .otherwise(new JsonObject());
  }

  /** {@code {uid:state}}; everyone shows offline when presence can't be asked, rather than failing the page. */
  private Future<JsonObject> presence(JsonArray uids) {
    if (uids.isEmpty()) {
      return Future.succeededFuture(new JsonObject());
    }
    return Bus.request(vertx, Address.USER_PRESENCE_QUERY, new JsonObject().put("uids", uids), PRESENCE_TIMEOUT_MS)
        .map(r -> r.getJsonObject("presence", new JsonObject()))
        .otherwise(new JsonObject());
  }

  /**
   * The caller's sessions, most recently active first, in two queries and two
   * concurrent bus calls (stream heads, peers' profiles), whatever their number.
   */
  private Future<JsonObject> list(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    return memberships(body).compose(mine -> {
      List<JsonObject> sessions = new ArrayList<>();
      mine.getJsonArray(Field.SESSIONS).forEach(s -> sessions.add((JsonObject) s));
      JsonArray sids = new JsonArray();
      Set<String> peers = new LinkedHashSet<>();
      for (JsonObject s : sessions) {
        sids.add(s.getString(Field.SID));
        JsonObject peer = s.getJsonObject(Field.PEER);
        if (peer != null) {
          peers.add(peer.getString(Field.UID));
        }
      }
      Future<JsonObject> heads = sids.isEmpty() ? Future.succeededFuture(new JsonObject())
          : Bus.request(vertx, Address.MESSAGE_HEADS, new JsonObject().put("sids", sids).put(Field.UID, uid))
              .map(r -> r.getJsonObject("heads"));
      Future<JsonObject> profiles = profiles(new JsonArray(new ArrayList<>(peers)));
      return Future.all(heads, profiles).map(v -> {
        for (JsonObject s : sessions) {
          withHead(s, heads.result().getJsonObject(s.getString(Field.SID), new JsonObject()));
          JsonObject peer = s.getJsonObject(Field.PEER);
          if (peer != null) {
            JsonObject profile = profiles.result().getJsonObject(peer.getString(Field.UID), new JsonObject());
            peer.put(Field.NICKNAME, profile.getString(Field.NICKNAME)).put(Field.AVATAR, profile.getString(Field.AVATAR));
          }
        }
        sessions.sort(Comparator.comparingLong(SessionVerticle::lastActivity).reversed()
            .thenComparing(s -> s.getString(Field.SID)));
        return new JsonObject().put(Field.SESSIONS, new JsonArray(new ArrayList<>(sessions)));
      });
    });
  }

  /**
   * A writer has read the session up to their own newest message ({@code ownSeq}
   * from the head): own messages never show as unread, without a read write per send.
   */
  private static void withHead(JsonObject session, JsonObject head) {
    long lastSeq = head.getLong(Field.LAST_SEQ, 0L);
    JsonObject last = head.getJsonObject(Field.LAST_MESSAGE);
    long readSeq = Math.max(session.getLong(Field.READ_SEQ, 0L), head.getLong("ownSeq", 0L));
    session.put(Field.LAST_SEQ, lastSeq).put(Field.READ_SEQ, readSeq)
        .put(Field.UNREAD, Math.max(0, lastSeq - readSeq)).put(Field.LAST_MESSAGE, last);
  }

  /** The last message's time, or the session's creation for a session without messages. */
  private static long lastActivity(JsonObject session) {
    JsonObject last = session.getJsonObject(Field.LAST_MESSAGE);
    Long at = last == null ? null : last.getLong(Field.AT);
    return at != null ? at : session.getLong("createdAt", 0L);
  }

  /** {@code {uid}} → {@code {sessions:[{info, role, readSeq}]}}: what a gateway subscribes to. */
  private Future<JsonObject> memberships(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    return membersOf(uid).compose(members -> {
      JsonArray sids = new JsonArray();
      members.forEach(m -> sids.add(m.getString(Field.SID)));
      return mongo.find(SESSIONS, new JsonObject().put("_id", new JsonObject().put("$in", sids))).map(sessions -> {
        JsonObject byId = new JsonObject();
        sessions.forEach(s -> byId.put(s.getString("_id"), s));
        JsonArray out = new JsonArray();
        for (JsonObject m : members) {
          JsonObject s = byId.getJsonObject(m.getString(Field.SID));
          if (s != null) {
            out.add(SessionInfo.forMember(s, uid).put(Field.ROLE, m.getString(Field.ROLE))
                .put(Field.READ_SEQ, m.getLong(Field.READ_SEQ, 0L)));
          }
        }
        return new JsonObject().put(Field.SESSIONS, out);
      });
    });
  }

  /**
   * The user's membership documents. When the user's sids are cached they are
   * read by {@code _id}; a membership removed since is simply not found, and
   * one added since was announced, which dropped the cached sids.
   */
  private Future<List<JsonObject>> membersOf(String uid) {
    List<String> sids = cache.sessionsOf(uid);
    if (sids != null) {
      JsonArray ids = new JsonArray();
      sids.forEach(sid -> ids.add(SessionStore.memberId(sid, uid)));
      return ids.isEmpty() ? Future.succeededFuture(List.of())
          : mongo.find(MEMBERS, new JsonObject().put("_id", new JsonObject().put("$in", ids)));
    }
    // A user's sockets connect together (tabs, a reconnect storm): one read serves them all,
    // unless a membership changed since it started (its answer may predate the change).
    long generation = cache.generation();
    PendingRead pending = listing.get(uid);
    if (pending != null && pending.generation() == generation) {
      return pending.read();
    }
    Future<List<JsonObject>> read = mongo.find(MEMBERS, new JsonObject().put(Field.UID, uid))
        .onSuccess(members -> cache.putSessions(uid, members.stream().map(m -> m.getString(Field.SID)).toList(), generation));
    PendingRead mine = new PendingRead(read, generation);
    listing.put(uid, mine);
    read.onComplete(ar -> listing.remove(uid, mine));
    return read;
  }

  /**
   * {@code {uid, q?, offset?, limit?}} → public groups, newest first, whose
   * name contains {@code q} (case-insensitive, matched literally), each with
   * {@code joined} for the caller; {@code more} when another page follows.
   */
  private Future<JsonObject> directory(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String q = Check.optionalString(body, Field.QUERY, SessionInfo.MAX_NAME);
    int offset = (int) (long) optional(Check.optionalLong(body, Field.OFFSET, 0, 10_000), 0);
    int limit = (int) (long) optional(Check.optionalLong(body, Field.LIMIT, 1, DIRECTORY_LIMIT), 20);
    JsonObject query = new JsonObject().put(Field.TYPE, "group").put(Field.VISIBILITY, "public");
    if (q != null && !q.isBlank()) {
      query.put(Field.NAME, new JsonObject().put("$regex", SessionInfo.literalPattern(q.strip())).put("$options", "i"));
    }
    FindOptions options = new FindOptions().setSort(new JsonObject().put("createdAt", -1).put("_id", 1))
        .setSkip(offset).setLimit(limit + 1);
    return mongo.findWithOptions(SESSIONS, query, options).compose(found -> {
      List<JsonObject> page = found.subList(0, Math.min(limit, found.size()));
      JsonArray ids = new JsonArray();
      page.forEach(s -> ids.add(SessionStore.memberId(s.getString("_id"), uid)));
      return mongo.findWithOptions(MEMBERS, new JsonObject().put("_id", new JsonObject().put("$in", ids)),
          new FindOptions().setFields(new JsonObject().put(Field.SID, 1))).map(mine -> {
            Set<String> joined = new LinkedHashSet<>();
            mine.forEach(m -> joined.add(m.getString(Field.SID)));
            JsonArray out = new JsonArray();
            page.forEach(s -> out.add(SessionInfo.of(s).put("joined", joined.contains(s.getString("_id")))));
            return new JsonObject().put(Field.SESSIONS, out).put(Field.MORE, found.size() > limit);
          });
    });
  }

  private static long optional(Long value, long fallback) {
    return value == null ? fallback : value;
  }

  /**
   * {@code {uid, sid, name?, icon?, visibility?}}: the owner or an admin edits
   * a group. Stored as a {@code rename} (or {@code edit}) system message; the
   * edit is undone if that message can't be stored.
   */
  private Future<JsonObject> update(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String sid = Check.string(body, Field.SID, 1, 64);
    JsonObject changes = new JsonObject();
    if (body.containsKey(Field.NAME)) {
      changes.put(Field.NAME, SessionInfo.name(body));
    }
    if (body.containsKey(Field.ICON)) {
      changes.put(Field.ICON, SessionInfo.icon(body));
    }
    if (body.getValue(Field.VISIBILITY) != null) {
      changes.put(Field.VISIBILITY, Check.oneOf(body, Field.VISIBILITY, null, "public", "private"));
    }
    if (changes.isEmpty()) {
      throw ErrorCode.INVALID.exception("nothing to change: give name, icon or visibility");
    }
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

  /** {@code {uid, sid}} → {@code {role}}, answered from the cache when possible: the message path asks on every send. */
  private Future<JsonObject> checkMember(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String sid = Check.string(body, Field.SID, 1, 64);
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
   * Moves the caller's read position forward only, never past the session's
   * last message; the other members get a {@code read} event when it moved.
   */
  private Future<JsonObject> read(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String sid = Check.string(body, Field.SID, 1, 64);
    long requested = Check.longValue(body, Field.SEQ, 0, Long.MAX_VALUE);
    return Bus.request(vertx, Address.MESSAGE_HEADS, new JsonObject().put("sids", new JsonArray().add(sid)))
        .map(r -> Math.min(requested, r.getJsonObject("heads").getJsonObject(sid, new JsonObject()).getLong(Field.LAST_SEQ, 0L)))
        .compose(seq -> mongo.findOneAndUpdateWithOptions(MEMBERS, new JsonObject().put("_id", SessionStore.memberId(sid, uid)),
                new JsonObject().put("$max", new JsonObject().put(Field.READ_SEQ, seq)), new FindOptions(), new UpdateOptions())
            .compose(old -> {
              if (old == null) {
                return checkMember(body).map(new JsonObject());
              }
              long readSeq = Math.max(old.getLong(Field.READ_SEQ, 0L), seq);
              if (seq > old.getLong(Field.READ_SEQ, 0L)) {
                vertx.eventBus().publish(Address.fanoutSession(sid), new JsonObject().put(Field.TYPE, "event")
                    .put(Field.EVENT, "read").put(Field.SID, sid).put(Field.UID, uid).put(Field.SEQ, seq));
              }
              return Future.succeededFuture(new JsonObject().put(Field.SID, sid).put(Field.READ_SEQ, readSeq));
            }));
  }

  static String pairId(String a, String b) {
    String pair = a.compareTo(b) < 0 ? a + "\n" + b : b + "\n" + a;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(pair.getBytes(StandardCharsets.UTF_8));
      return "p" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
