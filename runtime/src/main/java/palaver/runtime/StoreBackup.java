package palaver.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * What a node with an embedded store lets its management port back up ({@code POST /backup}): a
 * consistent copy of the running store, given only to a caller presenting the data dir's backup token.
 */
public interface StoreBackup {
  /** The header carrying the token. */
  String TOKEN_HEADER = "X-Palaver-Backup-Token";

  /** The secret a request must present (kept in the data dir, readable by its owner only). */
  String token() throws IOException;

  /** Where the copy is written before it is sent (the data dir: same disk, same permissions). */
  Path workDir();

  /** Writes the copy (a zip); blocking, called on a worker thread. */
  void writeTo(OutputStream out) throws IOException;
}
