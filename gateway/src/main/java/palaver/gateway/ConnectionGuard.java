package palaver.gateway;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.ErrorCode;
import palaver.runtime.Setting;

/**
 * Slowloris protection of the gateway's HTTP server (issue 20 item 6), beside
 * its idle timeout. Vert.x has no timeout for a request head, so every HTTP/1.x
 * connection is watched here by one periodic sweep:
 *
 * <ul>
 *   <li>a connection must complete its first request head within {@code httpHeaderTimeoutMs} of connecting,
 *       and each later one within {@code httpKeepAliveTimeoutMs} of its previous answer (longer: HTTP clients
 *       keep idle connections pooled, Vert.x's for 60 s, and closing one a client is about to reuse fails its
 *       request), however it dribbles the bytes: else it is closed without an answer;</li>
 *   <li>a request body that brings no byte for {@code httpBodyTimeoutMs} is answered 408 {@code timeout} and
 *       the connection closed (uploads included: the relay pauses the body only while a chunk is in flight);</li>
 *   <li>one TCP peer address may hold at most {@code maxConnectionsPerIp} connections; one more is closed at
 *       once. A trusted proxy ({@code trustedProxies}) is not capped: all clients behind it share its address,
 *       so limiting connections per client is the proxy's job.</li>
 * </ul>
 *
 * A WebSocket stops being watched once its handshake arrives (its pings and idle timeout take over), and so
 * does an HTTP/2 connection at its first request (streams, not one request at a time). Used from the
 * gateway's event loop only.
 */
