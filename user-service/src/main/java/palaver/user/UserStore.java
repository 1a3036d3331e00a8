package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.runtime.Store;

/**
 * The {@code users} collection: one record per account ({@code _id} is the
 * uid) with its login, profile, password hash, token version and presence
 * (the state the user chose and the state last announced). Every query of the
 * collection is here; nothing outside reads the hash except through
 * {@link #byLogin} and {@link #byId}.
 */
final class UserStore {
  static final String USERS = "users";
  static final String ID = "_id";
  /** Lower-cased nickname, so nickname search is case-insensitive. */
  static final String NICKNAME_KEY = "nicknameKey";
  static final String HASH = "hash";
  /** Bumped by logout and password change: tokens carry it and are refused once it moved on. */
  static final String TOKEN_VERSION = "tokenVersion";
  static final String CREATED_AT = "createdAt";
  /** The presence state the user chose (online, away, busy, invisible). */
  static final String CHOSEN = "presence";
  /** The presence state last announced to others, the compare-and-set that lets one instance announce. */
  static final String SHOWN = "shown";
  /** {@code "admin"} for a server admin by record (the first account); the {@code admins} setting adds others. */
  static final String ROLE = "role";
  static final String ADMIN_ROLE = "admin";
  /** True while an admin has deactivated the account (or its deletion is under way). */
  static final String DEACTIVATED = "deactivated";
  static final JsonObject PROFILE_FIELDS = new JsonObject()
      .put(Field.LOGIN, 1).put(Field.NICKNAME, 1).put(Field.GENDER, 1).put(Field.AVATAR, 1);

  private final MongoClient mongo;

  UserStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  Future<Void> createIndexes() {
    return Future.all(
            Store.index(mongo, USERS, new JsonObject().put(Field.LOGIN, 1), true),
            Store.index(mongo, USERS, new JsonObject().put(NICKNAME_KEY, 1), false),
            Store.index(mongo, USERS, new JsonObject().put(SHOWN, 1), false))
        .mapEmpty();
  }

  /** A new account at token version 0; 409 when the login is taken. */
  Future<Void> insert(String uid, String login, String nickname, String hash) {
    JsonObject user = new JsonObject()
        .put(ID, uid)
        .put(Field.LOGIN, login)
        .put(Field.NICKNAME, nickname)
        .put(NICKNAME_KEY, nicknameKey(nickname))
        .put(Field.GENDER, "")
        .put(HASH, hash)
        .put(TOKEN_VERSION, 0L)
        .put(CREATED_AT, System.currentTimeMillis());
    return mongo.insert(USERS, user)
        .recover(t -> Future.failedFuture(Store.isDuplicateKey(t)
            ? ErrorCode.CONFLICT.exception("login already registered") : t))
        .mapEmpty();
  }

  /** The whole record (hash included), or null. */
  Future<JsonObject> byLogin(String login) {
    return mongo.findOne(USERS, new JsonObject().put(Field.LOGIN, login), null);
  }

  /** The whole record (hash included), or null. */
  Future<JsonObject> byId(String uid) {
    return mongo.findOne(USERS, byUid(uid), null);
  }

  /** The profile fields of the record, or null. */
  Future<JsonObject> profileRecord(String uid) {
    return mongo.findOne(USERS, byUid(uid), PROFILE_FIELDS);
  }

  /** The profile of {@code uid}; 404 when there is none. */
  Future<JsonObject> requireProfile(String uid) {
    return profileRecord(uid).compose(user -> user == null
        ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"))
        : Future.succeededFuture(profile(user)));
  }

  Future<Boolean> exists(String uid) {
    return mongo.findOne(USERS, byUid(uid), new JsonObject().put(ID, 1)).map(user -> user != null);
  }

  /**
   * uid → public profile ({@link #publicProfile}: no login, no gender) of those of {@code uids} that
   * exist, in one query: what friends lists, block lists and member lists show of other users.
   */
  Future<Map<String, JsonObject>> profiles(Collection<String> uids) {
    return profiles(uids, UserStore::publicProfile);
  }

  /** uid → full profile, login included: for admins only. */
  Future<Map<String, JsonObject>> accounts(Collection<String> uids) {
    return profiles(uids, UserStore::profile);
  }

