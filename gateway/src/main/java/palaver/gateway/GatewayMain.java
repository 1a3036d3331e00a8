package palaver.gateway;

import java.util.List;
import palaver.runtime.Launcher;
import palaver.runtime.PalaverNode;

/** {@code java -jar palaver-gateway.jar --cluster --http-port 8080 ...}. */
public final class GatewayMain {
  private GatewayMain() {
  }

  public static void main(String[] args) {
    Launcher.main("palaver-gateway", "Palaver gateway: HTTP API, WebSocket endpoint, web client.",
        false, args, config -> config, List.of(new PalaverNode.Service("gateway", GatewayVerticle::new)));
  }
}
