package palaver.gateway;

import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which browser origins may open a WebSocket: the gateway's own origin (the
 * request's own scheme, host and port, with the scheme's default port when
 * Host has none) and the configured extra origins, each compared as a full
 * origin (scheme, host and port). Requests without an Origin header come from
 * non-browser clients and are allowed: Origin protects browsers' cookies and
 * tokens, not the server.
 */
final class OriginPolicy {
  private final Set<String> extra = new HashSet<>();
  private final boolean any;

  OriginPolicy(String allowed) {
    boolean star = false;
    for (String origin : allowed.split(",")) {
      if (origin.isBlank()) {
        continue;
      }
      String trimmed = origin.trim().toLowerCase(Locale.ROOT);
      star |= trimmed.equals("*");
      String normalized = normalize(trimmed);
      extra.add(normalized != null ? normalized : trimmed);
    }
    this.any = star;
  }

  /** {@code scheme}: the request's own, {@code http} or {@code https} (as the client reached us). */
  boolean allows(String origin, String scheme, HostAndPort authority) {
    if (origin == null || any) {
      return true;
    }
    String normalized = normalize(origin.trim().toLowerCase(Locale.ROOT));
    if (normalized == null) {
      return false;
    }
    if (extra.contains(normalized)) {
      return true;
    }
    if (authority == null || scheme == null) {
      return false;
    }
    String own = httpScheme(scheme.toLowerCase(Locale.ROOT));
    int ownPort = authority.port() > 0 ? authority.port() : defaultPort(own);
    return normalized.equals(own + "://" + authority.host().toLowerCase(Locale.ROOT) + ":" + ownPort);
  }

  /** {@code scheme://host:port} with the default port spelled out, or null when not an origin with a host. */
  private static String normalize(String origin) {
    try {
      URI uri = URI.create(origin);
      if (uri.getHost() == null || uri.getScheme() == null) {
        return null;
      }
      String scheme = uri.getScheme();
      int port = uri.getPort() != -1 ? uri.getPort() : defaultPort(scheme);
      return scheme + "://" + uri.getHost() + ":" + port;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String httpScheme(String scheme) {
    return switch (scheme) {
      case "ws" -> "http";
      case "wss" -> "https";
      default -> scheme;
    };
  }

  private static int defaultPort(String scheme) {
    return "https".equals(scheme) || "wss".equals(scheme) ? 443 : 80;
  }
}
