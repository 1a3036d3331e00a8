package palaver.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import palaver.api.Field;

/**
 * {@code /blocks}: blocking users, answered by user-service through the same
 * {@link ClientRequest} entries as the WebSocket's {@code block},
 * {@code unblock} and {@code blocked} frames.
 */
final class BlockApi {
  private final Vertx vertx;

  BlockApi(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router api, BearerAuth auth) {
    api.get("/blocks").handler(auth).handler(this::list);
    api.post("/blocks").handler(auth).handler(this::block);
    api.delete("/blocks/:uid").handler(auth).handler(this::unblock);
  }

  private void list(RoutingContext ctx) {
    call(ctx, ClientRequest.BLOCKED, new JsonObject(), 200);
  }

  /** {@code {uid}}: the user to block (the client names them uid, as in {@code POST /friends}). */
  private void block(RoutingContext ctx) {
    call(ctx, ClientRequest.BLOCK, new JsonObject().put(Field.PEER, Rest.body(ctx).getValue(Field.UID)), 200);
  }

  private void unblock(RoutingContext ctx) {
    call(ctx, ClientRequest.UNBLOCK, new JsonObject().put(Field.PEER, ctx.pathParam("uid")), 200);
  }

  private void call(RoutingContext ctx, ClientRequest operation, JsonObject client, int status) {
    Rest.respond(ctx, operation.request(vertx, operation.body(Rest.uid(ctx), client)), status);
  }
}
