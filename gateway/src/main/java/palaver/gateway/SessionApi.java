package palaver.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import palaver.common.Address;
import palaver.common.Bus;
import palaver.common.Field;

/** {@code /sessions}: sessions and memberships, answered by session-service. */
final class SessionApi {
  private final Vertx vertx;

  SessionApi(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router api, BearerAuth auth) {
    api.post("/sessions").handler(auth).handler(this::create);
    api.get("/sessions").handler(auth).handler(this::list);
    api.get("/sessions/:sid").handler(auth).handler(this::get);
    api.post("/sessions/:sid/members").handler(auth).handler(this::join);
    api.post("/sessions/:sid/read").handler(auth).handler(this::read);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Rest.body(ctx);
    // On the bus the caller is uid; the other side of a private session is peer.
    JsonObject request = body.copy().put(Field.UID, Rest.uid(ctx));
    request.remove("peer");
    if (body.containsKey(Field.UID)) {
      request.put("peer", body.getValue(Field.UID));
    }
    Rest.respond(ctx, Bus.request(vertx, Address.SESSION_CREATE, request), 201);
  }

  private void list(RoutingContext ctx) {
    Rest.respond(ctx, Bus.request(vertx, Address.SESSION_LIST, new JsonObject().put(Field.UID, Rest.uid(ctx))), 200);
  }

  private void get(RoutingContext ctx) {
    Rest.respond(ctx, Bus.request(vertx, Address.SESSION_GET, scoped(ctx)), 200);
  }

  private void join(RoutingContext ctx) {
    Rest.respond(ctx, Bus.request(vertx, Address.SESSION_JOIN, scoped(ctx)), 200);
  }

  private void read(RoutingContext ctx) {
    JsonObject body = Rest.body(ctx);
    Rest.respond(ctx, Bus.request(vertx, Address.SESSION_READ, scoped(ctx).put(Field.SEQ, body.getValue(Field.SEQ))), 200);
  }

  static JsonObject scoped(RoutingContext ctx) {
    return new JsonObject().put(Field.UID, Rest.uid(ctx)).put(Field.SID, ctx.pathParam("sid"));
  }
}
