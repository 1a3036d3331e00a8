package palaver.session;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.runtime.Setting;
import palaver.runtime.Store;

/**
 * session-service: sessions, memberships and read positions (the
 * {@code sessions} and {@code members} collections of {@link SessionStore}).
 * Here each address is wired to its handler, and each handler validates the
 * request before handing it on to {@link Sessions}, {@link UserSessions} or
 * {@link Memberships}.
 */
public class SessionVerticle extends VerticleBase {
  static final int DIRECTORY_LIMIT = 100;
  static final int DIRECTORY_DEFAULT_LIMIT = 20;
  static final int MAX_OFFSET = 10_000;
  static final int RETENTIONS_PAGE = 500;
  private static final int MAX_ID = 64;

  private MongoClient mongo;
  private SessionStore store;
  private MembershipCache cache;
  private Sessions sessions;
  private UserSessions userSessions;
  private Memberships memberships;
  private InvitationStore invitations;
  private PrivateBlocks blocks;
  private Pins pins;

  @Override
  public Future<?> start() {
    mongo = Store.client(vertx, config());
    store = new SessionStore(mongo);
    cache = new MembershipCache();
    SessionEvents events = new SessionEvents(vertx, cache);
    Neighbours neighbours = new Neighbours(vertx);
    invitations = new InvitationStore(mongo);
    blocks = new PrivateBlocks(store, neighbours);
    memberships = new Memberships(store, invitations, events, neighbours);
    sessions = new Sessions(store, events, neighbours, memberships);
    userSessions = new UserSessions(store, cache, events, neighbours);
    pins = new Pins(store, events, neighbours);
    return Store.ping(mongo, config())
        .compose(v -> store.createIndexes())
        .compose(v -> invitations.createIndexes())
        .compose(v -> listenForMembershipChanges())
        .compose(v -> listenForBlockChanges())
        .compose(v -> serve());
  }

  /**
   * Any session-service instance's membership change drops this instance's cached answers. A change of the
   * cluster's topology drops them all: changes announced while this node was cut off never reached it.
   */
  private Future<Void> listenForMembershipChanges() {
    vertx.eventBus().<JsonObject>localConsumer(Address.CLUSTER_TOPOLOGY, msg -> cache.clear());
    return vertx.eventBus().<JsonObject>consumer(Address.SESSION_MEMBERSHIP_CHANGED,
        msg -> cache.invalidate(msg.body().getString(Field.SID), msg.body().getString(Field.UID))).completion();
  }

  /** A block or unblock anywhere drops this instance's cached answer for that pair's private session. */
  private Future<Void> listenForBlockChanges() {
    return vertx.eventBus().<JsonObject>consumer(Address.USER_BLOCK_CHANGED, msg -> blocks.changed(msg.body()))
        .completion();
  }

  private Future<?> serve() {
    return Future.all(List.of(
        Bus.serve(vertx, Address.HEALTH_SESSION, this::health),
        Bus.serve(vertx, Address.SESSION_CREATE, this::create),
        Bus.serve(vertx, Address.SESSION_GET, this::get),
        Bus.serve(vertx, Address.SESSION_LIST, this::list),
        Bus.serve(vertx, Address.SESSION_DIRECTORY, this::directory),
        Bus.serve(vertx, Address.SESSION_UPDATE, this::update),
        Bus.serve(vertx, Address.SESSION_MEMBERSHIPS, this::memberships),
        Bus.serve(vertx, Address.SESSION_CHECK_MEMBER, this::checkMember),
        Bus.serve(vertx, Address.SESSION_JOIN, this::join),
        Bus.serve(vertx, Address.SESSION_INVITE, this::invite),
        Bus.serve(vertx, Address.SESSION_INVITATIONS, body -> memberships.invitationsOf(uid(body))),
        Bus.serve(vertx, Address.SESSION_ACCEPT, body -> memberships.accept(uid(body), sid(body))),
        Bus.serve(vertx, Address.SESSION_DECLINE, body -> memberships.decline(uid(body), sid(body))),
        Bus.serve(vertx, Address.SESSION_FORGET_USER,
            body -> invitations.deleteAllOf(uid(body)).map(n -> new JsonObject().put(Field.REMOVED, n))),
        Bus.serve(vertx, Address.SESSION_LEAVE, this::leave),
        Bus.serve(vertx, Address.SESSION_REMOVE, this::remove),
        Bus.serve(vertx, Address.SESSION_SET_ROLE, this::setRole),
        Bus.serve(vertx, Address.SESSION_READ, this::read),
        Bus.serve(vertx, Address.SESSION_PREFERENCES, this::preferences),
        Bus.serve(vertx, Address.SESSION_PIN, this::pin),
        Bus.serve(vertx, Address.SESSION_RETENTIONS, this::retentions)));
  }

  private Future<JsonObject> health(JsonObject body) {
    return Store.ping(mongo, config()).map(new JsonObject());
  }

