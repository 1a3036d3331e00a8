package palaver.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import palaver.api.Field;

/**
 * {@code /invitations}: a stranger's invitations to groups, waiting for the
 * invitee to accept or decline, answered by session-service through the same
 * {@link ClientRequest} entries as the WebSocket's {@code invitations},
 * {@code accept} and {@code decline} frames.
 */
final class InvitationApi {
  private final Vertx vertx;

  InvitationApi(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router api, BearerAuth auth) {
    api.get("/invitations").handler(auth).handler(this::list);
    api.post("/invitations/:sid").handler(auth).handler(this::accept);
    api.delete("/invitations/:sid").handler(auth).handler(this::decline);
  }

  private void list(RoutingContext ctx) {
    call(ctx, ClientRequest.INVITATIONS, new JsonObject());
  }

  private void accept(RoutingContext ctx) {
    call(ctx, ClientRequest.ACCEPT, new JsonObject().put(Field.SID, ctx.pathParam("sid")));
  }

  private void decline(RoutingContext ctx) {
    call(ctx, ClientRequest.DECLINE, new JsonObject().put(Field.SID, ctx.pathParam("sid")));
  }

  private void call(RoutingContext ctx, ClientRequest operation, JsonObject client) {
    Rest.respond(ctx, operation.request(vertx, operation.body(Rest.uid(ctx), client)), 200);
  }
}
