package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import palaver.runtime.Setting;
import palaver.runtime.UserRateLimit;

/**
 * {@code /files}: streamed uploads, downloads, thumbnails and video posters for owners and
 * members of sessions the file was posted in, and the download cookie for
 * browsers. The upload route is mounted before the API's body handler so the
 * body is relayed as it arrives, never buffered.
 */
final class FileApi {
  static final String COOKIE_PATH = "/api/v1/files";
  static final String MAX_SIZE = "maxSize";
  /** Uploads a user may start at once, then {@value #UPLOADS_PER_MINUTE} a minute (per gateway). */
  static final int UPLOADS_BURST = 30;
  static final int UPLOADS_PER_MINUTE = 20;

  private final Vertx vertx;
  private final long maxSize;
  private final UserRateLimit uploads = new UserRateLimit("uploads", UPLOADS_PER_MINUTE, UPLOADS_BURST);

  FileApi(Vertx vertx, JsonObject config) {
    this.vertx = vertx;
    this.maxSize = config.getInteger(Setting.MAX_FILE_SIZE.key(), (Integer) Setting.MAX_FILE_SIZE.defaultValue());
  }

  /** Before the body handler: the request is paused until the relay reads it. */
  void mountUpload(Router api, BearerAuth auth) {
    api.post("/files").handler(FileApi::pause).handler(auth).handler(this::rateLimit)
        .handler(ctx -> new UploadRelay(vertx, ctx, maxSize).start());
  }

  /** Refused before the body is read: the API's failure handler answers 429 with {@code Retry-After}. */
  private void rateLimit(RoutingContext ctx) {
    try {
      uploads.take(Rest.uid(ctx));
    } catch (ReplyException limited) {
      ctx.fail(limited);
      return;
    }
    ctx.next();
  }

  void mount(Router api, BearerAuth auth) {
    BearerAuth fileAuth = BearerAuth.orFileCookie(vertx);
    api.post("/files/cookie").handler(auth).handler(this::cookie);
    // Before /files/:fileId: clients state the limit (and refuse early) instead of a bare 413.
    api.get("/files/limits").handler(auth).handler(ctx -> Rest.respond(ctx, Future.succeededFuture(new JsonObject().put(MAX_SIZE, maxSize)), 200));
    api.get("/files/:fileId").handler(fileAuth).handler(ctx -> new FileDownload(vertx, ctx).serve(FileDownload.Part.FILE));
    api.get("/files/:fileId/thumb").handler(fileAuth)
        .handler(ctx -> new FileDownload(vertx, ctx).serve(FileDownload.Part.THUMB));
    api.get("/files/:fileId/poster").handler(fileAuth)
        .handler(ctx -> new FileDownload(vertx, ctx).serve(FileDownload.Part.POSTER));
  }

  /** How much of a refused upload's body is read and dropped so the refusal reaches the client intact. */
  private static final long DRAIN_LIMIT = 1024 * 1024;

  /**
   * Holds the body until the relay reads it. Whatever answers the request
   * (the relay, or a refusal before it such as a bad token), a connection
   * whose body was not read to its end is not reused: the answer says
   * {@code Connection: close}, and the rest of the body is read and dropped
   * (up to a limit) before the connection closes, because closing a socket
   * with unread data resets it and can destroy the answer in flight.
   */
  private static void pause(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause();
    ctx.addHeadersEndHandler(v -> {
      if (!request.isEnded()) {
        ctx.response().putHeader("Connection", "close");
      }
    });
    ctx.addEndHandler(ar -> {
      // Only after an answer went out. vertx-web also runs end handlers, failed, when the request reports an
      // exception, before the relay hears of it: draining then would take the request's handlers away from
      // the relay, and the client could lose its answer (UploadFuzzTest).
      if (ar.succeeded() && !request.isEnded()) {
        drainThenClose(ctx.vertx(), request);
      }
    });
    ctx.next();
  }

  static void drainThenClose(Vertx vertx, HttpServerRequest request) {
    long[] dropped = {0};
    long timer = vertx.setTimer(5_000, t -> request.connection().close());
    request.handler(chunk -> {
      dropped[0] += chunk.length();
      if (dropped[0] > DRAIN_LIMIT) {
        request.connection().close();
      }
    });
    request.endHandler(v -> {
      vertx.cancelTimer(timer);
      request.connection().close();
    });
    request.exceptionHandler(t -> vertx.cancelTimer(timer));
    request.resume();
  }

  /** Sets the download cookie: the caller's token, for as long as the token lives. */
  private void cookie(RoutingContext ctx) {
    String token = ctx.request().getHeader("Authorization").substring(7).trim();
    Cookie cookie = Cookie.cookie(BearerAuth.FILE_COOKIE, token)
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT)
        .setPath(COOKIE_PATH)
        .setMaxAge(remainingSeconds(token))
        .setSecure(ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto")));
    ctx.response().addCookie(cookie).setStatusCode(204).end();
  }

  /** The token's {@code exp} minus now (the token was verified just before, so its payload is sound). */
  private static long remainingSeconds(String token) {
    String[] parts = token.split("\\.");
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    return Math.max(0, claims.getLong("exp", 0L) - System.currentTimeMillis() / 1000);
  }
}
