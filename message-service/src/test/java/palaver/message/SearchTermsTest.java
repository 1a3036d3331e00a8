package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Field;

@DisplayName("SearchTerms: how texts and queries are split into words")
class SearchTermsTest {

  @Test
  @DisplayName("Words are runs of Unicode letters and digits, lower-cased, each once, in order")
  void lettersAndDigits() {
    assertEquals(List.of("grüße", "an", "world", "42x", "日本語"),
        List.copyOf(SearchTerms.of("Grüße, an WORLD!  42x ... 日本語 an", 100)));
  }

  @Test
  @DisplayName("Compatibility forms are folded (full-width letters search as ASCII ones)")
  void nfkc() {
    assertEquals(Set.of("abc"), SearchTerms.of("ＡＢＣ", 10));
  }

  @Test
  @DisplayName("Regex and query operators are separators, never patterns: .* and ( have no words, $where is the word where")
  void metacharacters() {
    assertTrue(SearchTerms.of(".*", 10).isEmpty());
    assertTrue(SearchTerms.of("(", 10).isEmpty());
    assertTrue(SearchTerms.of("^$|[]\\+?{}", 10).isEmpty());
    assertEquals(Set.of("where"), SearchTerms.of("$where", 10));
    assertEquals(List.of("ne", "1"), List.copyOf(SearchTerms.of("{\"$ne\":1}", 10)));
  }

  @Test
  @DisplayName("A word longer than the limit is cut, the same way in the index and in a query")
  void longWordsCut() {
    String word = "a".repeat(100);
    assertEquals(Set.of("a".repeat(SearchTerms.MAX_TERM)), SearchTerms.of(word, 10));
  }

  @Test
  @DisplayName("A file's name is searchable; notices, change events and tombstones are not")
  void whatIsSearchable() {
    JsonObject file = new JsonObject().put(Field.SID, "s").put(Field.MSG_TYPE, "file").put(Field.CONTENT, "")
        .put(Field.FILE, new JsonObject().put(Field.NAME, "Report-2024.pdf"));
    assertEquals(Set.of("report", "2024", "pdf"), SearchTerms.ofMessage(file));
    assertTrue(SearchTerms.ofMessage(new JsonObject().put(Field.SID, "s").put(Field.MSG_TYPE, "edit")
        .put(Field.CONTENT, "words")).isEmpty());
    assertTrue(SearchTerms.ofMessage(new JsonObject().put(Field.SID, "s").put(Field.MSG_TYPE, "text")
        .put(Field.CONTENT, "words").put(Field.DELETED, true)).isEmpty());
  }
}
