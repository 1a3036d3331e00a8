package palaver.gateway;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import palaver.runtime.Apps;

/** Placeholder until Pusher's HTTP API lands: mounts nothing. */
final class PusherHttpApi {
  private final Vertx vertx;
  private final Apps apps;

  PusherHttpApi(Vertx vertx, Apps apps) {
    this.vertx = vertx;
    this.apps = apps;
  }

  /** Mounts {@code /apps/{id}/...} on the gateway's root router. */
  void mount(Router root) {
  }
}
