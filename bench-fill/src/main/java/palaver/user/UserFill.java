package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import palaver.runtime.Setting;

/**
 * The filler's access to user-service's store classes: accounts written by {@link UserStore#insert} and
 * tokens issued by {@link Tokens} with the server's own signing key ({@link SigningKey}, the data dir's key
 * file), so the server started afterwards accepts both.
 */
public final class UserFill {
  private final UserStore users;
  private final Tokens tokens;

  private UserFill(UserStore users, Tokens tokens) {
    this.users = users;
    this.tokens = tokens;
  }

  /** Creates the users' indexes and loads (or creates) the signing key in {@code keyFile}. */
  public static Future<UserFill> open(Vertx vertx, MongoClient mongo, String keyFile) {
    UserStore users = new UserStore(mongo);
    JsonObject config = new JsonObject().put(Setting.JWT_SECRET_FILE.key(), keyFile);
    return users.createIndexes().compose(v -> SigningKey.load(vertx, mongo, config))
        .map(secret -> new UserFill(users, new Tokens(vertx, secret)));
  }

  /**
   * An Argon2id hash of {@code password}, to be stored for every filled account: hashing 10,000 passwords
   * would take ~15 minutes of this machine's CPU, and a login verifies one hash whatever its salt.
   */
  public static String hash(String password) {
    return Passwords.hash(password);
  }

  public Future<Void> insert(String uid, String login, String nickname, String hash) {
    return users.insert(uid, login, nickname, hash);
  }

  /** {uid, token, expiresAt}, as a login would answer (token version 0, a new account's). */
  public JsonObject token(String uid) {
    return tokens.issue(uid, 0L);
  }
}
