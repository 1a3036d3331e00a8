package palaver.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The embedded store's H2 backend, with one query plan added: a query that
 * names one string {@code _id} and other conditions besides
 * ({@code {_id: sid, lastSeq: {$lt: 7}}}, the guarded updates Palaver uses for
 * heads, presence and read positions) reads that one document instead of
 * scanning the collection. mongo-java-server uses an index only when the query
 * has exactly the index's keys; MongoDB itself uses the {@code _id} index for
 * these. Collections keep H2's map names, so existing data dirs open as before.
 */
final class IdLookupBackend extends H2Backend {
  IdLookupBackend(MVStore mvStore) {
    super(mvStore);
  }

  @Override
  protected MongoDatabase openOrCreateDatabase(String databaseName) {
    return new Database(databaseName, getCursorRegistry());
  }

  // Inner, not static: H2Database's constructor already opens collections, before a field
  // of this class could be set, so the store is taken from the enclosing backend.
  private final class Database extends H2Database {
    Database(String name, CursorRegistry cursors) {
      super(name, getMvStore(), cursors);
    }

    // The same map names as H2Database uses ("databases.<ns>", "meta.<ns>").
    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
      String namespace = getFullCollectionNamespace(collectionName);
      MVMap<Object, Document> data = getMvStore().openMap("databases." + namespace);
      MVMap<String, Object> meta = getMvStore().openMap("meta." + namespace);
      return new Collection(this, collectionName, options, data, meta, cursorRegistry);
    }
  }

  private static final class Collection extends H2Collection {
    Collection(MongoDatabase database, String name, CollectionOptions options, MVMap<Object, Document> data,
        MVMap<String, Object> meta, CursorRegistry cursors) {
      super(database, name, options, data, meta, cursors);
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
        Document fieldSelector) {
      // H2 keys a document by its _id value; only strings are looked up directly, since
      // numbers of different types compare equal in MongoDB but not as map keys.
      if ("_id".equals(getIdField()) && query.size() > 1 && query.get("_id") instanceof String id) {
        List<Object> found = getDocument(id) == null ? List.of() : List.of(id);
        return matchDocuments(query, found, orderBy, skip, limit, batchSize, fieldSelector);
      }
      return super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector);
    }
  }
}
