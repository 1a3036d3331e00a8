package palaver.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import palaver.runtime.App;
import palaver.runtime.Apps;
import palaver.runtime.Signatures;

/**
 * Checks a Pusher HTTP API request as the reference says: the app from the
 * path (404 when unknown), {@code auth_key} of that app, {@code auth_version}
 * 1.0, {@code auth_timestamp} within {@link #WINDOW_S} of now,
 * {@code body_md5} of a non-empty body, and {@code auth_signature} over the
 * method, path and sorted query, compared in constant time. Each failure is a
 * {@link PusherHttpError} with Pusher's status (401 for all but the app).
 */
final class PusherRequestAuth {
  static final long WINDOW_S = 600;

  private final Apps apps;

  PusherRequestAuth(Apps apps) {
    this.apps = apps;
  }

  /** The app the request is signed for; throws {@link PusherHttpError} otherwise. */
  App check(RoutingContext ctx, long nowSeconds) {
    App app = apps.byId(ctx.pathParam("id"));
    if (app == null) {
      throw new PusherHttpError(404, "Unknown app");
    }
    List<Map.Entry<String, String>> params = ctx.queryParams().entries();
    String key = ctx.queryParams().get("auth_key");
    if (key == null || !Signatures.matches(app.key(), key)) {
      throw PusherHttpError.unauthorized("Unknown auth_key");
    }
    if (!"1.0".equals(ctx.queryParams().get("auth_version"))) {
      throw PusherHttpError.unauthorized("auth_version must be 1.0");
    }
    long timestamp = timestamp(ctx.queryParams().get("auth_timestamp"));
    if (Math.abs(nowSeconds - timestamp) > WINDOW_S) {
      throw PusherHttpError.unauthorized("Timestamp expired: Given timestamp (" + timestamp + ") not within "
          + WINDOW_S + "s of server time (" + nowSeconds + ")");
    }
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    String md5 = ctx.queryParams().get("body_md5");
    if ((body != null && body.length() > 0) || md5 != null) {
      String actual = Signatures.md5Hex(body == null ? new byte[0] : body.getBytes());
      if (!Signatures.matches(actual, md5)) {
        throw PusherHttpError.unauthorized("Invalid body_md5: the hex MD5 of the request body");
      }
    }
    String toSign = PusherSignature.stringToSign(ctx.request().method().name(), ctx.request().path(), params);
    String given = ctx.queryParams().get(PusherSignature.SIGNATURE);
    if (!Signatures.matches(Signatures.hmacSha256Hex(app.secret(), toSign), given)) {
      // as Pusher does: the text to sign is public (method, path, query), so naming it helps without leaking
      throw PusherHttpError.unauthorized("Invalid signature: you should have sent HmacSHA256Hex("
          + escape(toSign) + ", your_secret_key), but you sent \"" + shortened(given) + "\"");
    }
    return app;
  }

  private static long timestamp(String raw) {
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw PusherHttpError.unauthorized("auth_timestamp must be the seconds since the epoch");
    }
  }

  private static String shortened(String given) {
    return given == null ? "" : given.length() > 64 ? given.substring(0, 64) + "..." : given;
  }

  private static String escape(String toSign) {
    return "\"" + toSign.replace("\n", "\\n") + "\"";
  }
}
