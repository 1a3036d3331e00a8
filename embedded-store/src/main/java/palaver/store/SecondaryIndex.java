package palaver.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.MinKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.h2.mvstore.MVMap;

/**
 * A non-unique index, which mongo-java-server otherwise accepts and ignores:
 * key values followed by the document's position (its {@code _id}), so equal
 * keys stay distinct entries, in key order. It enforces nothing; it only lets
 * {@link IndexPlan} walk a range instead of scanning.
 */
final class SecondaryIndex extends Index<Object> implements OrderedIndex {
  private final MVMap<KeyValue, Object> map;
  private final MultikeyFlags multikey;
  private final String idField;

  SecondaryIndex(MVMap<KeyValue, Object> map, MultikeyFlags multikey, String name, List<IndexKey> keys,
      boolean sparse, String idField) {
    super(name, keys, sparse);
    this.map = map;
    this.multikey = multikey;
    this.idField = idField;
  }

  private static KeyValue withPosition(KeyValue key, Object position) {
    List<Object> values = new ArrayList<>(key.size() + 1);
    key.forEach(values::add);
    values.add(position);
    return new KeyValue(values);
  }

  private Object positionOf(Document document) {
    return Missing.ofNullable(document.get(idField));
  }

  @Override
  public boolean leavesOutMissing() {
    return false; // every document has entries, sparse or not
  }

  @Override
  public boolean isMultikey() {
    return multikey.isSet();
  }

  @Override
  public Iterator<Map.Entry<KeyValue, Object>> entries(KeyValue from, KeyValue to, boolean descending) {
    // Entries carry the position as one more value: bound it below and above.
    return OrderedIndex.walk(map, withPosition(from, MinKey.getInstance()), withPosition(to, MaxKey.getInstance()),
        descending);
  }

  @Override
  public Object getPosition(Document document) {
    return null;
  }

  @Override
  public void checkAdd(Document document, MongoCollection<Object> collection) {
  }

  @Override
  public synchronized void add(Document document, Object position, MongoCollection<Object> collection) {
    Set<KeyValue> keys = getKeyValues(document);
    for (KeyValue key : keys) {
      map.put(withPosition(key, position), position);
    }
    if (OrderedIndex.isMultikey(keys)) {
      multikey.set();
    }
  }

  @Override
  public synchronized Object remove(Document document) {
    Object position = positionOf(document);
    for (KeyValue key : getKeyValues(document)) {
      map.remove(withPosition(key, position));
    }
    return position;
  }

  @Override
  public boolean canHandle(Document query) {
    return false;
  }

  @Override
  public Iterable<Object> getPositions(Document query) {
    throw new UnsupportedOperationException("walked through IndexPlan only");
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
  public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Object> collection) {
  }

  @Override
  public synchronized void updateInPlace(Document oldDocument, Document newDocument, Object position,
      MongoCollection<Object> collection) {
    if (!nullAwareEqualsKeys(oldDocument, newDocument)) {
      for (KeyValue key : getKeyValues(oldDocument)) {
        map.remove(withPosition(key, position));
      }
      add(newDocument, position, collection);
    }
  }

  @Override
  public void drop() {
    multikey.clear();
  }
}
