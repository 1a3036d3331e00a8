package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Field;

@DisplayName("Tails: the recent messages of each session kept for sync")
class TailsTest {
  private static final String SID = "s";
  private final Tails tails = new Tails();

  @Test
  @DisplayName("A session nothing is known about can't be answered from memory")
  void unknownSession() {
    assertNull(tails.after(SID, 0, 10));
  }

  @Test
  @DisplayName("An anchored session (last seq read from the store) answers an up-to-date position with nothing")
  void anchoredIsEmpty() {
    tails.anchor(SID, 7);
    Tails.Slice slice = tails.after(SID, 7, 10);
    assertTrue(slice.messages().isEmpty());
    assertEquals(7, slice.end());
  }

  @Test
  @DisplayName("An anchored session can't answer a position before its anchor")
  void anchoredCannotAnswerOlder() {
    tails.anchor(SID, 7);
    assertNull(tails.after(SID, 6, 10));
  }

  @Test
  @DisplayName("Messages stored after the anchor are answered after a position, in order")
  void addedAreAnswered() {
    tails.anchor(SID, 0);
    addRange(1, 5);
    assertEquals(List.of(3L, 4L, 5L), seqs(tails.after(SID, 2, 10)));
  }

  @Test
  @DisplayName("A slice holds at most the limit and says more followed")
  void limitSaysMore() {
    tails.anchor(SID, 0);
    addRange(1, 5);
    Tails.Slice slice = tails.after(SID, 0, 2);
    assertEquals(List.of(1L, 2L), seqs(slice));
    assertTrue(slice.more());
  }

  @Test
  @DisplayName("A slice that holds everything after the position says no more")
  void completeSliceSaysNoMore() {
    tails.anchor(SID, 0);
    addRange(1, 5);
    assertFalse(tails.after(SID, 0, 5).more());
  }

  @Test
  @DisplayName("A tail keeps only the last CAPACITY messages, so older positions go to the store")
  void boundedTail() {
    tails.anchor(SID, 0);
    addRange(1, Tails.CAPACITY + 10);
    assertNull(tails.after(SID, 9, 1_000));
    assertEquals(Tails.CAPACITY, tails.after(SID, 10, 1_000).messages().size());
  }

  @Test
  @DisplayName("A message after a gap restarts the tail at it: what was missed is not answered from memory")
  void gapRestartsTail() {
    tails.anchor(SID, 0);
    addRange(1, 3);
    tails.add(message(6));
    assertNull(tails.after(SID, 3, 10));
    assertEquals(List.of(6L), seqs(tails.after(SID, 5, 10)));
  }

  @Test
  @DisplayName("An invalidated session is no longer answered from memory")
  void invalidated() {
    tails.anchor(SID, 0);
    addRange(1, 3);
    tails.invalidate(SID);
    assertNull(tails.after(SID, 0, 10));
  }

  @Test
  @DisplayName("A complete read from the store fills the tail, so the same sync is answered from memory next time")
  void completeReadFills() {
    tails.fill(SID, 4, messages(5, 8), true);
    assertEquals(List.of(5L, 6L, 7L, 8L), seqs(tails.after(SID, 4, 10)));
  }

  @Test
  @DisplayName("An incomplete read (more followed) teaches nothing about the head and is not kept")
  void incompleteReadIgnored() {
    tails.fill(SID, 4, messages(5, 8), false);
    assertNull(tails.after(SID, 4, 10));
  }

  @Test
  @DisplayName("A read with a gap in its seqs is not kept")
  void readWithGapIgnored() {
    List<JsonObject> page = new ArrayList<>(messages(5, 6));
    page.add(message(8));
    tails.fill(SID, 4, page, true);
    assertNull(tails.after(SID, 4, 10));
  }

  @Test
  @DisplayName("A read just before the kept tail is merged with it into one run")
  void readMergesWithTail() {
    tails.anchor(SID, 8);
    addRange(9, 10);
    tails.fill(SID, 4, messages(5, 10), true);
    assertEquals(LongStream.rangeClosed(5, 10).boxed().toList(), seqs(tails.after(SID, 4, 10)));
  }

  private void addRange(long from, long to) {
    for (long seq = from; seq <= to; seq++) {
      tails.add(message(seq));
    }
  }

  private static List<JsonObject> messages(long from, long to) {
    List<JsonObject> out = new ArrayList<>();
    for (long seq = from; seq <= to; seq++) {
      out.add(message(seq));
    }
    return out;
  }

  private static JsonObject message(long seq) {
    return new JsonObject().put(Field.SID, SID).put(Field.SEQ, seq).put(Field.CONTENT, "m" + seq);
  }

  private static List<Long> seqs(Tails.Slice slice) {
    return slice.messages().stream().map(m -> m.getLong(Field.SEQ)).toList();
  }
}
