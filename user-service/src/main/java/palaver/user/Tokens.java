package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import palaver.api.ErrorCode;
import palaver.api.Field;

/**
 * Issues and verifies access tokens: HS256 only (the single configured key
 * pins the algorithm, so {@code alg:none} and RS/HS confusion are refused),
 * issuer checked, {@code exp} checked, and a token version claim {@code tv}
 * compared with the user record so logout and password change revoke.
 * A token without {@code exp} is refused. Refresh keeps the original login's
 * time ({@code lat}): no token outlives {@link #MAX_LOGIN_SECONDS} after the
 * password was last given, however often it is refreshed.
 */
final class Tokens {
  static final String ISSUER = "palaver";
  static final String VERSION_CLAIM = "tv";
  static final String SUBJECT_CLAIM = "sub";
  static final int TTL_SECONDS = 12 * 3600;
  static final String LOGIN_AT_CLAIM = "lat";
  static final String EXPIRES_CLAIM = "exp";
  static final String ISSUED_AT_CLAIM = "iat";
  static final long MAX_LOGIN_SECONDS = 30L * 24 * 3600;

  private final JWTAuth jwt;

  Tokens(Vertx vertx, String secret) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
        .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER).setLeeway(5)));
  }

  /** {@code {uid, token, expiresAt}} for a user at token version {@code tv}, who just gave the password. */
  JsonObject issue(String uid, long tokenVersion) {
    return issue(uid, tokenVersion, System.currentTimeMillis() / 1000);
  }

  /** A new token for verified {@code claims}, keeping their login time; refused once that is too old. */
  Future<JsonObject> refresh(JsonObject claims, String uid, long tokenVersion) {
    Object loginAt = claims.getValue(LOGIN_AT_CLAIM, claims.getValue(ISSUED_AT_CLAIM));
    if (!(loginAt instanceof Number n) || System.currentTimeMillis() / 1000 >= n.longValue() + MAX_LOGIN_SECONDS) {
      return Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("login too old, log in again"));
    }
    return Future.succeededFuture(issue(uid, tokenVersion, n.longValue()));
  }

  private JsonObject issue(String uid, long tokenVersion, long loginAtSeconds) {
    long nowSeconds = System.currentTimeMillis() / 1000;
    int ttl = (int) Math.min(TTL_SECONDS, loginAtSeconds + MAX_LOGIN_SECONDS - nowSeconds);
    String token = jwt.generateToken(new JsonObject().put(SUBJECT_CLAIM, uid).put(VERSION_CLAIM, tokenVersion)
            .put(LOGIN_AT_CLAIM, loginAtSeconds),
        new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER).setExpiresInSeconds(ttl));
    return new JsonObject().put(Field.UID, uid).put(Field.TOKEN, token)
        .put(Field.EXPIRES_AT, System.currentTimeMillis() + ttl * 1000L);
  }

  /** The principal with {@code exp} and {@code iat}, which Vert.x keeps among the user's attributes. */
  private static JsonObject claims(User user) {
    JsonObject claims = user.principal().copy();
    for (String time : new String[] {EXPIRES_CLAIM, ISSUED_AT_CLAIM}) {
      Object value = user.get(time);
      if (value != null && !claims.containsKey(time)) {
        claims.put(time, value);
      }
    }
    return claims;
  }

  /** The verified claims, or an {@code unauthenticated} failure. */
  Future<JsonObject> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token))
        .map(Tokens::claims)
        .compose(claims -> claims.getValue(SUBJECT_CLAIM) instanceof String && claims.getValue(VERSION_CLAIM) instanceof Number
                && claims.getValue(EXPIRES_CLAIM) instanceof Number
            ? Future.succeededFuture(claims)
            : Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("invalid token")))
        .recover(t -> Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("invalid or expired token")));
  }
}
