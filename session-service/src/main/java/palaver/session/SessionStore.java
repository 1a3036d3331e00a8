package palaver.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.runtime.Store;

/**
 * The {@code sessions} and {@code members} collections: their names, indexes,
 * document shapes and every query on them. A membership's id is
 * {@code sid/uid}, so a repeated join or a concurrent one can't insert twice;
 * a private session's id is derived from its pair for the same reason.
 */
final class SessionStore {
  static final String SESSIONS = "sessions";
  static final String MEMBERS = "members";

  // roles
  static final String OWNER = "owner";
  static final String ADMIN = "admin";
  static final String MEMBER = "member";

  // session types and visibilities
  static final String GROUP = "group";
  static final String PRIVATE = "private";
  static final String PUBLIC = "public";

  // document fields that are not part of the bus API
  static final String CREATED_AT = "createdAt";
  static final String JOINED_AT = "joinedAt";
  /** The two uids of a private session. */
  static final String PAIR = "pair";
  /**
   * Sessions one user can be in, so their session list and {@code ready}
   * frame stay bounded (issue 20: 2,000 forced memberships made a 114 KB
   * {@code ready} and a 1 MB list).
   */
  static final int MAX_MEMBERSHIPS = 500;
  /** Pinned messages one session keeps (Slack keeps 100, Telegram shows the newest first). */
  static final int MAX_PINS = 50;

  private final MongoClient mongo;

  SessionStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  Future<Void> createIndexes() {
    return Future.all(
            Store.index(mongo, MEMBERS, new JsonObject().put(Field.UID, 1), false),
            Store.index(mongo, MEMBERS, new JsonObject().put(Field.SID, 1).put(Field.ROLE, 1).put(JOINED_AT, 1), false),
            Store.index(mongo, SESSIONS, new JsonObject().put(Field.VISIBILITY, 1).put(CREATED_AT, -1), false),
            // Sparse: only groups that set a retention of their own have it (the retention sweep's list).
            mongo.createIndexWithOptions(SESSIONS, new JsonObject().put(Field.RETENTION_DAYS, 1),
                new io.vertx.ext.mongo.IndexOptions().sparse(true).name("retention_days")))
        .mapEmpty();
  }

  /** Up to {@code limit} groups with a retention of their own, by sid after {@code after}: {_id, retentionDays}. */
  Future<List<JsonObject>> retentions(String after, int limit) {
    JsonObject query = new JsonObject().put(Field.RETENTION_DAYS, new JsonObject().put("$gt", 0));
    if (after != null) {
      query.put("_id", new JsonObject().put("$gt", after));
    }
    return mongo.findWithOptions(SESSIONS, query, new io.vertx.ext.mongo.FindOptions()
        .setSort(new JsonObject().put("_id", 1)).setLimit(limit)
        .setFields(new JsonObject().put(Field.RETENTION_DAYS, 1)));
  }

  // --- sessions

  /** The session document; 404 when there is none. */
  Future<JsonObject> session(String sid) {
    return mongo.findOne(SESSIONS, byId(sid), null).compose(s -> s == null
        ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such session"))
        : Future.succeededFuture(s));
  }

  /** A group session; 404 when there is none, 400 for a private (pair) session. */
  Future<JsonObject> group(String sid) {
    return session(sid).compose(s -> isGroup(s) ? Future.succeededFuture(s)
        : Future.failedFuture(ErrorCode.INVALID.exception("a private session has exactly its two members")));
  }

