package palaver.gateway;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Field;

/**
 * One line per HTTP request on the logger {@code palaver.access}: method, path
 * (never the query string: {@code ?token=} and the push APIs' signatures
 * travel there), status, time and the authenticated user, if any. Bodies and
 * headers are never logged.
 */
final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger("palaver.access");

  private AccessLog() {
  }

  static void handle(RoutingContext ctx) {
    if (!LOG.isInfoEnabled()) {
      ctx.next();
      return;
    }
    long start = System.nanoTime();
    ctx.addEndHandler(v -> {
      JsonObject principal = ctx.get(Rest.PRINCIPAL);
      String uid = principal == null ? null : principal.getString(Field.UID);
      long micros = (System.nanoTime() - start) / 1_000;
      int status = ctx.response().getStatusCode();
      String method = ctx.request().method().name();
      String path = ctx.request().path();
      LOG.atInfo().addKeyValue("method", method).addKeyValue("path", path).addKeyValue("status", status)
          .addKeyValue("ms", micros / 1000.0).addKeyValue("uid", uid)
          .log("{} {} {} {} ms{}", method, path, status, String.format("%.1f", micros / 1000.0),
              uid == null ? "" : " uid=" + uid);
    });
    ctx.next();
  }
}
