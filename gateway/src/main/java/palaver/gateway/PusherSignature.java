package palaver.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import palaver.runtime.Signatures;

/**
 * Pusher's HTTP API request signature: HMAC-SHA256 hex, keyed with the app
 * secret, of {@code METHOD\n/path\nquery}, where the query is every parameter
 * but {@code auth_signature}, keys lower-cased, sorted by key, joined as
 * {@code k=v&k=v} with the values as decoded (not URL-escaped).
 */
final class PusherSignature {
  static final String SIGNATURE = "auth_signature";

  private PusherSignature() {
  }

  /** The text Pusher signs; {@code params} as (name, decoded value) pairs, in any order. */
  static String stringToSign(String method, String path, List<Map.Entry<String, String>> params) {
    List<Map.Entry<String, String>> sorted = new ArrayList<>();
    for (Map.Entry<String, String> p : params) {
      String key = p.getKey().toLowerCase(Locale.ROOT);
      if (!key.equals(SIGNATURE)) {
        sorted.add(Map.entry(key, p.getValue()));
      }
    }
    // by key, then value: a repeated key (channels[]) signs the same whatever order it was sent in
    sorted.sort(Map.Entry.<String, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
    StringBuilder query = new StringBuilder();
    for (Map.Entry<String, String> p : sorted) {
      if (query.length() > 0) {
        query.append('&');
      }
      query.append(p.getKey()).append('=').append(p.getValue());
    }
    return method.toUpperCase(Locale.ROOT) + "\n" + path + "\n" + query;
  }

  static String sign(String secret, String method, String path, List<Map.Entry<String, String>> params) {
    return Signatures.hmacSha256Hex(secret, stringToSign(method, path, params));
  }
}
