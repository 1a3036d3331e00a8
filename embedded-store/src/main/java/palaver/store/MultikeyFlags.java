package palaver.store;

import org.h2.mvstore.MVMap;

/**
 * Which of a collection's indexes have met an array value, kept in the
 * collection's meta map so it survives a restart. Once set it stays set (as in
 * MongoDB) until the index is dropped.
 */
final class MultikeyFlags {
  private final MVMap<String, Object> meta;
  private final String key;
  private volatile boolean multikey;

  MultikeyFlags(MVMap<String, Object> meta, String indexName) {
    this.meta = meta;
    this.key = "multikey." + indexName;
    this.multikey = Boolean.TRUE.equals(meta.get(key));
  }

  boolean isSet() {
    return multikey;
  }

  void set() {
    if (!multikey) {
      multikey = true;
      meta.put(key, Boolean.TRUE);
    }
  }

  void clear() {
    multikey = false;
    meta.remove(key);
  }
}
