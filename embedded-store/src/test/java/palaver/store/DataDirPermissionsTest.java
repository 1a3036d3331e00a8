package palaver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The data dir holds password hashes and the signing key: only its owner may read it. */
@DisplayName("The embedded store's data directory")
class DataDirPermissionsTest {
  @BeforeEach
  void posixOnly() {
    assumeTrue(DataDirPermissions.supported(), "needs a POSIX file system");
  }

  @Test
  @DisplayName("A new data dir is 0700 and the store file in it 0600")
  void newDir() throws Exception {
    Path dir = Files.createTempDirectory("palaver-perm-").resolve("data");
    try (EmbeddedStore store = EmbeddedStore.start(dir, null)) {
      assertModes(dir);
    }
  }

  @Test
  @DisplayName("An existing world-readable data dir and its files are tightened at start")
  void existingDir() throws Exception {
    Path dir = Files.createTempDirectory("palaver-perm-");
    try (EmbeddedStore store = EmbeddedStore.start(dir, null)) {
      // first start creates the file
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir.resolve(EmbeddedStore.FILE), PosixFilePermissions.fromString("rw-r--r--"));
    try (EmbeddedStore store = EmbeddedStore.start(dir, null)) {
      assertModes(dir);
    }
  }

  private static void assertModes(Path dir) throws Exception {
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertEquals("rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(EmbeddedStore.FILE))));
  }
}
