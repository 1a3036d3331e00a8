package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How a download's {@code Range} header is read (the 206/416 decisions of {@link FileDownload}). */
@DisplayName("FileDownload: reading the Range header")
class FileDownloadRangeTest {
  private static final long SIZE = 11;
  private static final FileDownload.Range UNSATISFIABLE = new FileDownload.Range(-1, -1);

  @Test
  @DisplayName("An open range starting beyond the end of the file can't be satisfied (416), not served whole")
  void openRangeBeyondEndIsUnsatisfiable() {
    assertEquals(UNSATISFIABLE, FileDownload.parseRange("bytes=100-", SIZE));
    assertEquals(UNSATISFIABLE, FileDownload.parseRange("bytes=11-", SIZE));
  }

  @Test
  @DisplayName("A closed range starting beyond the end of the file can't be satisfied (416)")
  void closedRangeBeyondEndIsUnsatisfiable() {
    assertEquals(UNSATISFIABLE, FileDownload.parseRange("bytes=100-200", SIZE));
  }

  @Test
  @DisplayName("An open range inside the file runs to its last byte")
  void openRangeRunsToEnd() {
    assertEquals(new FileDownload.Range(5, 10), FileDownload.parseRange("bytes=5-", SIZE));
  }

  @Test
  @DisplayName("A range whose last byte is before its first is malformed and ignored: the whole file is served")
  void backwardsRangeIsIgnored() {
    assertNull(FileDownload.parseRange("bytes=5-2", SIZE));
  }
}
