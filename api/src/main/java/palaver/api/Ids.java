package palaver.api;

import java.security.SecureRandom;
import java.util.Base64;

/** Random identifiers: 128 bits, URL-safe, unguessable. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private Ids() {
  }

  public static String random() {
    return randomBytes(16);
  }

  public static String randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
  }
}