  /** The session documents of {@code sids} that exist, in no particular order. */
  Future<List<JsonObject>> sessions(Collection<String> sids) {
    if (sids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return mongo.find(SESSIONS, byIds(sids));
  }

  Future<Void> insertSession(JsonObject session) {
    return mongo.insert(SESSIONS, session).mapEmpty();
  }

  /** Inserts a session: true if new, false if one with its id existed already. */
  Future<Boolean> insertSessionIfAbsent(JsonObject session) {
    return mongo.insert(SESSIONS, session).map(true)
        .recover(t -> Store.isDuplicateKey(t) ? Future.succeededFuture(false) : Future.failedFuture(t));
  }

  Future<Void> deleteSession(String sid) {
    return mongo.removeDocument(SESSIONS, byId(sid)).mapEmpty();
  }

  /** Sets (or clears, with null) fields of a session document. */
  Future<Void> setSession(String sid, JsonObject fields) {
    return mongo.updateCollection(SESSIONS, byId(sid), new JsonObject().put("$set", fields)).mapEmpty();
  }

  /** Makes {@code uid} the owner of a group that has none: true if it had none (and now has them). */
  Future<Boolean> claimOwner(String sid, String uid) {
    return mongo.updateCollection(SESSIONS, byId(sid).putNull(Field.OWNER),
            new JsonObject().put("$set", new JsonObject().put(Field.OWNER, uid)))
        .map(r -> r.getDocModified() > 0);
  }

  /**
   * Public groups, newest first, whose name contains {@code text} (case-insensitive,
   * matched literally; every group when null or blank): at most {@code limit} after skipping {@code offset}.
   */
  Future<List<JsonObject>> publicGroups(String text, int offset, int limit) {
    JsonObject query = new JsonObject().put(Field.TYPE, GROUP).put(Field.VISIBILITY, PUBLIC);
    if (text != null && !text.isBlank()) {
      query.put(Field.NAME, new JsonObject().put("$regex", SessionInfo.literalPattern(text.strip())).put("$options", "i"));
    }
    FindOptions options = new FindOptions().setSort(new JsonObject().put(CREATED_AT, -1).put("_id", 1))
        .setSkip(offset).setLimit(limit);
    return mongo.findWithOptions(SESSIONS, query, options);
  }

  // --- members

  /** The membership document, or null. */
  Future<JsonObject> member(String sid, String uid) {
    return mongo.findOne(MEMBERS, byId(memberId(sid, uid)), null);
  }

  /** The caller's membership; 403 when not a member. */
  Future<JsonObject> requireMember(String sid, String uid) {
    return member(sid, uid).compose(m -> m == null
        ? Future.failedFuture(ErrorCode.FORBIDDEN.exception("not a member of this session"))
        : Future.succeededFuture(m));
  }

  /** A session's memberships, longest-standing first. */
  Future<List<JsonObject>> members(String sid) {
    return mongo.findWithOptions(MEMBERS, new JsonObject().put(Field.SID, sid),
        new FindOptions().setSort(new JsonObject().put(JOINED_AT, 1)));
  }

  /** Every membership of a user (a secondary-index query: the embedded store scans for it). */
  Future<List<JsonObject>> membershipsOf(String uid) {
    return mongo.find(MEMBERS, new JsonObject().put(Field.UID, uid));
  }

  /** The user's memberships among {@code sids}, read by {@code _id}. */
  Future<List<JsonObject>> membershipsOf(String uid, Collection<String> sids) {
    if (sids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return mongo.find(MEMBERS, byIds(sids.stream().map(sid -> memberId(sid, uid)).toList()));
  }

  /** The memberships of {@code sid} held by any of {@code uids}, read by {@code _id}. */
  Future<List<JsonObject>> membersAmong(String sid, Collection<String> uids) {
    if (uids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return mongo.find(MEMBERS, byIds(uids.stream().map(uid -> memberId(sid, uid)).toList()));
  }

  /** How many sessions the user is a member of (the uid index). */
  Future<Long> countMemberships(String uid) {
    return mongo.count(MEMBERS, new JsonObject().put(Field.UID, uid));
  }

  /** Which of {@code sids} the user is a member of. */
  Future<Set<String>> joinedAmong(String uid, Collection<String> sids) {
    if (sids.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return mongo.findWithOptions(MEMBERS, byIds(sids.stream().map(sid -> memberId(sid, uid)).toList()),
        new FindOptions().setFields(new JsonObject().put(Field.SID, 1))).map(found -> {
          Set<String> joined = new LinkedHashSet<>();
          found.forEach(m -> joined.add(m.getString(Field.SID)));
          return joined;
        });
  }

  /** Inserts a membership: true if new, false if it existed already. */
  Future<Boolean> insertMember(JsonObject member) {
    return mongo.insert(MEMBERS, member).map(true)
        .recover(t -> Store.isDuplicateKey(t) ? Future.succeededFuture(false) : Future.failedFuture(t));
  }

  Future<Void> deleteMember(String sid, String uid) {
    return mongo.removeDocument(MEMBERS, byId(memberId(sid, uid))).mapEmpty();
  }

  Future<Void> setRole(String sid, String uid, String role) {
    return mongo.updateCollection(MEMBERS, byId(memberId(sid, uid)),
        new JsonObject().put("$set", new JsonObject().put(Field.ROLE, role))).mapEmpty();
  }

  /**
   * Moves the member's read position up to {@code seq}, never back: the
   * membership as it was before, or null when there is no such membership.
   */
  Future<JsonObject> advanceRead(String sid, String uid, long seq) {
    return mongo.findOneAndUpdateWithOptions(MEMBERS, byId(memberId(sid, uid)),
        new JsonObject().put("$max", new JsonObject().put(Field.READ_SEQ, seq)), new FindOptions(), new UpdateOptions());
  }

  /**
   * Sets the member's own flags ({@code muted}, {@code archived}): the membership as it is after, or null when
   * there is no such membership.
   */
  Future<JsonObject> setPreferences(String sid, String uid, JsonObject flags) {
    return mongo.findOneAndUpdateWithOptions(MEMBERS, byId(memberId(sid, uid)), new JsonObject().put("$set", flags),
        new FindOptions(), new UpdateOptions().setReturningNewDocument(true));
  }

  /**
   * Adds {@code seq} to the session's pins, or takes it out: the pins after. One atomic update each, so two
   * admins pinning at once both land; the bound ({@link #MAX_PINS}) is enforced by {@code Pins}.
   */
  Future<JsonArray> pin(String sid, long seq, boolean pinned) {
    JsonObject change = new JsonObject().put(pinned ? "$addToSet" : "$pull", new JsonObject().put(Field.PINS, seq));
    return mongo.findOneAndUpdateWithOptions(SESSIONS, byId(sid), change, new FindOptions(),
            new UpdateOptions().setReturningNewDocument(true))
        .map(s -> s == null ? new JsonArray() : s.getJsonArray(Field.PINS, new JsonArray()));
  }

  /** Who takes over from a leaving owner: the longest-standing admin, else the longest-standing member. */
  Future<JsonObject> successor(String sid) {
    FindOptions options = new FindOptions().setSort(new JsonObject().put(Field.ROLE, 1).put(JOINED_AT, 1)).setLimit(1);
    return mongo.findWithOptions(MEMBERS, new JsonObject().put(Field.SID, sid), options)
        .map(found -> found.isEmpty() ? null : found.get(0));
  }

  // --- document shapes and ids

  static boolean isGroup(JsonObject session) {
    return GROUP.equals(session.getString(Field.TYPE));
  }

  static boolean isPublic(JsonObject session) {
    return PUBLIC.equals(session.getString(Field.VISIBILITY));
  }

  static JsonObject newGroup(String sid, String name, String icon, String visibility, String owner, long now) {
    return new JsonObject().put("_id", sid).put(Field.TYPE, GROUP).put(Field.NAME, name)
        .put(Field.ICON, icon).put(Field.VISIBILITY, visibility).put(Field.OWNER, owner).put(CREATED_AT, now);
  }

  static JsonObject newPrivate(String uid, String peer, long now) {
    return new JsonObject().put("_id", pairId(uid, peer)).put(Field.TYPE, PRIVATE)
        .put(Field.VISIBILITY, PRIVATE).put(PAIR, new JsonArray().add(uid).add(peer)).put(CREATED_AT, now);
  }

  static JsonObject newMember(String sid, String uid, String role, long now) {
    return new JsonObject().put("_id", memberId(sid, uid)).put(Field.SID, sid).put(Field.UID, uid)
        .put(Field.ROLE, role).put(Field.READ_SEQ, 0L).put(JOINED_AT, now);
  }

  static String memberId(String sid, String uid) {
    return sid + "/" + uid;
  }

  /** The id of the one private session of two users, whichever of them asks. */
  static String pairId(String a, String b) {
    String pair = a.compareTo(b) < 0 ? a + "\n" + b : b + "\n" + a;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(pair.getBytes(StandardCharsets.UTF_8));
      return "p" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject byId(String id) {
    return new JsonObject().put("_id", id);
  }

  private static JsonObject byIds(Collection<String> ids) {
    return new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(List.copyOf(ids))));
  }
}
