package palaver.gateway;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import palaver.common.Address;
import palaver.common.Bus;
import palaver.common.ErrorCode;
import palaver.common.Field;

/**
 * Requires {@code Authorization: Bearer <token>} and asks user-service to
 * verify it (signature, expiry, not revoked); the caller's profile is then
 * available as {@link Rest#principal}.
 */
final class BearerAuth implements Handler<RoutingContext> {
  private final Vertx vertx;

  BearerAuth(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String token = token(ctx);
    if (token == null) {
      Rest.error(ctx, ErrorCode.UNAUTHENTICATED, "missing bearer token");
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
}
