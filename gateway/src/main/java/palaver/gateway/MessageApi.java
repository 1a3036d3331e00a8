package palaver.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import palaver.api.Address;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;

/** {@code /sessions/{sid}/messages}: history and sends over HTTP, answered by message-service. */
final class MessageApi {
  private final Vertx vertx;
  private final ConnectionLimits.UserBuckets userBuckets;

  MessageApi(Vertx vertx, ConnectionLimits.UserBuckets userBuckets) {
    this.vertx = vertx;
    this.userBuckets = userBuckets;
  }

  void mount(Router api, BearerAuth auth) {
    api.get("/sessions/:sid/messages").handler(auth).handler(this::history);
    api.post("/sessions/:sid/messages").handler(auth).handler(this::send);
  }

  private void history(RoutingContext ctx) {
    JsonObject request = SessionApi.scoped(ctx);
    putQuery(ctx, request, Field.BEFORE);
    putQuery(ctx, request, Field.AFTER);
    putQuery(ctx, request, Field.LIMIT);
    Rest.respond(ctx, Retrying.request(vertx, Address.MESSAGE_HISTORY, request), 200);
  }

  /** Same as the {@code send} frame (and under the same per-user rate limit); answers the ack. */
  private void send(RoutingContext ctx) {
    if (!userBuckets.take(Rest.uid(ctx))) {
      ctx.response().putHeader("Retry-After", "1");
      Rest.error(ctx, ErrorCode.RATE_LIMITED, "too many messages, slow down");
      return;
    }
    JsonObject body = Rest.body(ctx);
    JsonObject request = new JsonObject().put(Field.UID, Rest.uid(ctx)).put(Field.SID, ctx.pathParam("sid"))
        .put(Field.CID, body.getValue(Field.CID)).put(Field.MSG_TYPE, body.getValue(Field.MSG_TYPE))
        .put(Field.CONTENT, body.getValue(Field.CONTENT)).put(Field.FILE_ID, body.getValue(Field.FILE_ID));
    Rest.respond(ctx, Retrying.send(vertx, request), 200);
  }

  private static void putQuery(RoutingContext ctx, JsonObject request, String name) {
    Long value = Check.queryLong(ctx.queryParams().get(name), name, 0, Long.MAX_VALUE);
    if (value != null) {
      request.put(name, value);
    }
  }
}
