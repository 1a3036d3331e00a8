package palaver.store;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * An index whose keys are kept in MongoDB's value order (an H2 map keyed by
 * {@link KeyValueType}), so a query can walk a range of it instead of scanning
 * the collection: equality on a prefix of its fields, then a range on the next
 * one, in either direction.
 */
interface OrderedIndex {
  List<IndexKey> getKeys();

  /** Whether documents without the fields are left out (a sparse unique index): then no walk may rely on null keys. */
  boolean leavesOutMissing();

  /** Whether some document gave more than one key (an array value): a walk may meet it twice, out of sort order. */
  boolean isMultikey();

  /**
   * The keys in {@code [from, to]} (both with one value per field), ascending or
   * descending, each with its position; no document is read.
   */
  Iterator<Map.Entry<KeyValue, Object>> entries(KeyValue from, KeyValue to, boolean descending);

  static Iterator<Map.Entry<KeyValue, Object>> walk(MVMap<KeyValue, Object> map, KeyValue from, KeyValue to,
      boolean descending) {
    Cursor<KeyValue, Object> cursor = descending ? map.cursor(to, from, true) : map.cursor(from, to, false);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return cursor.hasNext();
      }

      @Override
      public Map.Entry<KeyValue, Object> next() {
        KeyValue key = cursor.next();
        return Map.entry(key, cursor.getValue());
      }
    };
  }

  static boolean isMultikey(Set<KeyValue> keys) {
    if (keys.size() != 1) {
      return true;
    }
    for (Object value : keys.iterator().next()) {
      if (value instanceof Collection) {
        return true;
      }
    }
    return false;
  }
}
