package palaver.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.Field;

/** {@code /sessions}: sessions and memberships, answered by session-service. */
final class SessionApi {
  /** The path segment that names the caller in {@code /sessions/{sid}/members/{uid}}. */
  static final String ME = "me";

  private final Vertx vertx;

  SessionApi(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router api, BearerAuth auth) {
    api.post("/sessions").handler(auth).handler(this::create);
    api.get("/sessions").handler(auth).handler(this::list);
    // Before /sessions/:sid, which would otherwise take "public" for a sid.
    api.get("/sessions/public").handler(auth).handler(this::directory);
    api.get("/sessions/:sid").handler(auth).handler(this::get);
    api.patch("/sessions/:sid").handler(auth).handler(this::update);
    api.post("/sessions/:sid/members").handler(auth).handler(this::joinOrInvite);
    api.delete("/sessions/:sid/members/:uid").handler(auth).handler(this::leaveOrRemove);
    api.patch("/sessions/:sid/members/:uid").handler(auth).handler(this::setRole);
    api.post("/sessions/:sid/read").handler(auth).handler(this::read);
    api.patch("/sessions/:sid/preferences").handler(auth).handler(this::preferences);
    api.put("/sessions/:sid/pins/:seq").handler(auth).handler(ctx -> pin(ctx, true));
    api.delete("/sessions/:sid/pins/:seq").handler(auth).handler(ctx -> pin(ctx, false));
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Rest.body(ctx);
    // On the bus the caller is uid; the other side of a private session is peer.
    JsonObject request = body.copy().put(Field.UID, Rest.uid(ctx));
    request.remove(Field.PEER);
    if (body.containsKey(Field.UID)) {
      request.put(Field.PEER, body.getValue(Field.UID));
    }
    Rest.respond(ctx, Bus.request(vertx, Address.SESSION_CREATE, request), 201);
  }

  private void list(RoutingContext ctx) {
    Rest.respond(ctx, Bus.request(vertx, Address.SESSION_LIST, new JsonObject().put(Field.UID, Rest.uid(ctx))), 200);
  }

  /** {@code ?q=&offset=&limit=}: public groups by name. */
  private void directory(RoutingContext ctx) {
    JsonObject request = new JsonObject().put(Field.UID, Rest.uid(ctx))
        .put(Field.QUERY, ctx.request().getParam(Field.QUERY))
        .put(Field.OFFSET, Check.queryLong(ctx.request().getParam(Field.OFFSET), Field.OFFSET, 0, 10_000))
        .put(Field.LIMIT, Check.queryLong(ctx.request().getParam(Field.LIMIT), Field.LIMIT, 1, 100));
    Rest.respond(ctx, Bus.request(vertx, Address.SESSION_DIRECTORY, request), 200);
  }

  private void get(RoutingContext ctx) {
    Rest.respond(ctx, Bus.request(vertx, Address.SESSION_GET, scoped(ctx)), 200);
  }

  /** {@code {name?, icon?, visibility?, retentionDays?}}. */
  private void update(RoutingContext ctx) {
    JsonObject body = Rest.body(ctx);
    JsonObject request = scoped(ctx);
    for (String field : new String[] {Field.NAME, Field.ICON, Field.VISIBILITY, Field.RETENTION_DAYS}) {
      if (body.containsKey(field)) {
        request.put(field, body.getValue(field));
      }
    }
    Rest.respond(ctx, Bus.request(vertx, Address.SESSION_UPDATE, request), 200);
  }

  /** No body (or no uid): join a public group. {@code {uid}}: invite that user. */
  private void joinOrInvite(RoutingContext ctx) {
    JsonObject body = Rest.body(ctx);
    if (body.getValue(Field.UID) == null) {
      Rest.respond(ctx, Bus.request(vertx, Address.SESSION_JOIN, scoped(ctx)), 200);
      return;
    }
    JsonObject request = scoped(ctx).put(Field.MEMBER, body.getValue(Field.UID));
    Rest.respond(ctx, Bus.request(vertx, Address.SESSION_INVITE, request), 201);
  }

  /** {@code me} (or the caller's own uid): leave. Anyone else: remove them. */
  private void leaveOrRemove(RoutingContext ctx) {
    String target = member(ctx);
    if (target.equals(Rest.uid(ctx))) {
      Rest.respond(ctx, Bus.request(vertx, Address.SESSION_LEAVE, scoped(ctx)), 200);
      return;
    }
    Rest.respond(ctx, Bus.request(vertx, Address.SESSION_REMOVE, scoped(ctx).put(Field.MEMBER, target)), 200);
  }

  /** {@code {role: owner|admin|member}}. */
  private void setRole(RoutingContext ctx) {
    JsonObject request = scoped(ctx).put(Field.MEMBER, member(ctx)).put(Field.ROLE, Rest.body(ctx).getValue(Field.ROLE));
    Rest.respond(ctx, Bus.request(vertx, Address.SESSION_SET_ROLE, request), 200);
  }

  /** The {@code read} frame's request; the session is the path's. */
  private void read(RoutingContext ctx) {
    JsonObject request = ClientRequest.READ.body(Rest.uid(ctx), Rest.body(ctx).put(Field.SID, ctx.pathParam("sid")));
    Rest.respond(ctx, ClientRequest.READ.request(vertx, request), 200);
  }

  /** {@code {muted?, archived?}}: the caller's own flags of the session. */
  private void preferences(RoutingContext ctx) {
    JsonObject request = ClientRequest.PREFERENCES.body(Rest.uid(ctx), Rest.body(ctx).put(Field.SID, ctx.pathParam("sid")));
    Rest.respond(ctx, ClientRequest.PREFERENCES.request(vertx, request), 200);
  }

  private void pin(RoutingContext ctx, boolean pinned) {
    JsonObject request = scoped(ctx).put(Field.PINNED, pinned)
        .put(Field.SEQ, Check.queryLong(ctx.pathParam("seq"), Field.SEQ, 1, Long.MAX_VALUE));
    Rest.respond(ctx, ClientRequest.PIN.request(vertx, request), 200);
  }

  private static String member(RoutingContext ctx) {
    String uid = ctx.pathParam("uid");
    return ME.equals(uid) ? Rest.uid(ctx) : uid;
  }

  static JsonObject scoped(RoutingContext ctx) {
    return new JsonObject().put(Field.UID, Rest.uid(ctx)).put(Field.SID, ctx.pathParam("sid"));
  }
}