  private Future<Map<String, JsonObject>> profiles(Collection<String> uids,
      Function<JsonObject, JsonObject> view) {
    if (uids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return mongo.findWithOptions(USERS, anyOf(uids), new FindOptions().setFields(PROFILE_FIELDS)).map(users -> {
      Map<String, JsonObject> out = new HashMap<>();
      users.forEach(u -> out.put(u.getString(ID), view.apply(u)));
      return out;
    });
  }

  /** Sets profile fields ({@code nickname} also sets its search key); the record before, or null. */
  Future<JsonObject> updateProfile(String uid, JsonObject changes) {
    JsonObject set = changes.copy();
    if (set.containsKey(Field.NICKNAME)) {
      set.put(NICKNAME_KEY, nicknameKey(set.getString(Field.NICKNAME)));
    }
    return mongo.findOneAndUpdate(USERS, byUid(uid), new JsonObject().put("$set", set));
  }

  /**
   * Replaces the hash and bumps the token version, only if the hash is still
   * {@code oldHash}: the record before, or null when there is none or the
   * password changed meanwhile.
   */
  Future<JsonObject> replaceHash(String uid, String oldHash, String newHash) {
    return mongo.findOneAndUpdate(USERS, byUid(uid).put(HASH, oldHash),
        new JsonObject().put("$set", new JsonObject().put(HASH, newHash)).put("$inc", nextTokenVersion()));
  }

  /** Revokes every token of the user; the record before, or null. */
  Future<JsonObject> bumpTokenVersion(String uid) {
    return mongo.findOneAndUpdate(USERS, byUid(uid), new JsonObject().put("$inc", nextTokenVersion()));
  }

  /**
   * Public profiles of the users whose lower-cased nickname contains {@code text} (an
   * already escaped regex) anywhere, by nickname, at most {@code limit}. Never
   * by login: a search for an address would tell whether it has an account
   * (issue 19). An unanchored regex can't use the nickname index: the search
   * scans the users, which is fine at a team's or a company's size.
   */
  Future<List<JsonObject>> search(String text, int offset, int limit) {
    JsonObject query = new JsonObject().put(NICKNAME_KEY, new JsonObject().put("$regex", text));
    FindOptions options = new FindOptions().setFields(PROFILE_FIELDS)
        .setSort(new JsonObject().put(NICKNAME_KEY, 1).put(ID, 1)).setSkip(offset).setLimit(limit);
    return mongo.findWithOptions(USERS, query, options).map(found -> found.stream().map(UserStore::publicProfile).toList());
  }

  /** Stores the presence state the user chose; the record before, or null. */
  Future<JsonObject> choosePresence(String uid, String state) {
    return mongo.findOneAndUpdate(USERS, byUid(uid), new JsonObject().put("$set", new JsonObject().put(CHOSEN, state)));
  }

  /** The chosen presence of {@code uid} (online when never chosen), or null when there is no such user. */
  Future<String> chosenPresence(String uid) {
    return mongo.findOne(USERS, byUid(uid), new JsonObject().put(CHOSEN, 1))
        .map(u -> u == null ? null : u.getString(CHOSEN, "online"));
  }

  /** uid → chosen presence (null when never chosen) of those of {@code uids} that exist. */
  Future<Map<String, String>> chosenPresences(Collection<String> uids) {
    return mongo.findWithOptions(USERS, anyOf(uids), new FindOptions().setFields(new JsonObject().put(CHOSEN, 1)))
        .map(users -> {
          Map<String, String> out = new HashMap<>();
          users.forEach(u -> out.put(u.getString(ID), u.getString(CHOSEN)));
          return out;
        });
  }

  /** Sets the shown presence if it differs: true only for the one caller that changed it. */
  Future<Boolean> claimShown(String uid, String state) {
    return mongo.findOneAndUpdate(USERS, byUid(uid).put(SHOWN, new JsonObject().put("$ne", state)),
            new JsonObject().put("$set", new JsonObject().put(SHOWN, state)))
        .map(before -> before != null);
  }

  /** Up to {@code limit} users whose shown presence is anything but offline. */
  Future<List<String>> shownPresent(int limit) {
    JsonObject present = new JsonObject().put(SHOWN, new JsonObject().put("$nin",
        new JsonArray().add(Presence.OFFLINE).addNull()));
    return mongo.findWithOptions(USERS, present, new FindOptions().setFields(new JsonObject().put(ID, 1)).setLimit(limit))
        .map(users -> users.stream().map(u -> u.getString(ID)).toList());
  }

  // ---- administration

  /** The uid of the earliest account (by creation, then uid): who is the first registered user. */
  Future<String> firstUid() {
    FindOptions options = new FindOptions().setFields(new JsonObject().put(ID, 1))
        .setSort(new JsonObject().put(CREATED_AT, 1).put(ID, 1)).setLimit(1);
    return mongo.findWithOptions(USERS, new JsonObject(), options)
        .map(found -> found.isEmpty() ? null : found.get(0).getString(ID));
  }

  Future<Void> makeAdmin(String uid) {
    return mongo.updateCollection(USERS, byUid(uid), new JsonObject().put("$set", new JsonObject().put(ROLE, ADMIN_ROLE)))
        .mapEmpty();
  }

  /**
   * Deactivates (and revokes every token) or reactivates; the record before, or null. Deactivating
   * bumps the token version, so open sockets and tokens die with it.
   */
  Future<JsonObject> setDeactivated(String uid, boolean deactivated) {
    JsonObject update = deactivated
        ? new JsonObject().put("$set", new JsonObject().put(DEACTIVATED, true)).put("$inc", nextTokenVersion())
        : new JsonObject().put("$unset", new JsonObject().put(DEACTIVATED, ""));
    return mongo.findOneAndUpdate(USERS, byUid(uid), update);
  }

  /** Removes the record: the login is free again. */
  Future<Void> delete(String uid) {
    return mongo.removeDocument(USERS, byUid(uid)).mapEmpty();
  }

  /** A page of accounts for admins (login, nickname, role, state), by login; all when {@code text} is null. */
  Future<List<JsonObject>> adminPage(String text, int offset, int limit) {
    JsonObject query = text == null ? new JsonObject() : new JsonObject().put("$or", new JsonArray()
        .add(new JsonObject().put(NICKNAME_KEY, new JsonObject().put("$regex", text)))
        .add(new JsonObject().put(Field.LOGIN, new JsonObject().put("$regex", text))));
    FindOptions options = new FindOptions()
        .setFields(PROFILE_FIELDS.copy().put(ROLE, 1).put(DEACTIVATED, 1).put(CREATED_AT, 1))
        .setSort(new JsonObject().put(Field.LOGIN, 1)).setSkip(offset).setLimit(limit);
    return mongo.findWithOptions(USERS, query, options);
  }

  static boolean deactivated(JsonObject user) {
    return user.getBoolean(DEACTIVATED, false);
  }

  /** What others may see of a record: never the hash. */
  static JsonObject profile(JsonObject user) {
    return new JsonObject()
        .put(Field.UID, user.getString(ID))
        .put(Field.LOGIN, user.getString(Field.LOGIN))
        .put(Field.NICKNAME, user.getString(Field.NICKNAME))
        .put(Field.GENDER, user.getString(Field.GENDER, ""))
        .put(Field.AVATAR, user.getString(Field.AVATAR));
  }

  /** What anyone who finds a user sees: the nickname and avatar, never the login (an email) or gender. */
  static JsonObject publicProfile(JsonObject user) {
    return new JsonObject()
        .put(Field.UID, user.getString(ID))
        .put(Field.NICKNAME, user.getString(Field.NICKNAME))
        .put(Field.AVATAR, user.getString(Field.AVATAR));
  }

  static long tokenVersion(JsonObject user) {
    return user.getLong(TOKEN_VERSION, 0L);
  }

  private static String nicknameKey(String nickname) {
    return nickname.toLowerCase(Locale.ROOT);
  }

  private static JsonObject byUid(String uid) {
    return new JsonObject().put(ID, uid);
  }

  private static JsonObject anyOf(Collection<String> uids) {
    return new JsonObject().put(ID, new JsonObject().put("$in", new JsonArray(List.copyOf(uids))));
  }

  private static JsonObject nextTokenVersion() {
    return new JsonObject().put(TOKEN_VERSION, 1);
  }
}
