package palaver.gateway;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import palaver.common.Address;
import palaver.common.Bus;
import palaver.common.ErrorCode;
import palaver.common.Field;

/**
 * Authentication of file downloads: the bearer header, or the
 * {@value #COOKIE} cookie that {@code POST /files/cookie} sets so that
 * {@code <img>} and {@code <audio>} work without a token in the URL. The
 * cookie holds the same JWT and is verified the same way, so logout and a
 * password change revoke it too. Only mounted on GETs: a cookie never
 * authorizes a change (no CSRF surface), and SameSite=Strict keeps other
 * sites from even reading through it.
 */
final class FileAuth implements Handler<RoutingContext> {
  static final String COOKIE = "palaver_files";

  private final Vertx vertx;

  FileAuth(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String token = token(ctx);
    if (token == null) {
      Rest.error(ctx, ErrorCode.UNAUTHENTICATED, "missing bearer token or file cookie");
      return;
    }
    Bus.request(vertx, Address.USER_AUTHENTICATE, new JsonObject().put(Field.TOKEN, token)).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.put(Rest.PRINCIPAL, ar.result());
        ctx.next();
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  private static String token(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null) {
      return header.regionMatches(true, 0, "Bearer ", 0, 7) && header.length() <= 4096
          ? header.substring(7).trim() : null;
    }
    Cookie cookie = ctx.request().getCookie(COOKIE);
    return cookie == null || cookie.getValue().isEmpty() || cookie.getValue().length() > 4096 ? null : cookie.getValue();
  }
}
