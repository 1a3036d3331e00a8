package palaver.gateway;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.ErrorCode;
import palaver.api.Field;

/**
 * Requires {@code Authorization: Bearer <token>} and asks user-service to
 * verify it (signature, expiry, not revoked); the caller's profile is then
 * available as {@link Rest#principal}.
 */
final class BearerAuth implements Handler<RoutingContext> {
  /** The download cookie set by {@code POST /files/cookie}. */
  static final String FILE_COOKIE = "palaver_files";

  private final Vertx vertx;
  private final boolean fileCookie;

  BearerAuth(Vertx vertx) {
    this(vertx, false);
  }

  private BearerAuth(Vertx vertx, boolean fileCookie) {
    this.vertx = vertx;
    this.fileCookie = fileCookie;
  }

  /**
   * For file downloads only: the bearer header, or the {@value #FILE_COOKIE}
   * cookie, so {@code <img>} and {@code <audio>} work without a token in the
   * URL. The cookie holds the same JWT and is verified the same way, so
   * logout and a password change revoke it too. Mount it on GETs only: a
   * cookie never authorizes a change (no CSRF surface), and SameSite=Strict
   * keeps other sites from even reading through it.
   */
  static BearerAuth orFileCookie(Vertx vertx) {
    return new BearerAuth(vertx, true);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String token = token(ctx);
    if (token == null && fileCookie && ctx.request().getHeader("Authorization") == null) {
      token = cookieToken(ctx);
    }
    if (token == null) {
      Rest.error(ctx, ErrorCode.UNAUTHENTICATED, fileCookie ? "missing bearer token or file cookie" : "missing bearer token");
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

  /** The bearer token of the request, or null when there is none (or it is oversized). */
  static String token(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() > 4096) {
      return null;
    }
    return header.substring(7).trim();
  }

  private static String cookieToken(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(FILE_COOKIE);
    return cookie == null || cookie.getValue().isEmpty() || cookie.getValue().length() > 4096 ? null : cookie.getValue();
  }
}
