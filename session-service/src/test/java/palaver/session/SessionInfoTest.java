package palaver.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Field;

@DisplayName("What clients see of a session, and what they may write into one")
class SessionInfoTest {
  private static final JsonObject PAIR = SessionStore.newPrivate("ann", "bob", 5);
  private static final JsonObject GROUP = SessionStore.newGroup("g1", "Chess", null, "public", "ann", 7);

  private static JsonObject named(Object name) {
    return new JsonObject().put(Field.NAME, name);
  }

  @Test
  @DisplayName("A session's info has its id as sid and its fields, but not the stored pair")
  void of() {
    JsonObject info = SessionInfo.of(PAIR);
    assertEquals(PAIR.getString("_id"), info.getString(Field.SID));
    assertEquals("private", info.getString(Field.TYPE));
    assertEquals(5L, info.getLong(SessionStore.CREATED_AT));
    assertFalse(info.containsKey(SessionStore.PAIR));
  }

  @Test
  @DisplayName("A member of a private session is shown the other user as peer")
  void peerForMember() {
    assertEquals("ann", SessionInfo.forMember(PAIR, "bob").getJsonObject(Field.PEER).getString(Field.UID));
  }

  @Test
  @DisplayName("A group has no peer")
  void noPeerInGroup() {
    assertNull(SessionInfo.forMember(GROUP, "ann").getJsonObject(Field.PEER));
  }

  @Test
  @DisplayName("A group name is trimmed")
  void nameTrimmed() {
    assertEquals("Chess club", SessionInfo.name(named("  Chess club ")));
  }

  @Test
  @DisplayName("A blank group name is refused")
  void blankName() {
    assertEquals(400, assertThrows(ReplyException.class, () -> SessionInfo.name(named("  "))).failureCode());
  }

  @Test
  @DisplayName("A group name with control characters is refused")
  void controlCharacters() {
    assertEquals(400, assertThrows(ReplyException.class, () -> SessionInfo.name(named("a\nb"))).failureCode());
  }

  @Test
  @DisplayName("A group name with a right-to-left override or NUL is refused")
  void bidiAndNul() {
    assertEquals(400, assertThrows(ReplyException.class, () -> SessionInfo.name(named("team\u202Etxt.exe"))).failureCode());
    assertEquals(400, assertThrows(ReplyException.class, () -> SessionInfo.name(named("a\u0000b"))).failureCode());
  }

  @Test
  @DisplayName("A literal pattern matches the text itself, regular-expression characters included")
  void literalMatchesItself() {
    String text = "a.b*(c)[d]+?^$|\\";
    assertTrue(Pattern.compile(SessionInfo.literalPattern(text)).matcher("x " + text + " y").find());
  }

  @Test
  @DisplayName("A literal pattern does not match what its text would match as a regular expression")
  void literalIsNotARegex() {
    assertFalse(Pattern.compile(SessionInfo.literalPattern("a.c")).matcher("abc").find());
  }
}
