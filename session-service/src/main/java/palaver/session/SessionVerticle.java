package palaver.session;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import palaver.common.Address;
import palaver.common.Bus;
import palaver.common.Check;
import palaver.common.ErrorCode;
import palaver.common.Field;
import palaver.common.Ids;
import palaver.common.Store;

/** session-service: owns the {@code sessions} and {@code members} collections. */
public class SessionVerticle extends VerticleBase {
  static final String SESSIONS = "sessions";
  static final String MEMBERS = "members";

  private MongoClient mongo;

  @Override
  public Future<?> start() {
    mongo = Store.client(vertx, config());
    return Store.ping(mongo, config())
        .compose(v -> Future.all(
            Store.index(mongo, MEMBERS, new JsonObject().put(Field.UID, 1), false),
            Store.index(mongo, MEMBERS, new JsonObject().put(Field.SID, 1), false),
            Store.index(mongo, SESSIONS, new JsonObject().put(Field.VISIBILITY, 1).put("lastAt", -1), false)))
        .compose(v -> Future.all(List.of(
            Bus.serve(vertx, Address.HEALTH_SESSION, body -> Store.ping(mongo, config()).map(new JsonObject())),
              Bus.serve(vertx, Address.SESSION_CREATE, this::create),
            Bus.serve(vertx, Address.SESSION_GET, this::get),
            Bus.serve(vertx, Address.SESSION_LIST, this::list),
            Bus.serve(vertx, Address.SESSION_MEMBERSHIPS, this::memberships),
            Bus.serve(vertx, Address.SESSION_CHECK_MEMBER, this::checkMember),
            Bus.serve(vertx, Address.SESSION_JOIN, this::join),
            Bus.serve(vertx, Address.SESSION_READ, this::read))));
  }

  private Future<JsonObject> create(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String type = Check.oneOf(body, Field.TYPE, null, "group", "private");
    return type.equals("group") ? createGroup(uid, body) : createPrivate(uid, body);
  }

  private Future<JsonObject> createGroup(String uid, JsonObject body) {
    String name = Check.string(body, Field.NAME, 1, 64).strip();
    if (name.isEmpty()) {
      throw ErrorCode.INVALID.exception("name must not be blank");
    }
    String visibility = Check.oneOf(body, Field.VISIBILITY, "public", "public", "private");
    String sid = Ids.random();
    long now = System.currentTimeMillis();
    JsonObject session = new JsonObject().put("_id", sid).put(Field.TYPE, "group").put(Field.NAME, name)
        .put(Field.VISIBILITY, visibility).put("owner", uid).put("createdAt", now).put("lastAt", now);
    return mongo.insert(SESSIONS, session)
        .compose(id -> addMember(sid, uid, "owner", now))
        .compose(added -> systemMessage(sid, uid, "create", new JsonObject().put(Field.NAME, name)))
        .map(v -> info(session));
  }

  /**
   * The one session of a pair: its id is derived from the pair, so creation
   * from both sides at once meets on the same {@code _id} and can't split.
   */
  private Future<JsonObject> createPrivate(String uid, JsonObject body) {
    String peer = Check.string(body, "peer", 1, 64);
    if (peer.equals(uid)) {
      throw ErrorCode.INVALID.exception("a private session needs another user");
    }
    String sid = pairId(uid, peer);
    long now = System.currentTimeMillis();
    JsonObject session = new JsonObject().put("_id", sid).put(Field.TYPE, "private")
        .put(Field.VISIBILITY, "private").put("pair", new JsonArray().add(uid).add(peer))
        .put("createdAt", now).put("lastAt", now);
    return Bus.request(vertx, Address.USER_GET, new JsonObject().put(Field.UID, peer))
        .compose(profile -> mongo.insert(SESSIONS, session).map(true)
            .recover(t -> Store.isDuplicateKey(t) ? Future.succeededFuture(false) : Future.failedFuture(t)))
        .compose(created -> Future.all(addMember(sid, uid, "member", now), addMember(sid, peer, "member", now))
            .map(created))
        .compose(created -> session(sid))
        .map(SessionVerticle::info);
  }

  /** Inserts a membership; a repeat is not an error. Announces only what is new. */
  private Future<Boolean> addMember(String sid, String uid, String role, long now) {
    return mongo.insert(MEMBERS, member(sid, uid, role, now))
        .map(id -> {
          announceAdded(uid, sid);
          return true;
        })
        .recover(t -> Store.isDuplicateKey(t) ? Future.succeededFuture(false) : Future.failedFuture(t));
  }

  private Future<JsonObject> join(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String sid = Check.string(body, Field.SID, 1, 64);
    return session(sid).compose(session -> {
      if (!"group".equals(session.getString(Field.TYPE)) || !"public".equals(session.getString(Field.VISIBILITY))) {
        return Future.failedFuture(ErrorCode.FORBIDDEN.exception("private sessions are invite-only"));
      }
      return addMember(sid, uid, "member", System.currentTimeMillis())
          .compose(added -> added ? systemMessage(sid, uid, "join", new JsonObject()) : Future.succeededFuture())
          .map(v -> info(session));
    });
  }

  private Future<JsonObject> get(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String sid = Check.string(body, Field.SID, 1, 64);
    return session(sid).compose(session -> mongo.find(MEMBERS, new JsonObject().put(Field.SID, sid))
        .compose(members -> {
          boolean isMember = members.stream().anyMatch(m -> uid.equals(m.getString(Field.UID)));
          if (!isMember && !"public".equals(session.getString(Field.VISIBILITY))) {
            return Future.failedFuture(ErrorCode.FORBIDDEN.exception("not a member of this session"));
          }
          JsonArray list = new JsonArray();
          members.forEach(m -> list.add(new JsonObject().put(Field.UID, m.getString(Field.UID))
              .put(Field.ROLE, m.getString(Field.ROLE))));
          return Future.succeededFuture(info(session).put(Field.MEMBERS, list));
        }));
  }

