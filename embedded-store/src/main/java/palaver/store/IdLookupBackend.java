package palaver.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The embedded store's H2 backend. Over mongo-java-server's own it changes how
 * data is kept and found:
 * <ul>
 * <li>documents are stored as BSON ({@link BsonDocumentType}), ids and index keys
 * in MongoDB's value order without serialization ({@link BsonValueType},
 * {@link KeyValueType}); a data dir of the old, Java-serialized format is
 * rewritten on open ({@link StoreFormat});</li>
 * <li>non-unique indexes are real ({@link SecondaryIndex}), and a query walks the
 * best index range ({@link IndexPlan}) instead of scanning;</li>
 * <li>a query that names one string {@code _id} and other conditions besides
 * ({@code {_id: sid, lastSeq: {$lt: 7}}}, the guarded updates Palaver uses for
 * heads, presence and read positions) reads that one document.</li>
 * </ul>
 * Map names are H2Database's ("databases.&lt;ns&gt;", "meta.&lt;ns&gt;",
 * "&lt;ns&gt;._index_&lt;name&gt;").
 */
final class IdLookupBackend extends H2Backend {
  private final LongAdder documentsRead = new LongAdder();
  /** Run as each document is read; tests write in the middle of a read with it. */
  private volatile Runnable onDocumentRead = () -> { };

  IdLookupBackend(MVStore mvStore) {
    super(StoreFormat.open(mvStore));
  }

  /** How many documents queries have read from the data maps, for tests that a query reads O(result). */
  long documentsRead() {
    return documentsRead.sum();
  }

  /** For tests: {@code hook} runs on the reading thread as a query reads each document. */
  void onDocumentRead(Runnable hook) {
    onDocumentRead = hook;
  }

  @Override
  protected MongoDatabase openOrCreateDatabase(String databaseName) {
    return new Database(databaseName, getCursorRegistry());
  }

  static MVMap<Object, Document> openData(MVStore store, String name) {
    return store.openMap(name, new MVMap.Builder<Object, Document>()
        .keyType(BsonValueType.INSTANCE).valueType(BsonDocumentType.INSTANCE));
  }

  static MVMap<KeyValue, Object> openIndex(MVStore store, String name) {
    return store.openMap(name, new MVMap.Builder<KeyValue, Object>()
        .keyType(KeyValueType.INSTANCE).valueType(BsonValueType.INSTANCE));
  }

  // Inner, not static: H2Database's constructor already opens collections, before a field
  // of this class could be set, so the store is taken from the enclosing backend.
  private final class Database extends H2Database {
    Database(String name, CursorRegistry cursors) {
      super(name, getMvStore(), cursors);
    }

    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
      String namespace = getFullCollectionNamespace(collectionName);
      MVMap<Object, Document> data = openData(getMvStore(), "databases." + namespace);
      return new Collection(this, collectionName, options, data, meta(collectionName), cursorRegistry);
    }

    @Override
    protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
        boolean sparse) {
      return new OrderedUniqueIndex(openIndex(getMvStore(), indexMap(collectionName, indexName)),
          new MultikeyFlags(meta(collectionName), indexName), indexName, keys, sparse);
    }

    @Override
    protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys,
        boolean sparse) {
      return new SecondaryIndex(openIndex(getMvStore(), indexMap(collectionName, indexName)),
          new MultikeyFlags(meta(collectionName), indexName), indexName, keys, sparse, "_id");
    }

    private MVMap<String, Object> meta(String collectionName) {
      return getMvStore().openMap("meta." + getFullCollectionNamespace(collectionName));
    }

    // H2Database's own name for an index map, which its dropIndex removes.
    private String indexMap(String collectionName, String indexName) {
      return getFullCollectionNamespace(collectionName) + "._index_" + indexName;
    }
  }

  // Null while H2Backend's constructor opens the databases, before this class's fields are set.
  private void countRead() {
    LongAdder reads = documentsRead;
    if (reads != null) {
      reads.increment();
      onDocumentRead.run();
    }
  }

  private final class Collection extends H2Collection {
    private final MVMap<Object, Document> data;

    Collection(MongoDatabase database, String name, CollectionOptions options, MVMap<Object, Document> data,
        MVMap<String, Object> meta, CursorRegistry cursors) {
      super(database, name, options, data, meta, cursors);
      this.data = data;
    }

    @Override
    protected Document getDocument(Object position) {
      countRead();
      return super.getDocument(position);
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
        Document fieldSelector) {
      // H2 keys a document by its _id value; only strings are looked up directly, since
      // numbers of different types compare equal in MongoDB but not as map keys.
      if ("_id".equals(getIdField()) && query.size() > 1 && query.get("_id") instanceof String id) {
        List<Object> found = data.containsKey(id) ? List.of(id) : List.of();
        return matchDocuments(query, found, orderBy, skip, limit, batchSize, fieldSelector);
      }
      List<IndexPlan> walks = IndexPlan.walks(getIndexes(), query, orderBy);
      if (walks.isEmpty()) {
        return super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector);
      }
      Stream<Object> positions = walks.stream().flatMap(walk -> stream(walk.positions()));
      if (walks.size() > 1 || walks.get(0).index.isMultikey()) {
        // A document may be met more than once: by several walks, or once per array element.
        positions = positions.distinct();
      }
      Stream<Document> documents = positions.map(this::getDocument);
      if (walks.size() == 1 && walks.get(0).sorted) {
        // Already in the sort's order, and lazily: a limit stops the walk.
        return matchDocumentsFromStream(query, documents, skip, limit, batchSize, null, fieldSelector);
      }
      return matchDocumentsFromStream(documents, query, orderBy, skip, limit, batchSize, fieldSelector);
    }

    @Override
    protected QueryResult matchDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
        Document fieldSelector) {
      if (isNaturalDescending(orderBy)) {
        return super.matchDocuments(query, orderBy, skip, limit, batchSize, fieldSelector);
      }
      Stream<Document> all = data.values().stream().peek(document -> countRead());
      return matchDocumentsFromStream(all, query, orderBy, skip, limit, batchSize, fieldSelector);
    }

    private Stream<Object> stream(Iterator<Object> iterator) {
      return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED), false);
    }
  }
}