final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  /** What one watched connection is doing: waiting for a head since {@code since}, or serving {@code request}. */
  private static final class Watched {
    final HttpConnection connection;
    HttpServerRequest request;
    /** Whether a request was answered on it already (then the keep-alive deadline applies). */
    boolean answered;
    long since;
    long bytes;

    Watched(HttpConnection connection, long now) {
      this.connection = connection;
      this.since = now;
    }
  }

  private final Vertx vertx;
  private final ClientAddress proxies;
  private final long headerTimeoutMs;
  private final long keepAliveTimeoutMs;
  private final long bodyTimeoutMs;
  private final int maxPerIp;
  private final Map<String, Watched> watched = new HashMap<>();
  private final Map<String, Integer> perIp = new HashMap<>();
  private long sweeper = -1;

  ConnectionGuard(Vertx vertx, JsonObject config, ClientAddress proxies) {
    this.vertx = vertx;
    this.proxies = proxies;
    this.headerTimeoutMs = number(config, Setting.HTTP_HEADER_TIMEOUT_MS);
    this.keepAliveTimeoutMs = number(config, Setting.HTTP_KEEP_ALIVE_TIMEOUT_MS);
    this.bodyTimeoutMs = number(config, Setting.HTTP_BODY_TIMEOUT_MS);
    this.maxPerIp = (int) number(config, Setting.MAX_CONNECTIONS_PER_IP);
  }

  private static long number(JsonObject config, Setting setting) {
    Object v = config.getValue(setting.key());
    return (v instanceof Number n ? n : (Number) setting.defaultValue()).longValue();
  }

  /** Starts the sweep: a fifth of the shorter timeout, so a deadline is kept to within 20 %. */
  void start() {
    long tick = Math.max(20, Math.min(1_000, Math.min(headerTimeoutMs, bodyTimeoutMs) / 5));
    sweeper = vertx.setPeriodic(tick, id -> sweep());
  }

  void stop() {
    vertx.cancelTimer(sweeper);
  }

  /** The server's connection handler: counts the peer, refuses one too many, starts the head deadline. */
  void connected(HttpConnection connection) {
    String ip = connection.remoteAddress().hostAddress();
    boolean counted = maxPerIp > 0 && ip != null && !proxies.isTrusted(ip);
    if (counted) {
      int held = perIp.getOrDefault(ip, 0);
      if (held >= maxPerIp) {
        LOG.debug("refused a connection from {}: it holds {} already", ip, held);
        connection.close();
        return;
      }
      perIp.put(ip, held + 1);
    }
    String key = key(connection.remoteAddress(), connection.localAddress());
    watched.put(key, new Watched(connection, System.currentTimeMillis()));
    String countedIp = counted ? ip : null;
    whenClosed(connection, () -> closed(key, countedIp));
  }

  /**
   * Runs {@code action} on this context once the connection's channel is closed. Not the connection's own
   * close handler: once a connection is upgraded to a WebSocket, Vert.x hands the channel to the WebSocket
   * and never calls that handler, so every WebSocket ever opened from an address stayed counted and the
   * address was soon refused for good (AbuseLimitsTest found it).
   */
  private void whenClosed(HttpConnection connection, Runnable action) {
    if (connection instanceof ConnectionBase base) {
      Context context = vertx.getOrCreateContext();
      base.channel().closeFuture().addListener(f -> context.runOnContext(v -> action.run()));
    } else {
      connection.closeHandler(v -> action.run());
    }
  }

  private void closed(String key, String countedIp) {
    watched.remove(key);
    if (countedIp != null) {
      perIp.computeIfPresent(countedIp, (ip, n) -> n > 1 ? n - 1 : null);
    }
  }

  /** Before the router: the head arrived; from now on the body must keep coming. */
  void request(HttpServerRequest request) {
    String key = key(request.remoteAddress(), request.localAddress());
    Watched w = watched.get(key);
    if (w == null) {
      return;
    }
    if (request.version() == HttpVersion.HTTP_2) {
      watched.remove(key);
      return;
    }
    w.request = request;
    w.since = System.currentTimeMillis();
    w.bytes = request.bytesRead();
  }

  /** A WebSocket handshake's head arrived: the socket's own pings and idle timeout take over. */
  void upgrading(SocketAddress remote, SocketAddress local) {
    watched.remove(key(remote, local));
  }

  /** Connections held now by the peer address, for tests and metrics. */
  int connectionsOf(String ip) {
    return perIp.getOrDefault(ip, 0);
  }

  private static String key(SocketAddress remote, SocketAddress local) {
    return remote + "|" + local;
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    for (Watched w : new ArrayList<>(watched.values())) {
      check(w, now);
    }
  }

  private void check(Watched w, long now) {
    HttpServerRequest request = w.request;
    if (request == null) {
      long deadline = w.answered ? keepAliveTimeoutMs : headerTimeoutMs;
      if (now - w.since > deadline) {
        LOG.debug("closing {}: no complete request head within {} ms", w.connection.remoteAddress(), deadline);
        forget(w);
        w.connection.close();
      }
    } else if (!request.isEnded()) {
      long bytes = request.bytesRead();
      if (bytes != w.bytes) {
        w.bytes = bytes;
        w.since = now;
      } else if (now - w.since > bodyTimeoutMs) {
        forget(w);
        stalled(request);
      }
    } else if (request.response().ended()) {
      // Answered: a kept-alive connection has the head deadline again for its next request.
      w.request = null;
      w.answered = true;
      w.since = now;
    }
  }

  private void forget(Watched w) {
    watched.remove(key(w.connection.remoteAddress(), w.connection.localAddress()));
  }

  /** 408, then the connection closed: the rest of a stalled body is never waited for. */
  private void stalled(HttpServerRequest request) {
    LOG.debug("{} {} from {}: the body stalled ({} bytes, none for {} ms)", request.method(), request.path(),
        request.remoteAddress(), request.bytesRead(), bodyTimeoutMs);
    HttpConnection connection = request.connection();
    HttpServerResponse response = request.response();
    if (response.ended() || response.headWritten()) {
      connection.close();
      return;
    }
    String body = Rest.errorBody(ErrorCode.TIMEOUT,
        "the request body stalled: nothing for " + bodyTimeoutMs + " ms").encode();
    response.setStatusCode(ErrorCode.TIMEOUT.status())
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(body)
        .onComplete(ar -> connection.close());
  }
}