  /** The caller's sessions with their stream heads, in two queries plus one bus call. */
  private Future<JsonObject> list(JsonObject body) {
    return memberships(body).compose(mine -> {
      JsonArray sessions = mine.getJsonArray(Field.SESSIONS);
      JsonArray sids = new JsonArray();
      sessions.forEach(s -> sids.add(((JsonObject) s).getString(Field.SID)));
      return Bus.request(vertx, Address.MESSAGE_HEADS, new JsonObject().put("sids", sids)).map(heads -> {
        JsonObject byId = heads.getJsonObject("heads");
        sessions.forEach(o -> {
          JsonObject s = (JsonObject) o;
          JsonObject head = byId.getJsonObject(s.getString(Field.SID), new JsonObject());
          long lastSeq = head.getLong(Field.LAST_SEQ, 0L);
          long readSeq = s.getLong(Field.READ_SEQ, 0L);
          s.put(Field.LAST_SEQ, lastSeq).put(Field.UNREAD, Math.max(0, lastSeq - readSeq))
              .put(Field.LAST_MESSAGE, head.getJsonObject(Field.LAST_MESSAGE));
        });
        return new JsonObject().put(Field.SESSIONS, sessions);
      });
    });
  }

  /** {@code {uid}} → {@code {sessions:[{sid, type, name, role, readSeq}]}}: what a gateway subscribes to. */
  private Future<JsonObject> memberships(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    return mongo.find(MEMBERS, new JsonObject().put(Field.UID, uid)).compose(members -> {
      JsonArray sids = new JsonArray();
      members.forEach(m -> sids.add(m.getString(Field.SID)));
      return mongo.find(SESSIONS, new JsonObject().put("_id", new JsonObject().put("$in", sids))).map(sessions -> {
        JsonObject byId = new JsonObject();
        sessions.forEach(s -> byId.put(s.getString("_id"), s));
        JsonArray out = new JsonArray();
        for (JsonObject m : members) {
          JsonObject s = byId.getJsonObject(m.getString(Field.SID));
          if (s != null) {
            out.add(info(s).put(Field.ROLE, m.getString(Field.ROLE)).put(Field.READ_SEQ, m.getLong(Field.READ_SEQ, 0L)));
          }
        }
        return new JsonObject().put(Field.SESSIONS, out);
      });
    });
  }

  private Future<JsonObject> checkMember(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String sid = Check.string(body, Field.SID, 1, 64);
    return mongo.findOne(MEMBERS, new JsonObject().put("_id", memberId(sid, uid)), null).compose(m -> {
      if (m != null) {
        return Future.succeededFuture(new JsonObject().put(Field.ROLE, m.getString(Field.ROLE)));
      }
      return session(sid).compose(s -> Future.failedFuture(ErrorCode.FORBIDDEN.exception("not a member of this session")));
    });
  }

  /** Moves the caller's read position forward only. */
  private Future<JsonObject> read(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String sid = Check.string(body, Field.SID, 1, 64);
    long seq = Check.longValue(body, Field.SEQ, 0, Long.MAX_VALUE);
    return mongo.updateCollection(MEMBERS, new JsonObject().put("_id", memberId(sid, uid)),
            new JsonObject().put("$max", new JsonObject().put(Field.READ_SEQ, seq)))
        .compose(r -> {
          if (r.getDocMatched() == 0) {
            return checkMember(body).map(new JsonObject());
          }
          vertx.eventBus().publish(Address.fanoutSession(sid), new JsonObject().put(Field.TYPE, "event")
              .put(Field.EVENT, "read").put(Field.SID, sid).put(Field.UID, uid).put(Field.SEQ, seq));
          return Future.succeededFuture(new JsonObject().put(Field.SID, sid).put(Field.READ_SEQ, seq));
        });
  }

  private Future<JsonObject> session(String sid) {
    return mongo.findOne(SESSIONS, new JsonObject().put("_id", sid), null).compose(s -> s == null
        ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such session"))
        : Future.succeededFuture(s));
  }

  /** Tells the user's gateways to subscribe their sockets to the session at once. */
  private void announceAdded(String uid, String sid) {
    vertx.eventBus().publish(Address.fanoutUser(uid), new JsonObject().put(Field.TYPE, "event")
        .put(Field.EVENT, "session").put(Field.ACTION, "added").put(Field.SID, sid).put(Field.UID, uid));
  }

  /** Membership changes are stored messages of msgType system, made here, never by clients. */
  private Future<Void> systemMessage(String sid, String actor, String action, JsonObject data) {
    return Bus.request(vertx, Address.MESSAGE_SYSTEM, new JsonObject().put(Field.SID, sid).put(Field.UID, actor)
            .put(Field.CONTENT, data.put(Field.ACTION, action).put(Field.UID, actor)))
        .mapEmpty();
  }

  static JsonObject member(String sid, String uid, String role, long now) {
    return new JsonObject().put("_id", memberId(sid, uid)).put(Field.SID, sid).put(Field.UID, uid)
        .put(Field.ROLE, role).put(Field.READ_SEQ, 0L).put("joinedAt", now);
  }

  static String memberId(String sid, String uid) {
    return sid + "/" + uid;
  }

  static JsonObject info(JsonObject session) {
    return new JsonObject().put(Field.SID, session.getString("_id")).put(Field.TYPE, session.getString(Field.TYPE))
        .put(Field.NAME, session.getString(Field.NAME)).put(Field.VISIBILITY, session.getString(Field.VISIBILITY))
        .put("owner", session.getString("owner"));
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
