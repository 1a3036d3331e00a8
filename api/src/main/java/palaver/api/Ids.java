package palaver.api;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/** Identifiers: random ones (128 bits, URL-safe, unguessable), and ones that also sort by creation time. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  /** The last time-ordered stamp handed out: milliseconds shifted left 12 bits, plus a counter within the ms. */
  private static final AtomicLong LAST_STAMP = new AtomicLong();

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

  /**
   * An id that sorts, as a string, in the order this process created them
   * (also within one millisecond), followed by 64 random bits so ids of
   * different processes never collide. For lists shown newest first, where
   * two entries of the same millisecond must still keep their order.
   */
  public static String timeOrdered() {
    long now = System.currentTimeMillis() << 12;
    long stamp = LAST_STAMP.updateAndGet(last -> Math.max(last + 1, now));
    return String.format("%016x", stamp) + randomBytes(8);
  }
}
