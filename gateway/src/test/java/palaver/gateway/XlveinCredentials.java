package palaver.gateway;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** What an xlvein app server makes, computed here independently of the gateway: tokens and signs. */
final class XlveinCredentials {
  private XlveinCredentials() {
  }

  /** An HS256 JWT {@code {sub, exp}} (exp in seconds; null for none). */
  static String token(String secret, String sub, Long exp) {
    JsonObject claims = new JsonObject().put("sub", sub);
    if (exp != null) {
      claims.put("exp", exp);
    }
    return jwt(new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims, secret);
  }

  static String jwt(JsonObject header, JsonObject claims, String secret) {
    String signed = b64(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
        + b64(claims.encode().getBytes(StandardCharsets.UTF_8));
    return signed + "." + b64(hmac(secret, signed));
  }

  static String unsigned(String sub) {
    return b64("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64(new JsonObject().put("sub", sub).encode().getBytes(StandardCharsets.UTF_8)) + ".";
  }

  static long inAnHour() {
    return System.currentTimeMillis() / 1000 + 3600;
  }

  /** upper(hex(MD5("app_key=..&message=..&nonce=..&send_to=..&key=SECRET"))). */
  static String sign(String appKey, String sendTo, String message, String nonce, String secret) {
    String text = "app_key=" + appKey + "&message=" + message + "&nonce=" + nonce + "&send_to=" + sendTo
        + "&key=" + secret;
    try {
      byte[] md5 = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md5).toUpperCase(Locale.ROOT);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A complete signed push request body. */
  static JsonObject push(String appKey, String secret, String sendTo, JsonObject message, String nonce) {
    String text = message.encode();
    return new JsonObject().put("app_key", appKey).put("send_to", sendTo).put("message", text).put("nonce", nonce)
        .put("sign", sign(appKey, sendTo, text, nonce, secret));
  }

  private static byte[] hmac(String secret, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
