package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the EXIF orientation reader, which sees the head of every JPEG
 * upload: any bytes give an orientation in 1..8 without throwing, and the
 * reader never looks past the length it is given.
 */
class ExifOrientationFuzzTest {

  @FuzzTest(maxDuration = "30s")
  @Timeout(60) // above the 30 s budget (JUnit times the whole fuzzing run); Jazzer reports an input slower than this as a hang
  @DisplayName("Any JPEG head gives an orientation in 1..8, read from within its length only")
  void orientationIsInRangeAndBounded(byte[] input) {
    int orientation = ExifOrientation.of(input, input.length);
    assertTrue(orientation >= 1 && orientation <= 8, "orientation " + orientation);
    // The same bytes followed by more (here: themselves again) read the same when the length says where they end.
    byte[] longer = new byte[2 * input.length];
    System.arraycopy(input, 0, longer, 0, input.length);
    System.arraycopy(input, 0, longer, input.length, input.length);
    assertEquals(orientation, ExifOrientation.of(longer, input.length));
  }
}
