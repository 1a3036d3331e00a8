package palaver.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Validation of outside JSON")
class CheckTest {
  private static int code(Runnable r) {
    return assertThrows(ReplyException.class, r::run).failureCode();
  }

  @Test
  @DisplayName("$-keys are refused at any depth, also inside arrays")
  void operatorKeys() {
    assertEquals(400, code(() -> Check.object(new JsonObject().put("$where", "1"))));
    assertEquals(400, code(() -> Check.object(new JsonObject().put("a",
        new JsonArray().add(new JsonObject().put("b", new JsonObject().put("$gt", 1)))))));
  }

  @Test
  @DisplayName("Objects where strings belong are refused, naming the field")
  void wrongTypes() {
    ReplyException e = assertThrows(ReplyException.class,
        () -> Check.string(new JsonObject().put("login", new JsonObject()), "login", 1, 10));
    assertEquals(400, e.failureCode());
    assertEquals("login must be a string", e.getMessage());
    assertEquals(400, code(() -> Check.longValue(new JsonObject().put("seq", "1"), "seq", 0, 10)));
  }

  @Test
  @DisplayName("Lengths and ranges are enforced")
  void bounds() {
    assertEquals(400, code(() -> Check.string(new JsonObject().put("n", "x".repeat(11)), "n", 1, 10)));
    assertEquals(400, code(() -> Check.string(new JsonObject(), "n", 1, 10)));
    assertEquals(400, code(() -> Check.longValue(new JsonObject().put("seq", -1), "seq", 0, 10)));
  }

  @Test
  @DisplayName("Malformed JSON text is invalid, not a crash")
  void malformed() {
    assertEquals(400, code(() -> Check.parse("{")));
    assertEquals(400, code(() -> Check.parse("[1,2]")));
  }

  @Test
  @DisplayName("Bus failures map to their codes; timeouts to unavailable")
  void errorCodes() {
    assertEquals(ErrorCode.FORBIDDEN, ErrorCode.of(ErrorCode.FORBIDDEN.exception("x")));
    assertEquals(ErrorCode.UNAVAILABLE, ErrorCode.of(new ReplyException(io.vertx.core.eventbus.ReplyFailure.TIMEOUT, "t")));
    assertEquals(ErrorCode.INTERNAL, ErrorCode.of(new IllegalStateException("boom")));
    assertEquals(ErrorCode.UNAVAILABLE, ErrorCode.of(new com.mongodb.MongoTimeoutException("store down")));
    assertEquals("internal error", ErrorCode.publicMessage(new IllegalStateException("secret detail")));
  }

  @Test
  @DisplayName("Printable text refuses NUL, newlines, other control characters and bidi controls, naming the field")
  void printableRefusesHiddenCharacters() {
    for (String bad : new String[] {"a\u0000b", "a\nb", "a\rb", "a\u0007b", "a\u202Eb", "a\u2066b", "a\u200Fb"}) {
      ReplyException e = assertThrows(ReplyException.class, () -> Check.printable(bad, "nickname"));
      assertEquals(400, e.failureCode());
      assertEquals("nickname must not contain control characters", e.getMessage());
    }
  }

  @Test
  @DisplayName("Printable text lets letters of any script, spaces and emoji through unchanged")
  void printableKeepsOrdinaryText() {
    assertEquals("Zoë 李 \uD83D\uDE00 ok", Check.printable("Zoë 李 \uD83D\uDE00 ok", "nickname"));
  }
}
