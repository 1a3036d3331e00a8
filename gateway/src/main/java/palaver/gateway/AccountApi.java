package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.runtime.SecurityLog;

/** {@code /users}, {@code /auth}: accounts and tokens, answered by user-service. */
final class AccountApi {
  /**
   * Sign-up and login wait for a hash in user-service's bounded queue (at most 2 s in line, then refused)
   * plus the hash and a store write: longer than {@link Bus#DEFAULT_TIMEOUT_MS}, so a sign-up that succeeds
   * is never answered 503.
   */
  static final long HASHING_TIMEOUT_MS = 10_000;
  /** Seconds a client is told to wait when user-service's hashing queue is full. */
  private static final String QUEUE_RETRY_AFTER_S = "1";
  private final Vertx vertx;
  private final LoginThrottle throttle;
  private final ClientAddress clients;
  private final SignUpLimit signUps;

  AccountApi(Vertx vertx, ClientAddress clients, int signUpsPerMinute) {
    this.vertx = vertx;
    this.signUps = new SignUpLimit(signUpsPerMinute);
    this.throttle = new LoginThrottle(vertx);
    this.clients = clients;
  }

  void mount(Router api, BearerAuth auth) {
    api.post("/users").handler(this::register);
    api.post("/auth/login").handler(this::login);
    api.post("/auth/refresh").handler(this::refresh);
    api.post("/auth/logout").handler(auth).handler(this::logout);
    api.get("/users").handler(auth).handler(this::search);
    api.get("/users/me").handler(auth).handler(this::me);
    api.patch("/users/me").handler(auth).handler(this::update);
    api.put("/users/me/password").handler(auth).handler(this::changePassword);
    api.delete("/users/me").handler(auth).handler(this::deleteOwnAccount);
    api.get("/users/:uid").handler(auth).handler(this::user);
  }

  /** Limited per client IP before anything reaches user-service; a taken login costs more of the limit. */
  private void register(RoutingContext ctx) {
    String ip = clients.of(ctx.request());
    long wait = signUps.take(ip);
    if (wait > 0) {
      SecurityLog.event("signup_throttled", "ip", ip, "retryAfterMs", wait);
      ctx.response().putHeader("Retry-After", Long.toString((wait + 999) / 1000));
      Rest.error(ctx, ErrorCode.RATE_LIMITED, "too many sign-ups from this address, retry later");
      return;
    }
    Rest.respond(ctx, hashingRequest(ctx, Address.USER_REGISTER, Rest.body(ctx)).onFailure(t -> chargeTaken(ip, t)), 201);
  }

  /** A sign-up answered "login taken" costs the address more of its sign-ups (docs/protocol.md). */
  private void chargeTaken(String ip, Throwable failure) {
    if (ErrorCode.of(failure) == ErrorCode.CONFLICT) {
      signUps.taken(ip);
    }
  }

  /** A request that hashes a password in user-service: its longer timeout, and Retry-After when its queue is full. */
  private Future<JsonObject> hashingRequest(RoutingContext ctx, String address, JsonObject body) {
    return Bus.request(vertx, address, body, HASHING_TIMEOUT_MS).onFailure(t -> {
      if (ErrorCode.of(t) == ErrorCode.RATE_LIMITED && !ctx.response().ended()) {
        ctx.response().putHeader("Retry-After", QUEUE_RETRY_AFTER_S);
      }
    });
  }

  /**
   * Throttled per client IP and per login before any hashing; only wrong credentials count as failures.
   * The attempt is reserved before the request, so parallel attempts over the limit get 429 at once.
   */
  private void login(RoutingContext ctx) {
    JsonObject body = Rest.body(ctx);
    String ip = clients.of(ctx.request());
    String login = body.getValue(Field.LOGIN) instanceof String s ? s.strip().toLowerCase(Locale.ROOT) : null;
    long wait = throttle.retryAfterMs(ip, login);
    if (wait > 0) {
      SecurityLog.event("login_throttled", "ip", ip, "login", login, "retryAfterMs", wait);
      GatewayMetrics.get().login(GatewayMetrics.Login.THROTTLED);
      ctx.response().putHeader("Retry-After", Long.toString((wait + 999) / 1000));
      Rest.error(ctx, ErrorCode.RATE_LIMITED, "too many failed logins, retry later");
      return;
    }
    LoginThrottle.Attempt attempt = throttle.reserve(ip, login);
    Future<JsonObject> result = hashingRequest(ctx, Address.USER_LOGIN, body).onComplete(ar -> {
      if (ar.succeeded()) {
        throttle.succeeded(attempt);
        GatewayMetrics.get().login(GatewayMetrics.Login.SUCCESS);
      } else if (ErrorCode.of(ar.cause()) != ErrorCode.UNAUTHENTICATED) {
        throttle.release(attempt);
        GatewayMetrics.get().login(GatewayMetrics.Login.ERROR);
      } else {
        SecurityLog.event("login_failed", "ip", ip, "login", login);
        GatewayMetrics.get().login(GatewayMetrics.Login.BAD_CREDENTIALS);
      }
    });
    Rest.respond(ctx, result, 200);
  }