  /** {@code {uid, type: group, name, icon?, visibility?}} or {@code {uid, type: private, peer}} → the session's info. */
  private Future<JsonObject> create(JsonObject body) {
    String uid = uid(body);
    String type = Check.oneOf(body, Field.TYPE, null, SessionStore.GROUP, SessionStore.PRIVATE);
    return type.equals(SessionStore.GROUP) ? createGroup(uid, body) : createPrivate(uid, body);
  }

  private Future<JsonObject> createGroup(String uid, JsonObject body) {
    String name = SessionInfo.name(body);
    String icon = SessionInfo.icon(body);
    String visibility = Check.oneOf(body, Field.VISIBILITY, SessionStore.PUBLIC, SessionStore.PUBLIC, SessionStore.PRIVATE);
    return sessions.createGroup(uid, name, icon, visibility);
  }

  private Future<JsonObject> createPrivate(String uid, JsonObject body) {
    if (!(body.getValue(Field.PEER) instanceof String)) {
      throw ErrorCode.INVALID.exception("uid of the other user is required");
    }
    String peer = Check.string(body, Field.PEER, 1, MAX_ID);
    if (peer.equals(uid)) {
      throw ErrorCode.INVALID.exception("a private session needs another user");
    }
    return sessions.createPrivate(uid, peer);
  }

  /** {@code {uid, sid}} → info and members with their online state. */
  private Future<JsonObject> get(JsonObject body) {
    return sessions.get(uid(body), sid(body));
  }

  /** {@code {uid}} → the caller's sessions with lastSeq, readSeq and unread, most recently active first. */
  private Future<JsonObject> list(JsonObject body) {
    return userSessions.list(uid(body));
  }

  /** {@code {uid}} → {@code {sessions:[{info, role, readSeq}]}}: what a gateway subscribes to. */
  private Future<JsonObject> memberships(JsonObject body) {
    return userSessions.memberships(uid(body));
  }

  /**
   * {@code {uid, sid, uids?}} → {@code {role, type, blocked?, members?}}; 403 for a non-member, 404 for no
   * such session. {@code type}: group or private. {@code blocked}: a private session whose users are
   * blocked, which takes no new messages. {@code members}: those of {@code uids} (a message's mentions, at
   * most {@value UserSessions#MAX_ASKED_MEMBERS}) who are members now, so a send checks them in the same call.
   */
  private Future<JsonObject> checkMember(JsonObject body) {
    String uid = uid(body);
    String sid = sid(body);
    List<String> asked = askedMembers(body);
    return userSessions.checkMember(uid, sid).compose(role -> blocks.kind(sid).compose(kind -> {
      JsonObject answer = role.copy().put(Field.TYPE, kind.group() ? SessionStore.GROUP : SessionStore.PRIVATE);
      if (kind.blocked()) {
        answer.put(Field.BLOCKED, true);
      }
      if (asked == null) {
        return Future.succeededFuture(answer);
      }
      return userSessions.membersAmong(sid, asked).map(members -> answer.put(Field.MEMBERS, new JsonArray(members)));
    }));
  }

