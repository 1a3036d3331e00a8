package palaver.gateway;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import palaver.runtime.Apps;

/** Placeholder until the protocol lands: refuses every upgrade with 404. */
final class XlveinEndpoint implements SocketProtocol {
  private final GatewayVerticle gateway;
  private final Apps apps;

  XlveinEndpoint(GatewayVerticle gateway, Apps apps) {
    this.gateway = gateway;
    this.apps = apps;
  }

  @Override
  public boolean serves(String path) {
    return false;
  }

  @Override
  public void handshake(ServerWebSocketHandshake handshake) {
    handshake.reject(404);
  }

  @Override
  public void connect(ServerWebSocket ws) {
    ws.close((short) 1011);
  }

  @Override
  public void closeAll() {
  }
}
