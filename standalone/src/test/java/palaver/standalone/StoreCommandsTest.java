package palaver.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.store.EmbeddedStore;

@DisplayName("palaver backup / restore on the command line")
class StoreCommandsTest {
  @Test
  @DisplayName("backup without a directory is bad use: exit code 2")
  void backupWithoutDirectory() {
    assertEquals(2, StoreCommands.run(new String[] {"backup"}));
  }

  @Test
  @DisplayName("restore with an unknown flag is bad use: exit code 2")
  void restoreWithUnknownFlag() {
    assertEquals(2, StoreCommands.run(new String[] {"restore", "/tmp/x", "--no-such-flag"}));
  }

  @Test
  @DisplayName("backup into a directory that is not empty fails with exit code 1 and writes nothing there")
  void backupIntoNonEmpty() throws Exception {
    Path target = Files.createTempDirectory("palaver-cli-");
    Files.writeString(target.resolve("other.txt"), "x");
    Path dataDir = Files.createTempDirectory("palaver-cli-data-");
    assertEquals(1, StoreCommands.run(new String[] {"backup", target.toString(), "--data-dir", dataDir.toString()}));
    assertEquals(1, Files.list(target).count());
  }

  @Test
  @DisplayName("A stopped node's data dir is backed up and restored into a new one, which then opens")
  void backupAndRestoreStopped() throws Exception {
    Path dataDir = Files.createTempDirectory("palaver-cli-data-");
    EmbeddedStore.start(dataDir, null).close();
    Path target = Files.createTempDirectory("palaver-cli-").resolve("backup");
    Path restored = Files.createTempDirectory("palaver-cli-new-").resolve("data");
    assertEquals(0, StoreCommands.run(new String[] {"backup", target.toString(), "--data-dir", dataDir.toString()}));
    assertTrue(Files.exists(target.resolve(StoreCommands.MANIFEST)));
    assertEquals(0, StoreCommands.run(new String[] {"restore", target.toString(), "--data-dir", restored.toString()}));
    EmbeddedStore.start(restored, null).close();
  }

  @Test
  @DisplayName("backup of a data dir a running store holds, without a management port, fails with exit code 1")
  void backupOfOpenStoreNeedsManagementPort() throws Exception {
    Path dataDir = Files.createTempDirectory("palaver-cli-data-");
    try (EmbeddedStore open = EmbeddedStore.start(dataDir, null)) {
      Path target = Files.createTempDirectory("palaver-cli-").resolve("backup");
      assertEquals(1, StoreCommands.run(new String[] {"backup", target.toString(), "--data-dir", dataDir.toString()}));
    }
  }
}
