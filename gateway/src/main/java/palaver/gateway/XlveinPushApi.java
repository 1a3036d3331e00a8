package palaver.gateway;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import palaver.runtime.Apps;

/** Placeholder until xlvein's HTTP push lands: mounts nothing. */
final class XlveinPushApi {
  private final Vertx vertx;
  private final Apps apps;

  XlveinPushApi(Vertx vertx, Apps apps) {
    this.vertx = vertx;
    this.apps = apps;
  }

  /** Mounts {@code POST /im/push} on the {@code /api/v1} router (after its body handler). */
  void mount(Router api) {
  }
}
