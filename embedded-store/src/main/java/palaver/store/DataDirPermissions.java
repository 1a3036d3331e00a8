package palaver.store;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Owner-only access to the data directory (0700) and the files in it (0600): the store file holds
 * password hashes and the token signing key. Applied at every start, so data dirs created by older
 * versions (0755/0644) are tightened too. A no-op on file systems without POSIX permissions.
 */
final class DataDirPermissions {
  static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private DataDirPermissions() {
  }

  static boolean supported() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** Creates the directory if needed and makes it and its regular files owner-only. */
  static void restrict(Path dataDir) throws IOException {
    if (!supported()) {
      Files.createDirectories(dataDir);
      return;
    }
    if (!Files.isDirectory(dataDir)) {
      Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(DIR));
    }
    Files.setPosixFilePermissions(dataDir, DIR);
    try (Stream<Path> files = Files.list(dataDir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file)) {
          Files.setPosixFilePermissions(file, FILE);
        }
      }
    }
  }

  /** Makes one file (created after {@link #restrict}) owner-only. */
  static void restrictFile(Path file) throws IOException {
    if (supported() && Files.isRegularFile(file)) {
      Files.setPosixFilePermissions(file, FILE);
    }
  }
}
