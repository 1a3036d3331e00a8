package palaver.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.CloseCode;
import palaver.runtime.App;
import palaver.runtime.Apps;

/**
 * xlvein's WebSocket endpoint, {@code GET /ws/connect?app_id=KEY&token=JWT}:
 * the upgrade is refused with 401 for an unknown app or a bad token (see
 * {@link XlveinToken}), 403 for an origin the app does not allow, 503 when
 * the app is at its {@code maxConnections} on this gateway. Each accepted
 * socket is an {@link XlveinConnection}; this class pings them all every
 * {@code wsPingIntervalMs} and closes (4408) those silent for longer than
 * {@code wsIdleTimeoutMs}. Neither the token nor the query string is logged.
 */
final class XlveinEndpoint implements SocketProtocol {
  private static final Logger LOG = LoggerFactory.getLogger(XlveinEndpoint.class);
  static final String PATH = "/ws/connect";

  /** Who an upgrade is for, or the HTTP status refusing it and why (reason: a metric label). */
  record Admission(App app, String account, int refusal, String reason, String why) {
    static Admission refused(App app, int status, String reason, String why) {
      return new Admission(app, null, status, reason, why);
    }
  }

  private final GatewayVerticle gateway;
  private final Apps apps;
  private final Set<XlveinConnection> sockets = new HashSet<>();
  private final Map<String, Integer> perApp = new HashMap<>();
  private final long timer;

  XlveinEndpoint(GatewayVerticle gateway, Apps apps) {
    this.gateway = gateway;
    this.apps = apps;
    this.timer = gateway.vertx().setPeriodic(gateway.limits().pingIntervalMs(), id -> heartbeat());
  }

  @Override
  public boolean serves(String path) {
    return PATH.equals(path);
  }

  @Override
  public void handshake(ServerWebSocketHandshake handshake) {
    Admission admission = admit(handshake.query(), handshake.headers());
    if (admission.refusal() != 0) {
      LOG.debug("xlvein upgrade refused ({}): {}", admission.refusal(), admission.why());
      XlveinMetrics.refused(admission.app() == null ? null : admission.app().id(), admission.reason());
      handshake.reject(admission.refusal());
    } else {
      handshake.accept();
    }
  }

  @Override
  public void connect(ServerWebSocket ws) {
    // Checked again: the socket, not the handshake, is what we keep (and the token may expire in between).
    Admission admission = admit(ws.query(), ws.headers());
    if (admission.refusal() != 0) {
      ws.close(CloseCode.UNAUTHENTICATED.code(), admission.why());
      return;
    }
    XlveinConnection c = new XlveinConnection(gateway, this, admission.app(), admission.account(), ws);
    sockets.add(c);
    perApp.merge(admission.app().id(), 1, Integer::sum);
    XlveinMetrics.connected(admission.app().id());
    c.start();
  }

  void closed(XlveinConnection c) {
    if (sockets.remove(c)) {
      perApp.computeIfPresent(c.app().id(), (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  @Override
  public void closeAll() {
    gateway.vertx().cancelTimer(timer);
    for (XlveinConnection c : new ArrayList<>(sockets)) {
      c.close(CloseCode.GOING_AWAY, "server shutting down");
    }
    sockets.clear();
    perApp.clear();
  }

  private void heartbeat() {
    long now = System.currentTimeMillis();
    for (XlveinConnection c : new ArrayList<>(sockets)) {
      c.heartbeat(now, gateway.limits().idleTimeoutMs());
    }
  }

  /** Validation of an upgrade: the app, its origins and capacity, the token. */
  Admission admit(String query, MultiMap headers) {
    Map<String, String> params = params(query);
    App app = params.get("app_id") == null ? null : apps.byKey(params.get("app_id"));
    if (app == null) {
      return Admission.refused(null, 401, "unknown_app", "unknown app");
    }
    if (!originAllowed(app, headers.get("Origin"))) {
      return Admission.refused(app, 403, "origin", "origin not allowed");
    }
    if (app.maxConnections() >= 0 && perApp.getOrDefault(app.id(), 0) >= app.maxConnections()) {
      return Admission.refused(app, 503, "over_quota", "app over its connection quota");
    }
    try {
      String account = XlveinToken.account(params.get("token"), app, System.currentTimeMillis() / 1000);
      return new Admission(app, account, 0, null, null);
    } catch (XlveinToken.Refused e) {
      return Admission.refused(app, 401, "token", e.getMessage());
    }
  }

  /** No list (or {@code *}) allows every origin; a client without an Origin header is no browser page. */
  private static boolean originAllowed(App app, String origin) {
    Set<String> allowed = app.allowedOrigins();
    return origin == null || allowed.isEmpty() || allowed.contains("*") || allowed.contains(origin);
  }

  static Map<String, String> params(String query) {
    Map<String, String> params = new HashMap<>();
    if (query == null) {
      return params;
    }
    for (String part : query.split("&")) {
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      String value = eq < 0 ? "" : part.substring(eq + 1);
      try {
        params.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // A broken escape: the parameter is left out (so a bad token is refused as missing).
      }
    }
    return params;
  }
}
