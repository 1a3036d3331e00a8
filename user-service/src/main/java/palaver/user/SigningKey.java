package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.nio.charset.StandardCharsets;
import palaver.api.Ids;
import palaver.runtime.Setting;
import palaver.runtime.Store;

/**
 * The JWT signing key: from config ({@code jwtSecret}) when given, otherwise
 * generated once and kept in the store, so every node of a deployment signs
 * and verifies with the same key. Two nodes starting together race on the
 * fixed {@code _id}: the loser reads the winner's key.
 */
final class SigningKey {
  static final String COLLECTION = "keys";
  private static final String ID = "_id";
  private static final String JWT = "jwt";
  private static final String SECRET = "secret";
  private static final String CREATED_AT = "createdAt";
  private static final int MIN_BYTES = 32;

  private SigningKey() {
  }

  static Future<String> load(MongoClient mongo, JsonObject config) {
    String configured = config.getString(Setting.JWT_SECRET.key());
    if (configured != null) {
      return checked(configured);
    }
    JsonObject query = new JsonObject().put(ID, JWT);
    return mongo.findOne(COLLECTION, query, null).compose(found -> {
      if (found != null) {
        return Future.succeededFuture(found.getString(SECRET));
      }
      String secret = Ids.randomBytes(MIN_BYTES);
      return mongo.insert(COLLECTION, new JsonObject().put(ID, JWT).put(SECRET, secret)
              .put(CREATED_AT, System.currentTimeMillis()))
          .map(secret)
          .recover(t -> Store.isDuplicateKey(t)
              ? mongo.findOne(COLLECTION, query, null).map(winner -> winner.getString(SECRET))
              : Future.failedFuture(t));
    });
  }

  /** The configured text is the HMAC key itself: at least 32 bytes (256 bits), e.g. {@code openssl rand -base64 32}. */
  private static Future<String> checked(String secret) {
    if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_BYTES) {
      return Future.failedFuture(new IllegalArgumentException("jwtSecret must be at least 32 bytes (256 bits)"));
    }
    return Future.succeededFuture(secret);
  }
}