  /** The optional {@code uids} of a member check: strings, at most {@value UserSessions#MAX_ASKED_MEMBERS}. */
  static List<String> askedMembers(JsonObject body) {
    Object value = body.getValue(Field.UIDS);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray uids) || uids.size() > UserSessions.MAX_ASKED_MEMBERS
        || !uids.stream().allMatch(u -> u instanceof String s && !s.isEmpty() && s.length() <= 64)) {
      throw ErrorCode.INVALID.exception("uids must be an array of at most " + UserSessions.MAX_ASKED_MEMBERS + " uids");
    }
    return uids.stream().map(String.class::cast).distinct().toList();
  }

  /** {@code {uid, sid, seq}} → {@code {sid, readSeq}}. */
  private Future<JsonObject> read(JsonObject body) {
    String uid = uid(body);
    String sid = sid(body);
    long seq = Check.longValue(body, Field.SEQ, 0, Long.MAX_VALUE);
    return userSessions.read(uid, sid, seq);
  }

  /** {@code {uid, sid, muted?, archived?}}: at least one of them. */
  private Future<JsonObject> preferences(JsonObject body) {
    String uid = uid(body);
    String sid = sid(body);
    JsonObject flags = new JsonObject();
    Boolean muted = Check.optionalBoolean(body, Field.MUTED);
    Boolean archived = Check.optionalBoolean(body, Field.ARCHIVED);
    if (muted != null) {
      flags.put(Field.MUTED, muted);
    }
    if (archived != null) {
      flags.put(Field.ARCHIVED, archived);
    }
    if (flags.isEmpty()) {
      throw ErrorCode.INVALID.exception("nothing to change: give muted or archived");
    }
    return userSessions.setPreferences(uid, sid, flags);
  }

  /** {@code {uid, sid, seq, pinned}}. */
  private Future<JsonObject> pin(JsonObject body) {
    String uid = uid(body);
    String sid = sid(body);
    long seq = Check.longValue(body, Field.SEQ, 1, Long.MAX_VALUE);
    Boolean pinned = Check.optionalBoolean(body, Field.PINNED);
    if (pinned == null) {
      throw ErrorCode.INVALID.exception("pinned is required: true to pin, false to unpin");
    }
    return pins.pin(uid, sid, seq, pinned);
  }

  /**
   * {@code {uid, q?, offset?, limit?}} → public groups, newest first, whose
   * name contains {@code q} (case-insensitive, matched literally).
   */
  private Future<JsonObject> directory(JsonObject body) {
    String uid = uid(body);
    String q = Check.optionalString(body, Field.QUERY, SessionInfo.MAX_NAME);
    Long offset = Check.optionalLong(body, Field.OFFSET, 0, MAX_OFFSET);
    Long limit = Check.optionalLong(body, Field.LIMIT, 1, DIRECTORY_LIMIT);
    return sessions.directory(uid, q, offset == null ? 0 : offset.intValue(),
        limit == null ? DIRECTORY_DEFAULT_LIMIT : limit.intValue());
  }

  /** {@code {uid, sid, name?, icon?, visibility?}}: at least one of them. */
  private Future<JsonObject> update(JsonObject body) {
    String uid = uid(body);
    String sid = sid(body);
    JsonObject changes = new JsonObject();
    if (body.containsKey(Field.NAME)) {
      changes.put(Field.NAME, SessionInfo.name(body));
    }
    if (body.containsKey(Field.ICON)) {
      changes.put(Field.ICON, SessionInfo.icon(body));
    }
    if (body.getValue(Field.VISIBILITY) != null) {
      changes.put(Field.VISIBILITY, Check.oneOf(body, Field.VISIBILITY, null, SessionStore.PUBLIC, SessionStore.PRIVATE));
    }
    if (body.containsKey(Field.RETENTION_DAYS)) {
      changes.put(Field.RETENTION_DAYS, SessionInfo.retentionDays(body, deploymentRetentionDays()));
    }
    if (changes.isEmpty()) {
      throw ErrorCode.INVALID.exception("nothing to change: give name, icon, visibility or retentionDays");
    }
    return sessions.update(uid, sid, changes);
  }

  private int deploymentRetentionDays() {
    Object days = config().getValue(Setting.RETENTION_DAYS.key(), Setting.RETENTION_DAYS.defaultValue());
    return days instanceof Number n ? Math.max(0, n.intValue()) : 0;
  }

  /** {@code {after?}} → a page of the groups with a retention of their own (message-service's sweep). */
  private Future<JsonObject> retentions(JsonObject body) {
    String after = Check.optionalString(body, Field.AFTER, 64);
    return store.retentions(after, RETENTIONS_PAGE + 1).map(found -> {
      JsonArray page = new JsonArray();
      found.stream().limit(RETENTIONS_PAGE).forEach(s -> page.add(new JsonObject().put(Field.SID, s.getString("_id"))
          .put(Field.RETENTION_DAYS, s.getInteger(Field.RETENTION_DAYS))));
      return new JsonObject().put(Field.SESSIONS, page).put(Field.MORE, found.size() > RETENTIONS_PAGE);
    });
  }

  /** {@code {uid, sid}}. */
  private Future<JsonObject> join(JsonObject body) {
    return memberships.join(uid(body), sid(body));
  }

  /** {@code {uid, sid, member}}: {@code member} is the invitee. */
  private Future<JsonObject> invite(JsonObject body) {
    String uid = uid(body);
    String sid = sid(body);
    return memberships.invite(uid, sid, member(body));
  }

  /** {@code {uid, sid}}. */
  private Future<JsonObject> leave(JsonObject body) {
    return memberships.leave(uid(body), sid(body));
  }

  /** {@code {uid, sid, member}}. */
  private Future<JsonObject> remove(JsonObject body) {
    String uid = uid(body);
    String sid = sid(body);
    return memberships.remove(uid, sid, member(body));
  }

  /** {@code {uid, sid, member, role}}: the owner hands over by making another member owner. */
  private Future<JsonObject> setRole(JsonObject body) {
    String uid = uid(body);
    String sid = sid(body);
    String target = member(body);
    String role = Check.oneOf(body, Field.ROLE, null, SessionStore.OWNER, SessionStore.ADMIN, SessionStore.MEMBER);
    if (target.equals(uid)) {
      throw ErrorCode.INVALID.exception("the owner hands over by making another member owner");
    }
    return memberships.setRole(uid, sid, target, role);
  }

  private static String uid(JsonObject body) {
    return Check.string(body, Field.UID, 1, MAX_ID);
  }

  private static String sid(JsonObject body) {
    return Check.string(body, Field.SID, 1, MAX_ID);
  }

  private static String member(JsonObject body) {
    return Check.string(body, Field.MEMBER, 1, MAX_ID);
  }
}
