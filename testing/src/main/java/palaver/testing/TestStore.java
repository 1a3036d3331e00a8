package palaver.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import palaver.store.EmbeddedStore;

/** A fresh embedded store in a temporary directory, as a test's own database. */
public final class TestStore {
  private TestStore() {
  }

  public static EmbeddedStore fresh() {
    return fresh(EmbeddedStore.DEFAULT_CACHE_MB);
  }

  /** A store whose page cache holds at most {@code cacheMb} MiB of the heap. */
  public static EmbeddedStore fresh(int cacheMb) {
    try {
      Path dir = Files.createTempDirectory("palaver-test-");
      return EmbeddedStore.start(dir, null, cacheMb);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
