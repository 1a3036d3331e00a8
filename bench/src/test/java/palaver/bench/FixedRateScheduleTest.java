package palaver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FixedRateScheduleTest {
  private static final long START = 1_000_000_000L;

  @Test
  @DisplayName("Send i is intended at start + i / rate, independent of when earlier sends left")
  void intendedTimesAreEvenlySpaced() {
    FixedRateSchedule s = new FixedRateSchedule(START, 1_000, 10);
    assertEquals(START, s.intendedNanos(0));
    assertEquals(START + 1_000_000, s.intendedNanos(1));
    assertEquals(START + 9_000_000, s.intendedNanos(9));
    assertEquals(START + 9_000_000, s.endNanos());
  }

  @Test
  @DisplayName("Nothing is due before the start; the first send is due exactly at it")
  void nothingDueBeforeStart() {
    FixedRateSchedule s = new FixedRateSchedule(START, 1_000, 10);
    assertEquals(0, s.dueBy(START - 1));
    assertEquals(1, s.dueBy(START));
  }

  @Test
  @DisplayName("A generator that stalls finds every missed send due at once (open schedule, no coordinated omission)")
  void stalledGeneratorCatchesUp() {
    FixedRateSchedule s = new FixedRateSchedule(START, 1_000, 100);
    assertEquals(2, s.dueBy(START + 1_999_999));
    assertEquals(3, s.dueBy(START + 2_000_000));
    assertEquals(51, s.dueBy(START + 50_000_000));
  }

  @Test
  @DisplayName("The count of due sends never exceeds the total")
  void dueIsCappedAtTotal() {
    FixedRateSchedule s = FixedRateSchedule.forDuration(START, 300, 2);
    assertEquals(600, s.total());
    assertEquals(600, s.dueBy(START + 60_000_000_000L));
  }

  @Test
  @DisplayName("Fractional rates keep intended times and due counts consistent at every boundary")
  void fractionalRatesAgree() {
    FixedRateSchedule s = new FixedRateSchedule(START, 333.3, 1_000);
    for (long i = 0; i < 1_000; i++) {
      assertEquals(i + 1, s.dueBy(s.intendedNanos(i)), "at the intended time of send " + i);
      if (i > 0) {
        assertEquals(i, s.dueBy(s.intendedNanos(i) - 1), "just before send " + i);
      }
    }
  }

  @Test
  @DisplayName("A rate of zero is refused")
  void zeroRateRefused() {
    assertThrows(IllegalArgumentException.class, () -> new FixedRateSchedule(START, 0, 1));
  }
}
