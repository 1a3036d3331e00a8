package palaver.gateway;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import palaver.runtime.App;
import palaver.runtime.Signatures;

/**
 * xlvein's connect token: a JWT signed HS256 with the app's secret whose
 * {@code sub} is the app's account. The algorithm is pinned (a header saying
 * {@code none} or anything but HS256 is refused, whatever the signature),
 * the signature is compared in constant time, {@code exp} and {@code nbf}
 * (seconds) are honoured. The token itself is never logged or echoed.
 */
final class XlveinToken {
  /** Longest token accepted (xlvein's are about 200 characters). */
  static final int MAX_LENGTH = 4096;
  static final int MAX_ACCOUNT = 200;

  /** A refused token; the message says why without quoting the token. */
  static final class Refused extends Exception {
    Refused(String why) {
      super(why, null, false, false);
    }
  }

  private XlveinToken() {
  }

  /** The account ({@code sub}) the token names for {@code app}, checked at {@code nowSeconds}. */
  static String account(String token, App app, long nowSeconds) throws Refused {
    if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
      throw new Refused("token missing or too long");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new Refused("token is not a JWT");
    }
    JsonObject header = json(parts[0]);
    if (!"HS256".equals(header.getValue("alg"))) {
      throw new Refused("token algorithm must be HS256");
    }
    String expected = Signatures.hmacSha256Hex(app.secret(), parts[0] + "." + parts[1]);
    if (!Signatures.matches(expected, HexFormat.of().formatHex(bytes(parts[2])))) {
      throw new Refused("token signature invalid");
    }
    JsonObject claims = json(parts[1]);
    if (!(claims.getValue("sub") instanceof String sub) || sub.isEmpty() || sub.length() > MAX_ACCOUNT) {
      throw new Refused("token sub must name the account");
    }
    if (claims.containsKey("exp") && !(claims.getValue("exp") instanceof Number exp && exp.longValue() > nowSeconds)) {
      throw new Refused("token expired");
    }
    if (claims.containsKey("nbf") && !(claims.getValue("nbf") instanceof Number nbf && nbf.longValue() <= nowSeconds)) {
      throw new Refused("token not valid yet");
    }
    return sub;
  }

  private static byte[] bytes(String part) throws Refused {
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw new Refused("token is not base64url");
    }
  }

  private static JsonObject json(String part) throws Refused {
    try {
      return new JsonObject(new String(bytes(part), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new Refused("token part is not a JSON object");
    }
  }
}
