package palaver.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.Field;
import palaver.runtime.SecurityLog;

/**
 * {@code /admin/...}: the server admin's operations. user-service checks the
 * caller is an admin on every request (403 {@code forbidden} otherwise); for
 * the one served elsewhere (a message's deletion) the gateway asks it first.
 */
final class AdminApi {
  /** An account's deletion walks every session, message and file of it: longer than a plain request may take. */
  static final long DELETE_TIMEOUT_MS = 60_000;

  private final Vertx vertx;

  AdminApi(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router api, BearerAuth auth) {
    api.get("/admin/users").handler(auth).handler(this::users);
    api.post("/admin/users/:uid/deactivate").handler(auth).handler(ctx -> onUser(ctx, Address.ADMIN_DEACTIVATE));
    api.post("/admin/users/:uid/reactivate").handler(auth).handler(ctx -> onUser(ctx, Address.ADMIN_REACTIVATE));
    api.delete("/admin/users/:uid").handler(auth).handler(ctx -> onUser(ctx, Address.ADMIN_DELETE_USER));
    api.delete("/admin/sessions/:sid/messages/:seq").handler(auth).handler(this::deleteMessage);
    api.post("/admin/invites").handler(auth).handler(ctx -> asAdmin(ctx, Address.ADMIN_INVITE_CREATE, 201));
    api.get("/admin/invites").handler(auth).handler(ctx -> asAdmin(ctx, Address.ADMIN_INVITES, 200));
    api.get("/admin/connected").handler(auth).handler(ctx -> asAdmin(ctx, Address.ADMIN_CONNECTED, 200));
  }

  private void users(RoutingContext ctx) {
    JsonObject request = caller(ctx).put(Field.QUERY, ctx.request().getParam(Field.QUERY))
        .put(Field.LIMIT, Check.queryLong(ctx.request().getParam(Field.LIMIT), Field.LIMIT, 1, 200))
        .put(Field.OFFSET, Check.queryLong(ctx.request().getParam(Field.OFFSET), Field.OFFSET, 0, 100_000));
    Rest.respond(ctx, Bus.request(vertx, Address.ADMIN_USERS, request), 200);
  }

  private void onUser(RoutingContext ctx, String address) {
    JsonObject request = caller(ctx).put(Field.TARGET, ctx.pathParam("uid"));
    Rest.respond(ctx, Bus.request(vertx, address, request, DELETE_TIMEOUT_MS), 200);
  }

  private void asAdmin(RoutingContext ctx, String address, int status) {
    Rest.respond(ctx, Bus.request(vertx, address, caller(ctx)), status);
  }

  /** Checked with user-service, then a tombstone by message-service (which trusts the gateway). */
  private void deleteMessage(RoutingContext ctx) {
    String sid = ctx.pathParam("sid");
    Long seq = Check.queryLong(ctx.pathParam("seq"), Field.SEQ, 1, Long.MAX_VALUE);
    JsonObject request = caller(ctx).put(Field.SID, sid).put(Field.SEQ, seq).put(Field.ADMIN, true);
    Rest.respond(ctx, Bus.request(vertx, Address.ADMIN_CHECK, caller(ctx))
        .compose(ok -> Bus.request(vertx, Address.MESSAGE_DELETE, request))
        .onSuccess(ok -> SecurityLog.event("message_deleted", "sid", sid, "seq", seq, "by", Rest.uid(ctx))), 200);
  }

  private static JsonObject caller(RoutingContext ctx) {
    return new JsonObject().put(Field.UID, Rest.uid(ctx));
  }
}
