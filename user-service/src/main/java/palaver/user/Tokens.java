package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
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
 */
final class Tokens {
  static final String ISSUER = "palaver";
  static final String VERSION_CLAIM = "tv";
  static final String SUBJECT_CLAIM = "sub";
  static final int TTL_SECONDS = 12 * 3600;

  private final JWTAuth jwt;

  Tokens(Vertx vertx, String secret) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
        .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER).setLeeway(5)));
  }

  /** {@code {uid, token, expiresAt}} for a user at token version {@code tv}. */
  JsonObject issue(String uid, long tokenVersion) {
    long now = System.currentTimeMillis();
    String token = jwt.generateToken(new JsonObject().put(SUBJECT_CLAIM, uid).put(VERSION_CLAIM, tokenVersion),
        new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER).setExpiresInSeconds(TTL_SECONDS));
    return new JsonObject().put(Field.UID, uid).put(Field.TOKEN, token)
        .put(Field.EXPIRES_AT, now + TTL_SECONDS * 1000L);
  }

  /** The verified claims, or an {@code unauthenticated} failure. */
  Future<JsonObject> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token))
        .map(user -> user.principal())
        .compose(claims -> claims.getValue(SUBJECT_CLAIM) instanceof String && claims.getValue(VERSION_CLAIM) instanceof Number
            ? Future.succeededFuture(claims)
            : Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("invalid token")))
        .recover(t -> Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("invalid or expired token")));
  }
}
