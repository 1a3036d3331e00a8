package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Ids;
import palaver.runtime.Setting;
import palaver.runtime.Store;

/**
 * The JWT signing key, in this order: from config ({@code jwtSecret}); from the
 * key file ({@code jwtSecretFile}, the standalone jar's default
 * {@code <data-dir>/jwt.secret}), created 0600 when absent and never written to
 * the store (a key an older version kept in {@code keys} is moved into the new
 * file, so its tokens stay valid, and removed from the store); otherwise
 * generated once and kept in the store (an external MongoDB with nothing
 * configured), so every node of a deployment signs and verifies with the same
 * key. Two nodes starting together race on the fixed {@code _id}: the loser
 * reads the winner's key.
 */
final class SigningKey {
  private static final Logger LOG = LoggerFactory.getLogger(SigningKey.class);
  static final String COLLECTION = "keys";
  private static final String ID = "_id";
  private static final String JWT = "jwt";
  private static final String SECRET = "secret";
  private static final String CREATED_AT = "createdAt";
  private static final String EXTERNAL = "external";
  private static final int MIN_BYTES = 32;

  private SigningKey() {
  }

  static Future<String> load(Vertx vertx, MongoClient mongo, JsonObject config) {
    String configured = config.getString(Setting.JWT_SECRET.key());
    if (configured != null) {
      return checked(configured);
    }
    String file = config.getString(Setting.JWT_SECRET_FILE.key());
    if (file != null) {
      return fromFile(vertx, mongo, Path.of(file));
    }
    LOG.warn("the JWT signing key is kept in the store's keys collection: set jwtSecret or jwtSecretFile to keep"
        + " it out of the store");
    return fromStore(mongo);
  }

  /** The key file's key; a new file gets the store's old key if there is one, else a new key. */
  private static Future<String> fromFile(Vertx vertx, MongoClient mongo, Path file) {
    JsonObject query = new JsonObject().put(ID, JWT);
    return vertx.executeBlocking(() -> read(file))
        .compose(existing -> existing != null ? Future.succeededFuture(existing)
            : mongo.findOne(COLLECTION, query, null)
                .compose(old -> old == null ? Future.succeededFuture(Ids.randomBytes(MIN_BYTES))
                    : old.getBoolean(EXTERNAL, false) ? Future.failedFuture(new IllegalStateException(
                        "the JWT signing key file " + file + " is missing, and the store says the key is kept in a file:"
                            + " restore it, or give this process the deployment's key file"))
                    : Future.succeededFuture(old.getString(SECRET)))
                .compose(secret -> vertx.executeBlocking(() -> create(file, secret))))
        .compose(SigningKey::checked)
        .compose(secret -> mongo.save(COLLECTION, marker()).map(secret));
  }

  /** Takes the key's place in the store: says where it is, so a process without the file refuses to start. */
  private static JsonObject marker() {
    return new JsonObject().put(ID, JWT).put(EXTERNAL, true).put(CREATED_AT, System.currentTimeMillis());
  }

  /** The stored key; a marker means the deployment keeps it in a file this process was not given. */
  private static Future<String> secretOf(JsonObject doc) {
    String secret = doc.getString(SECRET);
    if (secret == null) {
      return Future.failedFuture(new IllegalStateException("this store's JWT signing key is kept in a key file"
          + " (jwtSecretFile, the standalone jar's <data-dir>/jwt.secret): give this process the same --jwt-secret-file"
          + " (or jwtSecret)"));
    }
    return Future.succeededFuture(secret);
  }

  private static String read(Path file) throws IOException {
    return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
  }

  /**
   * Writes the key to a temporary file created owner-only, then links it into place: a reader never sees a
   * half-written key, and of two processes creating it at once the loser reads the winner's.
   */
  private static synchronized String create(Path file, String secret) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + "." + Ids.randomBytes(8).replaceAll("[^A-Za-z0-9]", "") + ".tmp");
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    try {
      Files.writeString(tmp, secret, StandardCharsets.UTF_8);
      Files.createLink(file, tmp);
      return secret;
    } catch (FileAlreadyExistsException lost) {
      return read(file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Future<String> fromStore(MongoClient mongo) {
    JsonObject query = new JsonObject().put(ID, JWT);
    return mongo.findOne(COLLECTION, query, null).compose(found -> {
      if (found != null) {
        return secretOf(found);
      }
      String secret = Ids.randomBytes(MIN_BYTES);
      return mongo.insert(COLLECTION, new JsonObject().put(ID, JWT).put(SECRET, secret)
              .put(CREATED_AT, System.currentTimeMillis()))
          .map(secret)
          .recover(t -> Store.isDuplicateKey(t)
              ? mongo.findOne(COLLECTION, query, null).compose(SigningKey::secretOf)
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
