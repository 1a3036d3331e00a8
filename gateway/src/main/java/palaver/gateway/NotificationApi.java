package palaver.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.Field;

/** {@code /notifications}: the caller's notifications, unread first, answered by user-service. */
final class NotificationApi {
  private final Vertx vertx;

  NotificationApi(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router api, BearerAuth auth) {
    api.get("/notifications").handler(auth).handler(this::list);
    api.post("/notifications/:id/read").handler(auth).handler(this::read);
  }

  private void list(RoutingContext ctx) {
    JsonObject request = new JsonObject().put(Field.UID, Rest.uid(ctx))
        .put(Field.LIMIT, Check.queryLong(ctx.request().getParam(Field.LIMIT), Field.LIMIT, 1, 100))
        .put(Field.OFFSET, Check.queryLong(ctx.request().getParam(Field.OFFSET), Field.OFFSET, 0, 10_000));
    Rest.respond(ctx, Bus.request(vertx, Address.USER_NOTIFICATIONS, request), 200);
  }

  private void read(RoutingContext ctx) {
    JsonObject request = new JsonObject().put(Field.UID, Rest.uid(ctx)).put(Field.ID, ctx.pathParam("id"));
    Rest.respond(ctx, Bus.request(vertx, Address.USER_NOTIFICATION_READ, request), 200);
  }
}
