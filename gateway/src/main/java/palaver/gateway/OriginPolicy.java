package palaver.gateway;

import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which browser origins may open a WebSocket: the gateway's own origin (same
 * host and port as the request's Host) and the configured extra origins.
 * Requests without an Origin header come from non-browser clients and are
 * allowed: Origin protects browsers' cookies and tokens, not the server.
 */
final class OriginPolicy {
  private final Set<String> extra = new HashSet<>();

  OriginPolicy(String allowed) {
    for (String origin : allowed.split(",")) {
      if (!origin.isBlank()) {
        extra.add(origin.trim().toLowerCase(Locale.ROOT));
      }
    }
  }

  boolean allows(String origin, HostAndPort authority) {
    if (origin == null) {
      return true;
    }
    String normalized = origin.trim().toLowerCase(Locale.ROOT);
    if (extra.contains(normalized) || extra.contains("*")) {
      return true;
    }
    if (authority == null) {
      return false;
    }
    try {
      URI uri = URI.create(normalized);
      if (uri.getHost() == null) {
        return false;
      }
      int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
      int hostPort = authority.port() > 0 ? authority.port() : port;
      return uri.getHost().equalsIgnoreCase(authority.host()) && port == hostPort;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
