package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;

/** How the HTTP API answers: JSON bodies, and errors as {@code {"error":{code,message}}}. */
final class Rest {
  static final String PRINCIPAL = "principal";

  private Rest() {
  }

  static void respond(RoutingContext ctx, Future<JsonObject> result, int status) {
    result.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (!ctx.response().ended()) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
            .end(ar.result().encode());
      }
    });
  }

  static void error(RoutingContext ctx, ErrorCode code, String message) {
    if (ctx.response().ended()) {
      return;
    }
    if (code == ErrorCode.UNAUTHENTICATED) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    ctx.response().setStatusCode(code.status()).putHeader("Content-Type", "application/json")
        .end(errorBody(code, message).encode());
  }

  static JsonObject errorBody(ErrorCode code, String message) {
    return new JsonObject().put("error", new JsonObject().put(Field.CODE, code.code()).put(Field.MESSAGE, message));
  }

  /** The request body as a JSON object; an absent body is an empty object. */
  static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() <= 0) {
      return new JsonObject();
    }
    return Check.parse(ctx.body().asString());
  }

  static JsonObject principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  static String uid(RoutingContext ctx) {
    return principal(ctx).getString(Field.UID);
  }
}
