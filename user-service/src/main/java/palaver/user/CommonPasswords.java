package palaver.user;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The most common breached passwords (zxcvbn's list, {@code common-passwords.txt}, attribution in
 * {@code common-passwords.NOTICE.txt}), checked without hashing, before a password reaches the
 * {@link HashingQueue}. A password is common when, lower-cased, it is on the list, or when what is
 * left of it after dropping everything but letters and digits is (so {@code Password-123} is
 * {@code password123}), also after undoing the usual letter-for-digit swaps ({@code P@ssw0rd!}) or
 * without trailing digits ({@code dragon2024}). Those derived forms are checked only when at least
 * {@link #MIN_DERIVED} characters are left, so a long random password of mostly symbols is not refused
 * for the few letters in it. Loaded once per JVM (about 43,000 entries).
 */
final class CommonPasswords {
  static final String RESOURCE = "common-passwords.txt";
  static final int MIN_DERIVED = 6;
  private static final Set<String> LIST = load();

  private CommonPasswords() {
  }

  static boolean isCommon(String password) {
    String lower = password.toLowerCase(Locale.ROOT);
    if (LIST.contains(lower)) {
      return true;
    }
    String plain = lettersAndDigits(lower);
    String base = plain.replaceAll("[0-9]+$", "");
    return listed(plain) || listed(lettersAndDigits(unleet(lower))) || listed(base) || listed(unleet(base));
  }

  /** How many entries the list has. */
  static int size() {
    return LIST.size();
  }

  private static boolean listed(String derived) {
    return derived.length() >= MIN_DERIVED && LIST.contains(derived);
  }

  private static String lettersAndDigits(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().filter(Character::isLetterOrDigit).forEach(out::appendCodePoint);
    return out.toString();
  }

  private static String unleet(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      out.append(switch (c) {
        case '@', '4' -> 'a';
        case '3' -> 'e';
        case '1' -> 'i';
        case '0' -> 'o';
        case '$', '5' -> 's';
        case '7' -> 't';
        default -> c;
      });
    }
    return out.toString();
  }

  private static Set<String> load() {
    Set<String> out = new HashSet<>(64 * 1024);
    try (InputStream in = CommonPasswords.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " missing from the user-service jar");
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.isEmpty()) {
          out.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Set.copyOf(out);
  }
}
