package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import palaver.common.Address;
import palaver.common.Bus;
import palaver.common.Check;
import palaver.common.ErrorCode;
import palaver.common.Field;
import palaver.common.Ids;
import palaver.common.Store;

/** user-service: owns the {@code users} and {@code keys} collections. */
public class UserVerticle extends VerticleBase {
  static final String USERS = "users";
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,189}$");
  private static final JsonObject PROFILE_FIELDS = new JsonObject()
      .put(Field.LOGIN, 1).put(Field.NICKNAME, 1).put(Field.GENDER, 1).put(Field.AVATAR, 1);

  private MongoClient mongo;
  private Tokens tokens;
  /** Spent on unknown logins so they take as long as known ones. */
  private String dummyHash;

  @Override
  public Future<?> start() {
    mongo = Store.client(vertx, config());
    return Store.ping(mongo, config())
        .compose(v -> Store.index(mongo, USERS, new JsonObject().put(Field.LOGIN, 1), true))
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
              Bus.serve(vertx, Address.USER_PROFILES, this::profiles)));
        });
  }

  private Future<JsonObject> register(JsonObject body) {
    String login = validLogin(body);
    String password = validPassword(body);
    String nickname = Check.string(body, Field.NICKNAME, 1, 64).strip();
    if (nickname.isEmpty()) {
      throw ErrorCode.INVALID.exception("nickname must not be blank");
    }
    String uid = Ids.random();
    return vertx.executeBlocking(() -> Passwords.hash(password), false)
        .compose(hash -> mongo.insert(USERS, new JsonObject()
            .put("_id", uid)
            .put(Field.LOGIN, login)
            .put(Field.NICKNAME, nickname)
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
    String token = Check.string(body, Field.TOKEN, 1, 4096);
    return tokens.verify(token).compose(claims -> mongo.findOne(USERS,
            new JsonObject().put("_id", claims.getString("sub")), null)
        .compose(user -> {
          if (user == null || user.getLong("tokenVersion", 0L) != claims.getLong(Tokens.VERSION_CLAIM)) {
            return Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("token revoked"));
          }
          return Future.succeededFuture(profile(user).put("tokenVersion", user.getLong("tokenVersion", 0L)));
        }));
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
          vertx.eventBus().publish(Address.fanoutUser(uid), new JsonObject()
              .put(Field.TYPE, "event").put(Field.EVENT, "logout").put(Field.UID, uid));
          return Future.succeededFuture(new JsonObject());
        });
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
    String password = Check.string(body, Field.PASSWORD, 8, 128);
    if (password.isBlank()) {
      throw ErrorCode.INVALID.exception("password must not be blank");
    }
    return password;
  }
}
