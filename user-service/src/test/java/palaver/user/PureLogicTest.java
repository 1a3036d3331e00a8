package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The small pure functions of user-service: search escaping and what presence others see. */
class PureLogicTest {
  @Test
  @DisplayName("Search text is escaped so every ASCII symbol matches only itself")
  void literalEscapesSymbols() {
    assertEquals("a\\.b\\*\\(c\\)", UserVerticle.literal("a.b*(c)"));
  }

  @Test
  @DisplayName("Escaped search text keeps letters, digits and non-ASCII characters as they are")
  void literalKeepsLettersDigitsAndNonAscii() {
    assertEquals("abc123éß", UserVerticle.literal("abc123éß"));
  }

  @Test
  @DisplayName("Escaped search text used as a regex matches the text literally and nothing else")
  void literalMatchesLiterally() {
    Pattern p = Pattern.compile("^" + UserVerticle.literal("a.+[x]"));
    assertTrue(p.matcher("a.+[x]yz").find());
    assertTrue(!p.matcher("abbbx").find());
  }

  @Test
  @DisplayName("A connected user shows the state they chose")
  void liveShowsChoice() {
    assertEquals("busy", Presence.shownAs("busy", true));
  }

  @Test
  @DisplayName("A connected user who never chose a state shows as online")
  void liveWithoutChoiceIsOnline() {
    assertEquals("online", Presence.shownAs(null, true));
  }

  @Test
  @DisplayName("An invisible user shows as offline even while connected")
  void invisibleIsOffline() {
    assertEquals(Presence.OFFLINE, Presence.shownAs(Presence.INVISIBLE, true));
  }

  @Test
  @DisplayName("A user with no connection shows as offline whatever they chose")
  void notLiveIsOffline() {
    assertEquals(Presence.OFFLINE, Presence.shownAs("away", false));
  }
}
