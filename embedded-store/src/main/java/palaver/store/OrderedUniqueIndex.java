package palaver.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import org.h2.mvstore.MVMap;

/** A unique index (mongo-java-server's, including {@code _id}) kept in key order: key → position. */
final class OrderedUniqueIndex extends AbstractUniqueIndex<Object> implements OrderedIndex {
  private final MVMap<KeyValue, Object> map;
  private final MultikeyFlags multikey;

  OrderedUniqueIndex(MVMap<KeyValue, Object> map, MultikeyFlags multikey, String name, List<IndexKey> keys,
      boolean sparse) {
    super(name, keys, sparse);
    this.map = map;
    this.multikey = multikey;
  }

  @Override
  public synchronized void add(Document document, Object position, MongoCollection<Object> collection) {
    super.add(document, position, collection);
    if (OrderedIndex.isMultikey(getKeyValues(document))) {
      multikey.set();
    }
  }

  // A sparse index holds no entry for a document without the fields; the stock lookup would
  // find the entry of one whose field is an explicit null instead (both key as null).
  @Override
  public Object getPosition(Document document) {
    if (isSparse() && getKeys().stream()
        .allMatch(key -> Utils.getSubdocumentValue(document, key.getKey()) instanceof Missing)) {
      return null;
    }
    return super.getPosition(document);
  }

  @Override
  public boolean leavesOutMissing() {
    return isSparse();
  }

  @Override
  public boolean isMultikey() {
    return multikey.isSet();
  }

  @Override
  public Iterator<Map.Entry<KeyValue, Object>> entries(KeyValue from, KeyValue to, boolean descending) {
    return OrderedIndex.walk(map, from, to, descending);
  }

  @Override
  protected Object removeDocument(KeyValue keyValue) {
    return map.remove(keyValue);
  }

  @Override
  protected boolean putKeyPosition(KeyValue keyValue, Object position) {
    return map.putIfAbsent(keyValue, Missing.ofNullable(position)) == null;
  }

  @Override
  protected Iterable<Entry<KeyValue, Object>> getIterable() {
    return map.entrySet();
  }

  @Override
  protected Object getPosition(KeyValue keyValue) {
    return map.get(keyValue);
  }

  @Override
  public long getCount() {
    return map.sizeAsLong();
  }

  @Override
  public boolean isEmpty() {
    return map.isEmpty();
  }

  @Override
  public long getDataSize() {
    return getCount();
  }

  @Override
  public void drop() {
    multikey.clear();
    super.drop();
  }
}
