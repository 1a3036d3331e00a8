package palaver.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import palaver.runtime.App;
import palaver.runtime.Apps;

/**
 * Pusher Channels' WebSocket endpoint {@code /app/{key}?protocol=..&client=..&version=..}:
 * checks each new socket (app key, protocol version, Origin, the app's
 * connection limit on this gateway), refusing as the protocol says
 * ({@code pusher:error}, then the same close code), and runs what spans the
 * sockets: ids, the idle pings, the channel report's heartbeat, the stop.
 * One socket's protocol is {@link PusherConnection}.
 */
final class PusherEndpoint implements SocketProtocol {
  static final String PATH_PREFIX = "/app/";
  /** The activity_timeout announced to clients, in seconds (Pusher's own value). */
  static final int ACTIVITY_TIMEOUT_SECONDS = 120;
  /** Protocol versions whose frames are what this endpoint speaks (pusher-java-client uses 5, pusher-js 7). */
  static final int MIN_PROTOCOL = 4;
  static final int MAX_PROTOCOL = 7;

  static final int APP_NOT_FOUND = 4001;
  static final int UNSUPPORTED_PROTOCOL = 4007;
  static final int NO_PROTOCOL = 4008;
  static final int UNAUTHORIZED = 4009;
  static final int OVER_CAPACITY = 4100;
  static final int RECONNECT = 4200;
  static final int PONG_TIMEOUT = 4201;
  static final int CLIENT_EVENT_RATE = 4301;

  private final GatewayVerticle gateway;
  private final Apps apps;
  private final SecureRandom random = new SecureRandom();
  private final Set<PusherConnection> connections = new LinkedHashSet<>();
  private final PusherMetrics metrics = new PusherMetrics();
  private final ChannelReport report;
  private final long pingTimer;
  private final long reportTimer;
  private boolean stopping;
  private JsonObject lastBody;
  private String lastFrame;

  /** Built by the gateway's start, on its context: the timers run on the gateway's event loop. */
  PusherEndpoint(GatewayVerticle gateway, Apps apps) {
    this.gateway = gateway;
    this.apps = apps;
    this.report = new ChannelReport(gateway.vertx(), UUID.randomUUID().toString());
    this.pingTimer = gateway.vertx().setPeriodic(gateway.limits().pingIntervalMs(), id -> heartbeat());
    this.reportTimer = gateway.vertx().setPeriodic(ChannelReport.HEARTBEAT_MS, id -> reportSnapshot());
  }

  @Override
  public boolean serves(String path) {
    return path != null && path.startsWith(PATH_PREFIX) && path.length() > PATH_PREFIX.length();
  }

  /** Always accepted: Pusher refuses with a {@code pusher:error} and a close code the client acts on, not an HTTP status. */
  @Override
  public void handshake(ServerWebSocketHandshake handshake) {
    handshake.accept();
  }

  @Override
  public void connect(ServerWebSocket ws) {
    if (stopping) {
      refuse(ws, RECONNECT, "Server is stopping, reconnect");
      return;
    }
    String key = ws.path().substring(PATH_PREFIX.length());
    App app = apps.byKey(key);
    if (app == null) {
      metrics.refused(PusherMetrics.UNKNOWN_APP, PusherMetrics.Refusal.UNKNOWN_APP);
      refuse(ws, APP_NOT_FOUND, "App key " + printable(key) + " not in this cluster");
      return;
    }
    Integer protocolError = protocolError(ws.query());
    if (protocolError != null) {
      metrics.refused(app.id(), PusherMetrics.Refusal.PROTOCOL);
      refuse(ws, protocolError, protocolError == NO_PROTOCOL ? "No protocol version supplied"
          : "Unsupported protocol version");
      return;
    }
    if (!originAllowed(app, ws.headers())) {
      metrics.refused(app.id(), PusherMetrics.Refusal.ORIGIN);
      refuse(ws, UNAUTHORIZED, "Origin not allowed");
      return;
    }
    if (app.maxConnections() >= 0 && metrics.connections(app.id()) >= app.maxConnections()) {
      metrics.refused(app.id(), PusherMetrics.Refusal.CAPACITY);
      refuse(ws, OVER_CAPACITY, "Over capacity");
      return;
    }
    PusherConnection connection = new PusherConnection(this, app, ws, socketId());
    connections.add(connection);
    metrics.connected(app.id());
    connection.start();
  }

