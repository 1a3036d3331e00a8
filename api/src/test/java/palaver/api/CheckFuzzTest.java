package palaver.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the one entry every client frame and JSON body
 * goes through. Seeds in {@code CheckFuzzTestInputs/} run as regression tests
 * in every build; {@code .ci/fuzz} fuzzes for a budget (docs/reliability.md).
 */
class CheckFuzzTest {

  @FuzzTest(maxDuration = "30s")
  @Timeout(60) // above the 30 s budget (JUnit times the whole fuzzing run); Jazzer reports an input slower than this as a hang
  @DisplayName("Any text is either a JSON object free of $-keys or an invalid error, never another exception")
  void parsedTextIsSafeOrRefused(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    JsonObject parsed;
    try {
      parsed = Check.parse(text);
    } catch (ReplyException e) {
      assertEquals(ErrorCode.INVALID, ErrorCode.of(e), e.getMessage());
      return;
    }
    assertNoOperatorKeys(parsed);
    // What validation does next with a parsed frame: typed reads refuse wrong types with invalid only.
    for (String field : parsed.fieldNames()) {
      readTyped(parsed, field);
    }
  }

  private static void readTyped(JsonObject json, String field) {
    try {
      Check.optionalString(json, field, 100);
    } catch (ReplyException e) {
      assertEquals(ErrorCode.INVALID, ErrorCode.of(e));
    }
    try {
      Check.optionalLong(json, field, 0, Long.MAX_VALUE);
    } catch (ReplyException e) {
      assertEquals(ErrorCode.INVALID, ErrorCode.of(e));
    }
    try {
      Check.optionalObject(json, field);
    } catch (ReplyException e) {
      assertEquals(ErrorCode.INVALID, ErrorCode.of(e));
    }
    try {
      Check.printable(json.getValue(field) instanceof String s ? s : null, field);
    } catch (ReplyException e) {
      assertEquals(ErrorCode.INVALID, ErrorCode.of(e));
    }
  }

  private static void assertNoOperatorKeys(Object value) {
    if (value instanceof JsonObject o) {
      for (var e : o) {
        assertFalse(e.getKey().startsWith("$"), "a $-key passed: " + e.getKey());
        assertNoOperatorKeys(e.getValue());
      }
    } else if (value instanceof JsonArray a) {
      a.forEach(CheckFuzzTest::assertNoOperatorKeys);
    }
  }
}
