package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.CloseCode;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.runtime.Apps;
import palaver.runtime.ClusterTopology;
import palaver.runtime.Setting;
import palaver.runtime.UserRateLimit;

/**
 * The gateway: the HTTP API under {@code /api/v1}, the WebSocket endpoint
 * {@code /ws}, {@code /health}, {@code /metrics} (with the metrics token only) and the web client. Holds no
 * data of its own: every operation is a request to a service over the bus.
 */
public class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  static final int MAX_FRAME = 64 * 1024;
  static final int MAX_MESSAGE = 256 * 1024;
  static final long MAX_BODY = 256 * 1024;
  static final long RECHECK_SPREAD_MS = 5_000;

  private HttpServer server;
  private FanoutHub hub;
  private OriginPolicy origins;
  private PresenceReporter presence;
  private final Set<ClientConnection> connections = new HashSet<>();
  /** Authenticated sockets per user on this gateway, for {@link ConnectionLimits#maxSocketsPerUser()}. */
  private final Map<String, Integer> socketsByUser = new HashMap<>();
  private ConnectionLimits limits;
  private ConnectionLimits.UserBuckets userBuckets;
  private Apps apps;
  /** The {@code iceServers} setting, checked: handed to every client in {@code ready} for calls. */
  private io.vertx.core.json.JsonArray iceServers;
  private TlsCertificate tls;
  private PushInbox inbox;
  private ConnectionGuard guard;
  /** The push platform's WebSocket protocols, beside the chat's own {@code /ws}. */
  private List<SocketProtocol> protocols = List.of();

  @Override
  public Future<?> start() {
    hub = new FanoutHub(vertx);
    limits = ConnectionLimits.from(config());
    userBuckets = new ConnectionLimits.UserBuckets(limits);
    vertx.setPeriodic(limits.pingIntervalMs(), id -> heartbeat());
    vertx.setPeriodic(limits.recheckIntervalMs(), id -> recheckAll());
    vertx.eventBus().<JsonObject>localConsumer(Address.CLUSTER_TOPOLOGY, msg -> onTopology(msg.body()));
    presence = new PresenceReporter(vertx);
    presence.start();
    origins = new OriginPolicy(config().getString(Setting.ALLOWED_ORIGINS.key(), ""));
    apps = Apps.from(config());
    iceServers = IceServers.from(config());
    inbox = new PushInbox(this);
    protocols = List.of(new PusherEndpoint(this, apps), new XlveinEndpoint(this, apps));
    tls = TlsCertificate.from(vertx, config());
    Router router = Router.router(vertx);
    router.route().handler(AccessLog::handle);
    router.route().handler(GatewayVerticle::securityHeaders);
    if (tls != null) {
      // Served over TLS only: browsers should never try plain HTTP for this host again.
      router.route().handler(ctx -> {
        ctx.response().putHeader("Strict-Transport-Security", "max-age=31536000");
        ctx.next();
      });
    }
    // Liveness: this process answers (its event loop is not stuck); restart it if not. Readiness: every
    // service answers through the cluster and its store; send it traffic only then. /health is readiness.
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    HealthCheckHandler readiness = HealthCheckHandler.createWithHealthChecks(healthChecks());
    router.get("/health/ready").handler(readiness);
    router.get("/health").handler(readiness);
    // Off unless a metricsToken is set: the management port is where Prometheus scrapes.
    router.get("/metrics").handler(PublicMetrics.from(config()));
    new PusherHttpApi(vertx, apps).mount(router);
    router.route("/api/v1/*").subRouter(api());
    router.route().handler(StaticHandler.create("webroot").setCachingEnabled(false));
    HttpServerOptions options = new HttpServerOptions()
        .setMaxWebSocketFrameSize(MAX_FRAME)
        .setMaxWebSocketMessageSize(MAX_MESSAGE)
        .setDecompressionSupported(false)
        // HTTP/1.1 only (no h2c): with h2c Vert.x makes the connection only once its first bytes arrived, so
        // a silent connection would never reach the ConnectionGuard (and no client of ours speaks h2c).
        .setHttp2ClearTextEnabled(false)
        // Closes connections that send and receive nothing (silent slowloris sockets). WebSockets stay
        // open: the heartbeats ping each one more often than this (see idleTimeoutMs()).
        .setIdleTimeout(idleTimeoutMs())
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
    if (tls != null) {
      tls.apply(options);
    }
    guard = new ConnectionGuard(vertx, config(),
        ClientAddress.trusting(config().getString(Setting.TRUSTED_PROXIES.key(), "")));
    guard.start();
    server = vertx.createHttpServer(options)
        .connectionHandler(guard::connected)
        .requestHandler(request -> {
          guard.request(request);
          router.handle(request);
        })
        .webSocketHandshakeHandler(this::handshake)
        .webSocketHandler(this::connect);
    return server.listen(config().getInteger(Setting.HTTP_PORT.key(), 8080),
            config().getString(Setting.HTTP_HOST.key(), "0.0.0.0"))
        .compose(listening -> tls == null ? Future.succeededFuture(listening) : tls.watch(listening).map(listening));
  }

  private int idleTimeoutMs() {
    int idle = config().getInteger(Setting.HTTP_IDLE_TIMEOUT_MS.key(), (Integer) Setting.HTTP_IDLE_TIMEOUT_MS.defaultValue());
    // Sockets silent for wsIdleTimeoutMs are pinged at the next heartbeat (Pusher's), so a healthy
    // WebSocket writes at least every wsIdleTimeoutMs + wsPingIntervalMs: stay above that.
    return (int) Math.max(idle, limits.idleTimeoutMs() + 2 * limits.pingIntervalMs());
  }

  /** Closes every socket with 1001 (clients reconnect elsewhere and sync), then the server. */
  @Override
  public Future<?> stop() {
    List<Future<Void>> closing = new ArrayList<>();
    for (ClientConnection c : new ArrayList<>(connections)) {
      c.close(CloseCode.GOING_AWAY, "server shutting down");
    }
    connections.clear();
    protocols.forEach(SocketProtocol::closeAll);
    if (tls != null) {
      tls.stop();
    }
    presence.stop();
    if (guard != null) {
      guard.stop();
    }
    closing.add(server == null ? Future.succeededFuture() : server.close());
    return Future.all(closing);
  }

  Vertx vertx() {
    return vertx;
  }

  FanoutHub hub() {
    return hub;
  }

  /** A copy of the configured STUN/TURN servers (RTCIceServer objects) for a {@code ready} frame. */
  io.vertx.core.json.JsonArray iceServers() {
    return iceServers.copy();
  }

  ConnectionLimits limits() {
    return limits;
  }

  ConnectionLimits.UserBuckets userBuckets() {
    return userBuckets;
  }

  /** Pings every socket; closes those silent for longer than the idle timeout. */
  private void heartbeat() {
    long now = System.currentTimeMillis();
    for (ClientConnection c : new ArrayList<>(connections)) {
      c.heartbeat(now);
    }
  }

  /**
   * After a merge this node's side of a split brain was folded into the other: what its sockets were told
   * while cut off is unreliable, so they are closed with 1001 and their clients reconnect, authenticate and
   * sync. After any other change each socket re-checks its token and memberships.
   */
  private void onTopology(JsonObject event) {
    if (ClusterTopology.MERGED.equals(event.getString(Field.EVENT))) {
      LOG.info("cluster merged: closing {} sockets so their clients reconnect and resync", connections.size());
      for (ClientConnection c : new ArrayList<>(connections)) {
        c.close(CloseCode.GOING_AWAY, "cluster merged, reconnect");
      }
    } else {
      recheckAll();
    }
  }

  /**
   * Spread over up to {@link #RECHECK_SPREAD_MS} (or the interval, if shorter), so a gateway with many
   * sockets does not send two requests per socket to user- and session-service in the same instant.
   */
  private void recheckAll() {
    long spread = Math.min(RECHECK_SPREAD_MS, limits.recheckIntervalMs());
    for (ClientConnection c : new ArrayList<>(connections)) {
      long delay = 1 + java.util.concurrent.ThreadLocalRandom.current().nextLong(spread);
      vertx.setTimer(delay, id -> c.recheck());
    }
  }

  /** Counts the socket as its user's; false (and not counted) when the user already holds the most allowed. */
  boolean authenticated(ClientConnection c) {
    if (connections.contains(c)) {
      return true;
    }
    int held = socketsByUser.getOrDefault(c.uid(), 0);
    if (held >= limits.maxSocketsPerUser()) {
      return false;
    }
    socketsByUser.put(c.uid(), held + 1);
    connections.add(c);
    presence.connected(c.uid());
    return true;
  }

  void closed(ClientConnection c) {
    if (connections.remove(c)) {
      socketsByUser.computeIfPresent(c.uid(), (u, n) -> n > 1 ? n - 1 : null);
      presence.disconnected(c.uid());
    }
  }

  private Router api() {
    Router api = Router.router(vertx);
    CorsHandler cors = cors(config().getString(Setting.ALLOWED_ORIGINS.key(), ""));
    if (cors != null) {
      api.route().handler(cors);
    }
    BearerAuth auth = new BearerAuth(vertx);
    FileApi files = new FileApi(vertx, config());
    files.mountUpload(api, auth);
    api.route().handler(BodyHandler.create().setBodyLimit(MAX_BODY).setHandleFileUploads(false));
    new AccountApi(vertx, ClientAddress.trusting(config().getString(Setting.TRUSTED_PROXIES.key(), "")),
        config().getInteger(Setting.SIGN_UPS_PER_IP_PER_MINUTE.key(), 10)).mount(api, auth);
    new FriendApi(vertx).mount(api, auth);
    new AdminApi(vertx).mount(api, auth);
    new BlockApi(vertx).mount(api, auth);
    new InvitationApi(vertx).mount(api, auth);
    new NotificationApi(vertx).mount(api, auth);
    new SessionApi(vertx).mount(api, auth);
    new MessageApi(vertx, userBuckets).mount(api, auth);
    files.mount(api, auth);
    new XlveinPushApi(vertx, apps).mount(api);
    api.route().handler(ctx -> Rest.error(ctx, ErrorCode.NOT_FOUND, "no such endpoint"));
    api.route().failureHandler(GatewayVerticle::apiFailure);
    return api;
  }

  /**
   * CORS for the REST API, for web clients served from the configured extra origins (same origin needs
   * none, and stays the only one allowed by default). Credentials are allowed so the refresh cookie
   * works cross-origin, except for {@code *}, which browsers refuse to combine with credentials.
   */
  static CorsHandler cors(String allowedOrigins) {
    List<String> origins = new ArrayList<>();
    for (String o : allowedOrigins.split(",")) {
      if (!o.isBlank()) {
        origins.add(o.trim());
      }
    }
    if (origins.isEmpty()) {
      return null;
    }
    CorsHandler cors = origins.contains("*") ? CorsHandler.create() : CorsHandler.create().addOrigins(origins)
        .allowCredentials(true);
    return cors.allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE))
        .allowedHeaders(Set.of("Authorization", "Content-Type", "Range"))
        .exposedHeaders(Set.of("Retry-After", "Content-Disposition", "Content-Range"))
        .maxAgeSeconds(600);
  }

  private static void apiFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure == null) {
      ErrorCode code = ctx.statusCode() == 413 ? ErrorCode.TOO_LARGE : ErrorCode.ofStatus(ctx.statusCode());
      Rest.error(ctx, code, code == ErrorCode.TOO_LARGE ? "body too large" : code.code());
      return;
    }
    ErrorCode code = ErrorCode.of(failure);
    if (code == ErrorCode.INTERNAL) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
    }
    long retryAfter = code == ErrorCode.RATE_LIMITED ? UserRateLimit.retryAfterSeconds(failure.getMessage()) : -1;
    if (retryAfter > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(retryAfter));
    }
    Rest.error(ctx, code, ErrorCode.publicMessage(failure));
  }

  /**
   * The web client loads only its own scripts and styles (no inline code, nothing external), so
   * even a rendering bug that let user text become markup could not run it.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' blob: data:; "
      + "media-src 'self' blob:; connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; "
      + "object-src 'none'; frame-ancestors 'none'; base-uri 'none'";

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response().putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY");
    ctx.next();
  }

  /** Store and cluster reachable: every service answers its health address (crossing the cluster if needed). */
  private HealthChecks healthChecks() {
    HealthChecks checks = HealthChecks.create(vertx);
    for (String service : List.of("user", "session", "message", "push")) {
      checks.register(service + "-service", 3_000, promise -> ping(Address.HEALTH_PREFIX + service, promise));
    }
    return checks;
  }

  private void ping(String address, Promise<Status> promise) {
    Bus.request(vertx, address, new JsonObject(), 2_500).onComplete(ar -> promise.complete(ar.succeeded()
        ? Status.OK() : Status.KO(new JsonObject().put("reason", ErrorCode.publicMessage(ar.cause())))));
  }

  private void handshake(ServerWebSocketHandshake handshake) {
    guard.upgrading(handshake.remoteAddress(), handshake.localAddress());
    SocketProtocol push = protocolFor(handshake.path());
    if (push != null) {
      push.handshake(handshake);
    } else if (!"/ws".equals(handshake.path())) {
      handshake.reject(404);
    } else if (!origins.allows(handshake.headers().get("Origin"), requestScheme(handshake), handshake.authority())) {
      handshake.reject(403);
    } else {
      handshake.accept();
    }
  }

  /**
   * The scheme the client used: a TLS-terminating proxy's {@code X-Forwarded-Proto}, else our own. Trusting
   * the header is safe here: it only feeds the Origin check, and a browser page cannot set it on a WebSocket.
   */
  private static String requestScheme(ServerWebSocketHandshake handshake) {
    String forwarded = handshake.headers().get("X-Forwarded-Proto");
    return forwarded != null && !forwarded.isBlank() ? forwarded.split(",")[0].trim() : handshake.scheme();
  }

  private void connect(ServerWebSocket ws) {
    SocketProtocol push = protocolFor(ws.path());
    if (push != null) {
      push.connect(ws);
      return;
    }
    new ClientConnection(this, ws).start(queryToken(ws.query()));
  }

  private SocketProtocol protocolFor(String path) {
    for (SocketProtocol p : protocols) {
      if (p.serves(path)) {
        return p;
      }
    }
    return null;
  }

  Apps apps() {
    return apps;
  }

  PushInbox inbox() {
    return inbox;
  }

  OriginPolicy origins() {
    return origins;
  }

  /** {@code ?token=} for clients that can't send an auth frame; never logged. */
  private static String queryToken(String query) {
    if (query == null) {
      return null;
    }
    for (String part : query.split("&")) {
      if (part.startsWith("token=")) {
        return java.net.URLDecoder.decode(part.substring(6), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