  /** A socket of ours ended (any side): its slot is free again. */
  void closed(PusherConnection connection) {
    if (connections.remove(connection)) {
      metrics.disconnected(connection.app().id());
    }
  }

  /** Every socket closes with 4200 (pusher-js and pusher-java-client reconnect at once, to another node). */
  @Override
  public void closeAll() {
    stopping = true;
    cancelTimers();
    for (PusherConnection c : new ArrayList<>(connections)) {
      c.close(RECONNECT, "Server is stopping, reconnect");
    }
    connections.clear();
    report.gone();
  }

  GatewayVerticle gateway() {
    return gateway;
  }

  PusherMetrics metrics() {
    return metrics;
  }

  void reportJoined(String channel, PusherConnection c, ChannelReport.Member member) {
    report.joined(c.app().id(), channel, c.socketId(), member);
  }

  /** A stopping gateway says {@code gone} once instead of one leave per socket and channel. */
  void reportLeft(String channel, PusherConnection c) {
    if (!stopping) {
      report.left(c.app().id(), channel, c.socketId());
    }
  }

  /**
   * The frame for a fan-out body, encoded once for all the sockets it reaches: the hub hands the same body to each
   * listener in turn on this event loop, so the last one is remembered by identity.
   */
  String channelFrame(JsonObject body) {
    if (body != lastBody) {
      lastBody = body;
      lastFrame = PusherFrames.channelEvent(body);
    }
    return lastFrame;
  }

  /** {@code <digits>.<digits>} from a secure random source: what Pusher's signatures and server SDKs expect. */
  private String socketId() {
    return Math.floorMod(random.nextLong(), 10_000_000_000L) + "." + Math.floorMod(random.nextLong(), 10_000_000_000L);
  }

  private void cancelTimers() {
    gateway.vertx().cancelTimer(pingTimer);
    gateway.vertx().cancelTimer(reportTimer);
  }

  private void heartbeat() {
    long now = System.currentTimeMillis();
    for (PusherConnection c : new ArrayList<>(connections)) {
      c.heartbeat(now, gateway.limits().idleTimeoutMs(), gateway.limits().pingIntervalMs());
    }
  }

  private void reportSnapshot() {
    JsonArray sockets = new JsonArray();
    for (PusherConnection c : connections) {
      c.snapshot(sockets);
    }
    report.heartbeat(sockets);
  }

  /** The first {@code protocol} query parameter: absent → 4008, not an integer of a version we speak → 4007. */
  static Integer protocolError(String query) {
    String value = queryParam(query, "protocol");
    if (value == null) {
      return NO_PROTOCOL;
    }
    try {
      int version = Integer.parseInt(value);
      return version >= MIN_PROTOCOL && version <= MAX_PROTOCOL ? null : UNSUPPORTED_PROTOCOL;
    } catch (NumberFormatException e) {
      return UNSUPPORTED_PROTOCOL;
    }
  }

  private static String queryParam(String query, String name) {
    if (query == null) {
      return null;
    }
    for (String part : query.split("&")) {
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      if (k.equals(name)) {
        return eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** No Origin: not a browser, allowed. Otherwise the app's list decides, when it has one. */
  private static boolean originAllowed(App app, MultiMap headers) {
    String origin = headers.get("Origin");
    return origin == null || app.allowedOrigins().isEmpty() || app.allowedOrigins().contains("*")
        || app.allowedOrigins().contains(origin);
  }

  /** The protocol's refusal: the error first (protocol 5 clients read it), then the close code (6 and up act on it). */
  private static void refuse(ServerWebSocket ws, int code, String message) {
    ws.writeTextMessage(PusherFrames.error(code, message));
    ws.close((short) code, message);
  }

  /** A key echoed in an error message: short and plain, whatever the client put in its path. */
  private static String printable(String key) {
    String cut = key.length() > 64 ? key.substring(0, 64) : key;
    return cut.replaceAll("[^A-Za-z0-9_.-]", "?");
  }
}
