package palaver.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import palaver.common.Address;
import palaver.common.Bus;
import palaver.common.Field;

/** {@code /users}, {@code /auth}: accounts and tokens, answered by user-service. */
final class AccountApi {
  private final Vertx vertx;

  AccountApi(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router api, BearerAuth auth) {
    api.post("/users").handler(this::register);
    api.post("/auth/login").handler(this::login);
    api.post("/auth/logout").handler(auth).handler(this::logout);
    api.get("/users/me").handler(auth).handler(this::me);
    api.get("/users/:uid").handler(auth).handler(this::user);
  }

  private void register(RoutingContext ctx) {
    Rest.respond(ctx, Bus.request(vertx, Address.USER_REGISTER, Rest.body(ctx)), 201);
  }

  private void login(RoutingContext ctx) {
    Rest.respond(ctx, Bus.request(vertx, Address.USER_LOGIN, Rest.body(ctx)), 200);
  }

  private void logout(RoutingContext ctx) {
    Rest.respond(ctx, Bus.request(vertx, Address.USER_LOGOUT, new JsonObject().put(Field.UID, Rest.uid(ctx))), 200);
  }

  private void me(RoutingContext ctx) {
    JsonObject me = Rest.principal(ctx).copy();
    me.remove("tokenVersion");
    ctx.response().putHeader("Content-Type", "application/json").end(me.encode());
  }

  private void user(RoutingContext ctx) {
    Rest.respond(ctx, Bus.request(vertx, Address.USER_GET,
        new JsonObject().put(Field.UID, ctx.pathParam("uid"))), 200);
  }
}