  /** A new token for a valid, unrevoked one: {@code Authorization: Bearer <token>}. */
  private void refresh(RoutingContext ctx) {
    String token = BearerAuth.token(ctx);
    if (token == null) {
      Rest.error(ctx, ErrorCode.UNAUTHENTICATED, "missing bearer token");
      return;
    }
    Rest.respond(ctx, Bus.request(vertx, Address.USER_REFRESH, new JsonObject().put(Field.TOKEN, token)), 200);
  }

  private void logout(RoutingContext ctx) {
    String uid = Rest.uid(ctx);
    Rest.respond(ctx, Bus.request(vertx, Address.USER_LOGOUT, new JsonObject().put(Field.UID, uid))
        .onSuccess(ok -> SecurityLog.event("tokens_revoked", "uid", uid, "reason", "logout")), 200);
  }

  private void me(RoutingContext ctx) {
    JsonObject me = Rest.principal(ctx).copy();
    me.remove("tokenVersion");
    ctx.response().putHeader("Content-Type", "application/json").end(me.encode());
  }

  /** The caller's uid always wins over any {@code uid} in the body. */
  private void update(RoutingContext ctx) {
    JsonObject request = Rest.body(ctx).copy().put(Field.UID, Rest.uid(ctx));
    Rest.respond(ctx, Bus.request(vertx, Address.USER_UPDATE, request), 200);
  }

  private void changePassword(RoutingContext ctx) {
    JsonObject body = Rest.body(ctx);
    JsonObject request = new JsonObject().put(Field.UID, Rest.uid(ctx))
        .put(Field.OLD_PASSWORD, body.getValue(Field.OLD_PASSWORD))
        .put(Field.NEW_PASSWORD, body.getValue(Field.NEW_PASSWORD));
    Rest.respond(ctx, hashingRequest(ctx, Address.USER_PASSWORD, request)
        .onSuccess(ok -> SecurityLog.event("tokens_revoked", "uid", Rest.uid(ctx), "reason", "password changed")), 200);
  }

  /** {@code {password}} confirms it: the account and its data are deleted, every socket of it closed. */
  private void deleteOwnAccount(RoutingContext ctx) {
    JsonObject request = new JsonObject().put(Field.UID, Rest.uid(ctx)).put(Field.PASSWORD, Rest.body(ctx).getValue(Field.PASSWORD));
    Rest.respond(ctx, Bus.request(vertx, Address.USER_DELETE, request, AdminApi.DELETE_TIMEOUT_MS)
        .onSuccess(ok -> SecurityLog.event("user_deleted", "uid", Rest.uid(ctx), "by", Rest.uid(ctx))), 200);
  }

  private void search(RoutingContext ctx) {
    JsonObject request = new JsonObject().put(Field.QUERY, ctx.request().getParam(Field.QUERY))
        .put(Field.LIMIT, Check.queryLong(ctx.request().getParam(Field.LIMIT), Field.LIMIT, 1, 50))
        .put(Field.OFFSET, Check.queryLong(ctx.request().getParam(Field.OFFSET), Field.OFFSET, 0, 1000));
    Rest.respond(ctx, Bus.request(vertx, Address.USER_SEARCH, request), 200);
  }

  /** Another user's profile without their login (an email) and gender; one's own in full, as /users/me. */
  private void user(RoutingContext ctx) {
    String uid = ctx.pathParam("uid");
    boolean own = uid.equals(Rest.uid(ctx));
    Rest.respond(ctx, Bus.request(vertx, Address.USER_GET, new JsonObject().put(Field.UID, uid))
        .map(profile -> own ? profile : new JsonObject().put(Field.UID, profile.getValue(Field.UID))
            .put(Field.NICKNAME, profile.getValue(Field.NICKNAME)).put(Field.AVATAR, profile.getValue(Field.AVATAR))), 200);
  }
}
