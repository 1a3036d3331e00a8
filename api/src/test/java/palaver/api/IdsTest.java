package palaver.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Identifiers")
class IdsTest {
  @Test
  @DisplayName("Time-ordered ids made in a burst (many per millisecond) sort in the order they were made")
  void timeOrderedSortsInCreationOrder() {
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      made.add(Ids.timeOrdered());
    }
    List<String> sorted = new ArrayList<>(made);
    sorted.sort(null);
    assertEquals(made, sorted);
    assertEquals(made.size(), made.stream().distinct().count());
  }

  @Test
  @DisplayName("Time-ordered ids carry random bits after the stamp, so they are not guessable from the time alone")
  void timeOrderedHasRandomTail() {
    String a = Ids.timeOrdered();
    String b = Ids.timeOrdered();
    assertTrue(a.length() > 16);
    assertNotEquals(a.substring(16), b.substring(16));
  }
}
