package palaver.runtime;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.util.List;
import java.util.function.Function;

/**
 * The store's schema version: one document {@code {_id: "palaver", version}} in the {@code schema}
 * collection. At start every node with a store runs the migrations above the stored version in order,
 * recording each one's version after it succeeds, and refuses to start on a store written by a newer
 * Palaver (whose documents it might misread or overwrite). Migrations must be idempotent: several
 * nodes may start at once, and a node may die between a migration and its record.
 */
public final class Schema {
  public static final String COLLECTION = "schema";
  static final String ID = "palaver";
  static final String VERSION = "version";

  /** One step from {@code version - 1} to {@code version}. */
  public record Migration(int version, String what, Function<MongoClient, Future<Void>> apply) {
  }

  /** Every migration of this Palaver, in order; the last one's version is the version it writes. */
  public static final List<Migration> MIGRATIONS = List.of(
      new Migration(1, "baseline: the store is versioned (indexes are made by each collection's owner)",
          mongo -> Future.succeededFuture()));

  private Schema() {
  }

  public static int current(List<Migration> migrations) {
    return migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
  }

  /** Brings the store to this Palaver's version, or fails when the store's is newer. */
  public static Future<Integer> migrate(MongoClient mongo) {
    return migrate(mongo, MIGRATIONS);
  }

  public static Future<Integer> migrate(MongoClient mongo, List<Migration> migrations) {
    int current = current(migrations);
    return stored(mongo).compose(version -> {
      if (version > current) {
        return Future.failedFuture(new IllegalStateException("the store's schema is version " + version
            + ", newer than this Palaver's " + current + ": run the Palaver that wrote it (or a newer one),"
            + " or restore a backup taken before the upgrade"));
      }
      Future<Void> chain = Future.succeededFuture();
      for (Migration m : migrations) {
        if (m.version() > version) {
          chain = chain.compose(v -> m.apply().apply(mongo)).compose(v -> record(mongo, m.version()));
        }
      }
      return chain.map(current);
    });
  }

  /** The stored version; 0 for a store from before versioning (or an empty one). */
  public static Future<Integer> stored(MongoClient mongo) {
    return mongo.findOne(COLLECTION, new JsonObject().put("_id", ID), null)
        .map(doc -> doc == null ? 0 : doc.getInteger(VERSION, 0));
  }

  /** Raises the version, never lowers it (another node may have gone further meanwhile). */
  private static Future<Void> record(MongoClient mongo, int version) {
    return mongo.updateCollectionWithOptions(COLLECTION, new JsonObject().put("_id", ID),
            new JsonObject().put("$max", new JsonObject().put(VERSION, version)), new UpdateOptions().setUpsert(true))
        .recover(t -> Store.isDuplicateKey(t) ? Future.succeededFuture() : Future.failedFuture(t))
        .mapEmpty();
  }
}
