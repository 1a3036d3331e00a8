package palaver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ResumePositionTest {
  private final LoadGenerator.Conn conn = new LoadGenerator.Conn(1, "t", List.of("s"), "127.0.0.1", 1, "127.0.0.1");

  @Test
  @DisplayName("The resume position follows seqs seen without a gap")
  void followsContiguousSeqs() {
    conn.lastSeq.put("s", 4L);
    conn.advance("s", 5);
    conn.advance("s", 6);
    assertEquals(6L, conn.lastSeq.get("s"));
  }

  @Test
  @DisplayName("A gap holds the resume position until it is filled, so a sync asks for the missing seq")
  void gapHoldsPosition() {
    conn.lastSeq.put("s", 4L);
    conn.advance("s", 6);
    conn.advance("s", 7);
    assertEquals(4L, conn.lastSeq.get("s"));
    conn.advance("s", 5);
    assertEquals(7L, conn.lastSeq.get("s"));
  }

  @Test
  @DisplayName("Seqs at or below the position (duplicates) don't move it")
  void duplicatesIgnored() {
    conn.lastSeq.put("s", 4L);
    conn.advance("s", 3);
    conn.advance("s", 4);
    assertEquals(4L, conn.lastSeq.get("s"));
  }
}
