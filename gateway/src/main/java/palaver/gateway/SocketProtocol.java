package palaver.gateway;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;

/**
 * A WebSocket protocol the gateway serves besides its own {@code /ws}: the
 * push platform's Pusher Channels ({@code /app/{key}}) and xlvein
 * ({@code /ws/connect}). The gateway hands each upgrade to the protocol whose
 * path it is, and tells every protocol when it stops.
 */
interface SocketProtocol {
  boolean serves(String path);

  /** Accepts or rejects the upgrade (app known, origin allowed, capacity left). */
  void handshake(ServerWebSocketHandshake handshake);

  void connect(ServerWebSocket ws);

  /** The gateway is stopping: close every socket the way the protocol tells its clients to reconnect elsewhere. */
  void closeAll();
}
