package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.runtime.Store;

/**
 * user-service: accounts and tokens here; friends, notifications and presence
 * in their own classes. Owns the {@code users}, {@code keys}, {@code friends}
 * and {@code notifications} collections.
 */
public class UserVerticle extends VerticleBase {
  static final String USERS = "users";
  /** Lower-cased nickname, so nickname prefix search is an indexed range scan. */
  static final String NICKNAME_KEY = "nicknameKey";
  static final String[] GENDERS = {"", "female", "male", "other"};
  static final int MAX_AVATAR = 128;
  static final int MAX_SEARCH_LIMIT = 50;
  static final int DEFAULT_SEARCH_LIMIT = 20;
  static final int MAX_SEARCH_OFFSET = 1000;
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,189}$");
  static final JsonObject PROFILE_FIELDS = new JsonObject()
      .put(Field.LOGIN, 1).put(Field.NICKNAME, 1).put(Field.GENDER, 1).put(Field.AVATAR, 1);
  private static final Set<String> UPDATABLE = Set.of(Field.NICKNAME, Field.GENDER, Field.AVATAR);

  private MongoClient mongo;
  private Tokens tokens;
  /** Spent on unknown logins so they take as long as known ones. */
  private String dummyHash;

  @Override
  public Future<?> start() {
    mongo = Store.client(vertx, config());
    return Store.ping(mongo, config())
        .compose(v -> Store.index(mongo, USERS, new JsonObject().put(Field.LOGIN, 1), true))
        .compose(v -> Store.index(mongo, USERS, new JsonObject().put(NICKNAME_KEY, 1), false))
        .compose(v -> SigningKey.load(mongo, config()))
        .compose(secret -> {
          tokens = new Tokens(vertx, secret);
          return vertx.executeBlocking(() -> Passwords.hash(Ids.random()), false);
        })
        .compose(hash -> {
          dummyHash = hash;
          return Future.all(List.of(
              Bus.serve(vertx, Address.HEALTH_USER, body -> Store.ping(mongo, config()).map(new JsonObject())),
              Bus.serve(vertx, Address.USER_REGISTER, this::register),
              Bus.serve(vertx, Address.USER_LOGIN, this::login),
              Bus.serve(vertx, Address.USER_AUTHENTICATE, this::authenticate),
              Bus.serve(vertx, Address.USER_LOGOUT, this::logout),
              Bus.serve(vertx, Address.USER_GET, this::get),
              Bus.serve(vertx, Address.USER_PROFILES, this::profiles),
              Bus.serve(vertx, Address.USER_REFRESH, this::refresh),
              Bus.serve(vertx, Address.USER_UPDATE, this::update),
              Bus.serve(vertx, Address.USER_PASSWORD, this::changePassword),
              Bus.serve(vertx, Address.USER_SEARCH, this::search)));
        })
        .compose(v -> {
          Notifications notifications = new Notifications(vertx, mongo);
          Presence presence = new Presence(vertx, mongo);
          return Future.all(notifications.serve(), presence.serve(),
              new Friends(vertx, mongo, notifications, presence).serve());
        });
  }

  private Future<JsonObject> register(JsonObject body) {
    String login = validLogin(body);
    String password = validPassword(body);
    String nickname = validNickname(body);
    String uid = Ids.random();
    return vertx.executeBlocking(() -> Passwords.hash(password), false)
        .compose(hash -> mongo.insert(USERS, new JsonObject()
            .put("_id", uid)
            .put(Field.LOGIN, login)
            .put(Field.NICKNAME, nickname)
            .put(NICKNAME_KEY, nickname.toLowerCase(Locale.ROOT))
            .put(Field.GENDER, "")
            .put("hash", hash)
            .put("tokenVersion", 0L)
            .put("createdAt", System.currentTimeMillis())))
        .recover(t -> Future.failedFuture(Store.isDuplicateKey(t)
            ? ErrorCode.CONFLICT.exception("login already registered") : t))
        .map(id -> tokens.issue(uid, 0L));
  }

  private Future<JsonObject> login(JsonObject body) {
    String login = validLogin(body);
    String password = Check.string(body, Field.PASSWORD, 1, 128);
    return mongo.findOne(USERS, new JsonObject().put(Field.LOGIN, login), null).compose(user -> {
      String hash = user == null ? dummyHash : user.getString("hash");
      return vertx.executeBlocking(() -> Passwords.verify(password, hash), false).compose(ok -> ok && user != null
          ? Future.succeededFuture(tokens.issue(user.getString("_id"), user.getLong("tokenVersion", 0L)))
          : Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("wrong login or password")));
    });
  }

  /** Verifies a token and that it was not revoked; answers the caller's profile. */
  private Future<JsonObject> authenticate(JsonObject body) {
    return currentUser(body).map(user -> profile(user).put("tokenVersion", user.getLong("tokenVersion", 0L)));
  }

  /** {@code {token}} → a fresh token at the same version: a revoked token can't be refreshed. */
  private Future<JsonObject> refresh(JsonObject body) {
    return currentUser(body).map(user -> tokens.issue(user.getString("_id"), user.getLong("tokenVersion", 0L)));
  }

  /** The user record a valid, unrevoked token belongs to. */
  private Future<JsonObject> currentUser(JsonObject body) {
    String token = Check.string(body, Field.TOKEN, 1, 4096);
    return tokens.verify(token).compose(claims -> mongo.findOne(USERS,
            new JsonObject().put("_id", claims.getString("sub")), null)
        .compose(user -> {
          if (user == null || user.getLong("tokenVersion", 0L) != claims.getLong(Tokens.VERSION_CLAIM)) {
            return Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("token revoked"));
          }
          return Future.succeededFuture(user);
        }));
  }

  /** {@code {uid, nickname?, gender?, avatar?}}: only these fields, at least one; avatar null clears it. */
  private Future<JsonObject> update(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    JsonObject set = validProfileChanges(body);
    return mongo.findOneAndUpdate(USERS, new JsonObject().put("_id", uid), new JsonObject().put("$set", set))
        .compose(before -> before == null
            ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"))
            : Future.succeededFuture(profile(before.mergeIn(set))));
  }

  private static JsonObject validProfileChanges(JsonObject body) {
    JsonObject set = new JsonObject();
    for (String key : body.fieldNames()) {
      if (!key.equals(Field.UID) && !UPDATABLE.contains(key)) {
        throw ErrorCode.INVALID.exception("only nickname, gender and avatar can be changed here");
      }
    }
    if (body.containsKey(Field.NICKNAME)) {
      String nickname = validNickname(body);
      set.put(Field.NICKNAME, nickname).put(NICKNAME_KEY, nickname.toLowerCase(Locale.ROOT));
    }
    if (body.containsKey(Field.GENDER)) {
      set.put(Field.GENDER, Check.oneOf(body, Field.GENDER, null, GENDERS));
    }
    if (body.containsKey(Field.AVATAR)) {
      // A file id from the upload API; opaque here until files exist, so only its shape is checked.
      set.put(Field.AVATAR, Check.optionalString(body, Field.AVATAR, MAX_AVATAR));
    }
    if (set.isEmpty()) {
      throw ErrorCode.INVALID.exception("nothing to change: give nickname, gender or avatar");
    }
    return set;
  }

  /**
   * {@code {uid, oldPassword, newPassword}}: bumps the token version, so every
   * token and open socket of the user is revoked; answers a new token for the
   * caller. The update is conditional on the hash it verified against, so two
   * concurrent changes can't both win.
   */
  private Future<JsonObject> changePassword(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String oldPassword = Check.string(body, Field.OLD_PASSWORD, 1, 128);
    String newPassword = validPassword(body, Field.NEW_PASSWORD);
    return mongo.findOne(USERS, new JsonObject().put("_id", uid), null).compose(user -> {
      if (user == null) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"));
      }
      String oldHash = user.getString("hash");
      return vertx.executeBlocking(() -> Passwords.verify(oldPassword, oldHash)
              ? Passwords.hash(newPassword) : null, false)
          .compose(newHash -> newHash == null
              ? Future.failedFuture(ErrorCode.FORBIDDEN.exception("the old password is wrong"))
              : mongo.findOneAndUpdate(USERS, new JsonObject().put("_id", uid).put("hash", oldHash),
                  new JsonObject().put("$set", new JsonObject().put("hash", newHash))
                      .put("$inc", new JsonObject().put("tokenVersion", 1))))
          .compose(before -> {
            if (before == null) {
              return Future.failedFuture(ErrorCode.CONFLICT.exception("the password was changed meanwhile"));
            }
            revoked(uid, "password changed");
            return Future.succeededFuture(tokens.issue(uid, before.getLong("tokenVersion", 0L) + 1));
          });
    });
  }

  /**
   * {@code {q, limit?, offset?}}: users whose nickname or login starts with
   * {@code q} (case-insensitive). The text is escaped before it becomes an
   * anchored regex, so it only ever matches literally.
   */
  private Future<JsonObject> search(JsonObject body) {
    String q = Check.string(body, Field.QUERY, 1, 64).strip().toLowerCase(Locale.ROOT);
    if (q.isEmpty() || q.chars().anyMatch(Character::isISOControl)) {
      throw ErrorCode.INVALID.exception("q must be text, not blank");
    }
    Long limitValue = Check.optionalLong(body, Field.LIMIT, 1, MAX_SEARCH_LIMIT);
    Long offsetValue = Check.optionalLong(body, Field.OFFSET, 0, MAX_SEARCH_OFFSET);
    int limit = limitValue == null ? DEFAULT_SEARCH_LIMIT : limitValue.intValue();
    int offset = offsetValue == null ? 0 : offsetValue.intValue();
    JsonObject prefix = new JsonObject().put("$regex", "^" + literal(q));
    JsonObject query = new JsonObject().put("$or", new JsonArray()
        .add(new JsonObject().put(NICKNAME_KEY, prefix))
        .add(new JsonObject().put(Field.LOGIN, prefix.copy())));
    FindOptions options = new FindOptions().setFields(PROFILE_FIELDS)
        .setSort(new JsonObject().put(NICKNAME_KEY, 1).put("_id", 1)).setSkip(offset).setLimit(limit + 1);
    return mongo.findWithOptions(USERS, query, options).map(found -> {
      JsonArray users = new JsonArray();
      found.stream().limit(limit).forEach(u -> users.add(profile(u)));
      return new JsonObject().put(Field.USERS, users).put(Field.MORE, found.size() > limit);
    });
  }

  /** Backslash before every ASCII non-alphanumeric: literal in both PCRE (MongoDB) and Java regex. */
  static String literal(String text) {
    StringBuilder out = new StringBuilder(text.length() * 2);
    for (char c : text.toCharArray()) {
      if (c < 128 && !Character.isLetterOrDigit(c)) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /** Revokes every token of the user, REST and sockets (gateways close them with 4401). */
  private Future<JsonObject> logout(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    return mongo.findOneAndUpdate(USERS, new JsonObject().put("_id", uid),
            new JsonObject().put("$inc", new JsonObject().put("tokenVersion", 1)))
        .compose(before -> {
          if (before == null) {
            return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"));
          }
          revoked(uid, "logged out");
          return Future.succeededFuture(new JsonObject());
        });
  }

  /** Tells every gateway to close the user's sockets (4401): their tokens no longer hold. */
  private void revoked(String uid, String reason) {
    vertx.eventBus().publish(Address.fanoutUser(uid), new JsonObject()
        .put(Field.TYPE, "event").put(Field.EVENT, "logout").put(Field.UID, uid).put(Field.MESSAGE, reason));
  }

  private Future<JsonObject> get(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    return mongo.findOne(USERS, new JsonObject().put("_id", uid), PROFILE_FIELDS).compose(user -> user == null
        ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"))
        : Future.succeededFuture(profile(user)));
  }

  /** {@code {uids:[...]}} → {@code {profiles:{uid: profile}}} in one query. */
  private Future<JsonObject> profiles(JsonObject body) {
    JsonArray uids = body.getValue("uids") instanceof JsonArray a ? a : null;
    if (uids == null || uids.size() > 1000 || !uids.stream().allMatch(u -> u instanceof String)) {
      throw ErrorCode.INVALID.exception("uids must be an array of at most 1000 strings");
    }
    JsonObject query = new JsonObject().put("_id", new JsonObject().put("$in", uids));
    return mongo.findWithOptions(USERS, query, new FindOptions().setFields(PROFILE_FIELDS)).map(users -> {
      JsonObject out = new JsonObject();
      users.forEach(u -> out.put(u.getString("_id"), profile(u)));
      return new JsonObject().put("profiles", out);
    });
  }

  static JsonObject profile(JsonObject user) {
    return new JsonObject()
        .put(Field.UID, user.getString("_id"))
        .put(Field.LOGIN, user.getString(Field.LOGIN))
        .put(Field.NICKNAME, user.getString(Field.NICKNAME))
        .put(Field.GENDER, user.getString(Field.GENDER, ""))
        .put(Field.AVATAR, user.getString(Field.AVATAR));
  }

  private static String validLogin(JsonObject body) {
    String login = Check.string(body, Field.LOGIN, 3, 254).strip().toLowerCase(Locale.ROOT);
    if (!EMAIL.matcher(login).matches()) {
      throw ErrorCode.INVALID.exception("login must be an email address");
    }
    return login;
  }

  private static String validPassword(JsonObject body) {
    return validPassword(body, Field.PASSWORD);
  }

  private static String validPassword(JsonObject body, String field) {
    String password = Check.string(body, field, 8, 128);
    if (password.isBlank()) {
      throw ErrorCode.INVALID.exception(field + " must not be blank");
    }
    return password;
  }

  private static String validNickname(JsonObject body) {
    String nickname = Check.string(body, Field.NICKNAME, 1, 64).strip();
    if (nickname.isEmpty()) {
      throw ErrorCode.INVALID.exception("nickname must not be blank");
    }
    return nickname;
  }
}
