package palaver.message;

import io.vertx.core.json.JsonObject;
import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import palaver.api.Field;
import palaver.api.PushNames;

/**
 * The words of a text as search sees them: runs of Unicode letters and digits
 * (everything else separates), NFKC-normalised and lower-cased, each cut to
 * {@value #MAX_TERM} characters. Messages are indexed and queries split by this
 * one rule, so a query word matches exactly the words it was indexed as. No
 * character of a query means anything: {@code .*}, {@code (} or {@code $where}
 * are separators and letters, never a pattern or an operator.
 */
final class SearchTerms {
  /** Longer words are cut to this length (in the index and in queries alike). */
  static final int MAX_TERM = 32;
  /** Distinct words indexed per message; the rest of a very long text is not searchable. */
  static final int MAX_INDEXED = 256;
  /** The message types whose text (or file name) is searchable; notices, change events and pushes are not. */
  private static final Set<String> SEARCHABLE = Set.of("text", "image", "file", "voice");

  private SearchTerms() {
  }

  /** The distinct words of {@code text} in order of appearance, at most {@code max}. */
  static Set<String> of(String text, int max) {
    Set<String> terms = new LinkedHashSet<>();
    if (text == null || text.isEmpty()) {
      return terms;
    }
    String normal = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < normal.length() && terms.size() < max; ) {
      int c = normal.codePointAt(i);
      i += Character.charCount(c);
      if (Character.isLetterOrDigit(c)) {
        word.appendCodePoint(c);
      } else {
        add(terms, word);
      }
    }
    if (terms.size() < max) {
      add(terms, word);
    }
    return terms;
  }

  private static void add(Set<String> terms, StringBuilder word) {
    if (word.length() > 0) {
      int end = word.offsetByCodePoints(0, Math.min(MAX_TERM, word.codePointCount(0, word.length())));
      terms.add(word.substring(0, end));
      word.setLength(0);
    }
  }

  /** Whether a stored message is searchable at all: a member's live message of a chat session. */
  static boolean searchable(JsonObject message) {
    return message != null && SEARCHABLE.contains(message.getString(Field.MSG_TYPE))
        && !message.getBoolean(Field.DELETED, false) && !PushNames.isInbox(message.getString(Field.SID, ""));
  }

  /** The words a stored message is found by: its text and its file's name; none when not searchable. */
  static Set<String> ofMessage(JsonObject message) {
    if (!searchable(message)) {
      return Set.of();
    }
    StringBuilder text = new StringBuilder();
    if (message.getValue(Field.CONTENT) instanceof String content) {
      text.append(content);
    }
    if (message.getValue(Field.FILE) instanceof JsonObject file && file.getValue(Field.NAME) instanceof String name) {
      text.append(' ').append(name);
    }
    return of(text.toString(), MAX_INDEXED);
  }
}
