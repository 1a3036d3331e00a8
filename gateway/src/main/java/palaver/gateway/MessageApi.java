package palaver.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
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

  /** The {@code history} frame's request, its fields from the path and the query string. */
  private void history(RoutingContext ctx) {
    JsonObject fields = new JsonObject().put(Field.SID, ctx.pathParam("sid"));
    putQuery(ctx, fields, Field.BEFORE);
    putQuery(ctx, fields, Field.AFTER);
    putQuery(ctx, fields, Field.LIMIT);
    JsonObject request = ClientRequest.HISTORY.body(Rest.uid(ctx), fields);
    Rest.respond(ctx, ClientRequest.HISTORY.request(vertx, request), 200);
  }

  /** Same as the {@code send} frame (and under the same per-user rate limit); answers the ack. */
  private void send(RoutingContext ctx) {
    if (!userBuckets.take(Rest.uid(ctx))) {
      GatewayMetrics.get().rateLimited();
      ctx.response().putHeader("Retry-After", "1");
      Rest.error(ctx, ErrorCode.RATE_LIMITED, "too many messages, slow down");
      return;
    }
    // The session is the path's, whatever sid the body names.
    JsonObject fields = Rest.body(ctx).put(Field.SID, ctx.pathParam("sid"));
    JsonObject request = ClientRequest.SEND.body(Rest.uid(ctx), fields);
    Rest.respond(ctx, ClientRequest.SEND.request(vertx, request), 200);
  }

  private static void putQuery(RoutingContext ctx, JsonObject request, String name) {
    Long value = Check.queryLong(ctx.queryParams().get(name), name, 0, Long.MAX_VALUE);
    if (value != null) {
      request.put(name, value);
    }
  }
}
