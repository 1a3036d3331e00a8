package palaver.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Field;

/** {@code /friends}: friend requests, acceptance and removal, answered by user-service. */
final class FriendApi {
  private final Vertx vertx;

  FriendApi(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router api, BearerAuth auth) {
    api.get("/friends").handler(auth).handler(this::list);
    api.post("/friends").handler(auth).handler(this::add);
    api.delete("/friends/:uid").handler(auth).handler(this::remove);
  }

  private void list(RoutingContext ctx) {
    Rest.respond(ctx, Bus.request(vertx, Address.USER_FRIENDS, new JsonObject().put(Field.UID, Rest.uid(ctx))), 200);
  }

  /** The client names the other side as {@code uid}; on the bus the caller is uid and the other is peer. */
  private void add(RoutingContext ctx) {
    JsonObject request = new JsonObject().put(Field.UID, Rest.uid(ctx)).put("peer", Rest.body(ctx).getValue(Field.UID));
    Rest.respond(ctx, Bus.request(vertx, Address.USER_FRIEND_ADD, request), 200);
  }

  private void remove(RoutingContext ctx) {
    JsonObject request = new JsonObject().put(Field.UID, Rest.uid(ctx)).put("peer", ctx.pathParam("uid"));
    Rest.respond(ctx, Bus.request(vertx, Address.USER_FRIEND_REMOVE, request), 200);
  }
}
