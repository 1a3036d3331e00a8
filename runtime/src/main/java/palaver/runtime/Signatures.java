package palaver.runtime;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The digests the push protocols sign with: Pusher's HMAC-SHA256 and body MD5,
 * xlvein's MD5 sign. Every comparison of a signature goes through
 * {@link #matches} (constant time), never {@code equals}.
 */
public final class Signatures {
  private Signatures() {
  }

  /** Lower-case hex of HMAC-SHA256(secret, text), both UTF-8. */
  public static String hmacSha256Hex(String secret, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** Lower-case hex of MD5(bytes). */
  public static String md5Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("MD5 is part of every JDK", e);
    }
  }

  public static String md5Hex(String text) {
    return md5Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Constant-time comparison (in the length of the expected value); false for null. */
  public static boolean matches(String expected, String given) {
    if (expected == null || given == null) {
      return false;
    }
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}
