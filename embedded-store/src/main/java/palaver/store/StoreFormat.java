package palaver.store;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layout of a data dir's maps, recorded in the map {@value #MAP} so that no
 * version of Palaver reads another's bytes by mistake.
 * <ul>
 * <li>1 (no record; what mongo-java-server's plain H2 backend writes): documents
 * and ids Java-serialized, index keys in serialized-byte order;</li>
 * <li>2: documents as BSON, ids and index keys in MongoDB's value order
 * ({@link BsonDocumentType}, {@link BsonValueType}, {@link KeyValueType}).</li>
 * </ul>
 * Opening a format-1 dir rewrites it to format 2 in one commit (documents copied,
 * indexes dropped and rebuilt from them when the databases open), so a crash
 * midway leaves the old dir as it was. A dir from a newer Palaver is refused.
 */
final class StoreFormat {
  static final String MAP = "palaver.format";
  static final String VERSION = "version";
  static final int CURRENT = 2;
  private static final String DATA_PREFIX = "databases.";
  private static final String INDEX_INFIX = "._index_";
  private static final String COPY_PREFIX = "migrating.";
  private static final Logger LOG = LoggerFactory.getLogger(StoreFormat.class);

  private StoreFormat() {
  }

  /** The store, in the current format: migrated if it was in format 1, refused if it is newer. */
  static MVStore open(MVStore store) {
    MVMap<String, Object> format = store.openMap(MAP);
    Object version = format.get(VERSION);
    if (version == null) {
      if (hasMongoMaps(store)) {
        LOG.info("rewriting the data dir from store format 1 (Java-serialized) to {}", CURRENT);
        long documents = migrateFromJavaSerialization(store);
        LOG.info("data dir rewritten to store format {}: {} documents; indexes are rebuilt as they open", CURRENT,
            documents);
      }
      format.put(VERSION, CURRENT);
      store.commit();
    } else if (!Integer.valueOf(CURRENT).equals(version)) {
      throw new IllegalStateException("the data dir is in store format " + version + ", this Palaver reads format "
          + CURRENT + " only: run the Palaver version that wrote it, or restore a backup (docs/operations.md, "
          + "\"The store's data format\")");
    }
    return store;
  }

  private static boolean hasMongoMaps(MVStore store) {
    return store.getMapNames().stream().anyMatch(name -> name.startsWith(DATA_PREFIX) || name.contains(INDEX_INFIX));
  }

  private static long migrateFromJavaSerialization(MVStore store) {
    int autoCommitDelay = store.getAutoCommitDelay();
    store.setAutoCommitDelay(0); // all of it in one commit, or none
    try {
      long documents = 0;
      List<String> names = new ArrayList<>(store.getMapNames());
      for (String name : names) {
        if (name.contains(INDEX_INFIX)) {
          store.removeMap(name); // rebuilt in key order when its collection opens
        }
      }
      for (String name : names) {
        if (name.startsWith(DATA_PREFIX)) {
          MVMap<Object, Object> old = store.openMap(name);
          MVMap<Object, Document> copy = IdLookupBackend.openData(store, COPY_PREFIX + name);
          for (Map.Entry<Object, Object> entry : old.entrySet()) {
            copy.put(entry.getKey(), (Document) entry.getValue());
            documents++;
          }
          store.removeMap(old);
          store.renameMap(copy, name);
        }
      }
      store.commit();
      return documents;
    } catch (RuntimeException e) {
      store.rollback();
      throw new IllegalStateException("cannot migrate the data dir to store format " + CURRENT + ": " + e, e);
    } finally {
      store.setAutoCommitDelay(autoCommitDelay);
    }
  }
}
