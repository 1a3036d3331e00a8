package palaver.message;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * A stored file as a blocking InputStream, one chunk in memory at a time.
 * Only for worker threads (image decoding): it waits for each chunk's read.
 */
final class ChunkInputStream extends InputStream {
  private static final long READ_TIMEOUT_S = 30;

  private final FileStore store;
  private final String fileId;
  private final int chunks;
  private int next;
  private byte[] current = new byte[0];
  private int pos;

  ChunkInputStream(FileStore store, String fileId, int chunks) {
    this.store = store;
    this.fileId = fileId;
    this.chunks = chunks;
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return current[pos++] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }

  private boolean fill() throws IOException {
    while (pos >= current.length) {
      if (next >= chunks) {
        return false;
      }
      try {
        current = store.chunk(fileId, next++).toCompletionStage().toCompletableFuture()
            .get(READ_TIMEOUT_S, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      } catch (Exception e) {
        throw new IOException("chunk " + (next - 1) + " unreadable", e);
      }
      pos = 0;
    }
    return true;
  }
}
