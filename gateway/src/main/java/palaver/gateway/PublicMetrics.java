package palaver.gateway;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import palaver.api.ErrorCode;
import palaver.runtime.Setting;

/**
 * {@code GET /metrics} on the gateway's public port. Off (404, as any unknown path) unless a
 * {@code metricsToken} is configured; then only a request with {@code Authorization: Bearer <token>}
 * gets the Prometheus text, any other 401. Metrics show traffic, user counts and internals to whoever
 * reads them, so the default place to scrape is the management port, which should not be public.
 */
final class PublicMetrics implements Handler<RoutingContext> {
  static final int MIN_TOKEN_BYTES = 16;
  private static final String BEARER = "Bearer ";

  /** SHA-256 of the token: comparing digests takes the same time whatever the given token's length. */
  private final byte[] tokenDigest;
  private final Handler<RoutingContext> scrape = PrometheusScrapingHandler.create();

  private PublicMetrics(byte[] tokenDigest) {
    this.tokenDigest = tokenDigest;
  }

  /** From the node's settings; a token shorter than {@link #MIN_TOKEN_BYTES} stops the gateway's start. */
  static PublicMetrics from(JsonObject config) {
    String token = config.getString(Setting.METRICS_TOKEN.key());
    if (token == null || token.isBlank()) {
      return new PublicMetrics(null);
    }
    if (token.getBytes(StandardCharsets.UTF_8).length < MIN_TOKEN_BYTES) {
      throw new IllegalArgumentException("metricsToken must be at least " + MIN_TOKEN_BYTES
          + " bytes (e.g. openssl rand -base64 32)");
    }
    return new PublicMetrics(digest(token));
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (tokenDigest == null) {
      Rest.error(ctx, ErrorCode.NOT_FOUND, "not found");
      return;
    }
    if (!authorized(ctx.request().getHeader("Authorization"))) {
      Rest.error(ctx, ErrorCode.UNAUTHENTICATED, "/metrics needs the metrics token as a bearer token");
      return;
    }
    scrape.handle(ctx);
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    return MessageDigest.isEqual(tokenDigest, digest(header.substring(BEARER.length()).trim()));
  }

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
