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
    api.get("/messages/search").handler(auth).handler(this::search);
    api.post("/sessions/:sid/messages").handler(auth).handler(this::send);
    api.patch("/sessions/:sid/messages/:seq").handler(auth).handler(ctx -> change(ctx, ClientRequest.EDIT, Rest.body(ctx)));
    api.delete("/sessions/:sid/messages/:seq").handler(auth).handler(ctx -> change(ctx, ClientRequest.DELETE, new JsonObject()));
    api.put("/sessions/:sid/messages/:seq/reactions/:emoji").handler(auth)
        .handler(ctx -> change(ctx, ClientRequest.REACT, reaction(ctx, true)));
    api.delete("/sessions/:sid/messages/:seq/reactions/:emoji").handler(auth)
        .handler(ctx -> change(ctx, ClientRequest.REACT, reaction(ctx, false)));
  }

  /**
   * The {@code edit}, {@code delete} and {@code react} frames over HTTP: the session and seq from the path,
   * under the sends' per-user rate limit; answered by the same body as the frame's {@code ok}.
   */
  private void change(RoutingContext ctx, ClientRequest operation, JsonObject fields) {
    if (!userBuckets.take(Rest.uid(ctx))) {
      GatewayMetrics.get().rateLimited();
      ctx.response().putHeader("Retry-After", "1");
      Rest.error(ctx, ErrorCode.RATE_LIMITED, "too many changes, slow down");
      return;
    }
    fields.put(Field.SID, ctx.pathParam("sid"))
        .put(Field.SEQ, Check.queryLong(ctx.pathParam("seq"), Field.SEQ, 1, Long.MAX_VALUE));
    JsonObject request = operation.body(Rest.uid(ctx), fields);
    Rest.respond(ctx, operation.request(vertx, request), 200);
  }

  private static JsonObject reaction(RoutingContext ctx, boolean on) {
    return new JsonObject().put(Field.EMOJI, ctx.pathParam("emoji")).put(Field.ON, on);
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

  /** The {@code search} frame's request from the query string: {@code q, sid?, before?, limit?}. */
  private void search(RoutingContext ctx) {
    JsonObject fields = new JsonObject();
    for (String name : new String[] {Field.QUERY, Field.SID, Field.BEFORE}) {
      String value = ctx.queryParams().get(name);
      if (value != null) {
        fields.put(name, value);
      }
    }
    putQuery(ctx, fields, Field.LIMIT);
    JsonObject request = ClientRequest.SEARCH.body(Rest.uid(ctx), fields);
    Rest.respond(ctx, ClientRequest.SEARCH.request(vertx, request), 200);
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
