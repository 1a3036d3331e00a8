package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.system.Http.Response;
import palaver.system.Http.User;

@DisplayName("Accounts: register, login, tokens, profile, password, search, throttling")
class AccountsTest {
  private static final String PASSWORD = "plover-kettle-41";
  /** Known to the test so it can sign tokens the server must still refuse (expired, wrong algorithm, ...). */
  private static final String SECRET = Base64.getEncoder().encodeToString(
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
  /** The HMAC key is the configured secret's text, as user-service's Tokens uses it. */
  private static final byte[] KEY = SECRET.getBytes(StandardCharsets.UTF_8);
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() {
    server = TestServer.standalone(new JsonObject().put("jwtSecret", SECRET));
    http = server.http();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String uniqueLogin(String name) {
    return name + "-" + System.nanoTime() + "@test.palaver";
  }

  private static Response login(String login, String password) {
    return http.post("/auth/login", null, new JsonObject().put("login", login).put("password", password));
  }

  private static void assertError(Response r, int status, String code) {
    assertEquals(status, r.status(), r.text());
    assertEquals(code, r.errorCode(), r.text());
    assertNotNull(r.json().getJsonObject("error").getString("message"));
  }

  /** No answer may ever carry a password hash or the internal token version. */
  private static void assertNoSecrets(Response r) {
    assertFalse(r.text().contains("argon2"), r.text());
    assertFalse(r.text().contains("\"hash\""), r.text());
    assertFalse(r.text().contains("tokenVersion"), r.text());
  }

  @Test
  @DisplayName("Register answers 201 with uid, token and expiry, and the token works")
  void register() {
    Response r = http.post("/users", null, new JsonObject().put("login", uniqueLogin("reg"))
        .put("password", PASSWORD).put("nickname", "Reg"));
    assertEquals(201, r.status());
    assertNotNull(r.json().getString("uid"));
    assertTrue(r.json().getLong("expiresAt") > System.currentTimeMillis());
    assertNoSecrets(r);
    assertEquals(200, http.get("/users/me", r.json().getString("token")).status());
  }

  @Test
  @DisplayName("A login differing only in case is the same login: 409 conflict")
  void duplicateLoginCaseInsensitive() {
    String login = uniqueLogin("dup");
    http.register(login, PASSWORD, "Dup");
    Response again = http.post("/users", null, new JsonObject().put("login", login.toUpperCase())
        .put("password", PASSWORD).put("nickname", "Dup2"));
    assertError(again, 409, "conflict");
  }

  @Test
  @DisplayName("Sign-up and password change with a common password are 400 weak_password, saying why")
  void weakPasswordsRefused() {
    Response signUp = http.post("/users", null, new JsonObject().put("login", uniqueLogin("weak"))
        .put("password", "Password-123").put("nickname", "Weak"));
    assertError(signUp, 400, "weak_password");
    assertTrue(signUp.text().contains("too common"), signUp.text());
    User u = http.newUser("Strong");
    assertError(http.put("/users/me/password", u.token(), new JsonObject().put("oldPassword", PASSWORD)
        .put("newPassword", "qwertyuiop")), 400, "weak_password");
  }

  @Test
  @DisplayName("Bad registrations are 400 invalid and store nothing")
  void badRegistrations() {
    String login = uniqueLogin("bad");
    JsonObject ok = new JsonObject().put("login", login).put("password", PASSWORD).put("nickname", "Bad");
    assertError(http.post("/users", null, ok.copy().put("login", "not-an-email")), 400, "invalid");
    assertError(http.post("/users", null, ok.copy().put("password", "short")), 400, "invalid");
    assertError(http.post("/users", null, ok.copy().put("password", "x".repeat(129))), 400, "invalid");
    assertError(http.post("/users", null, ok.copy().put("nickname", "n".repeat(65))), 400, "invalid");
    assertError(http.post("/users", null, ok.copy().put("nickname", "   ")), 400, "invalid");
    assertError(http.post("/users", null, ok.copy().put("nickname", new JsonObject().put("a", 1))), 400, "invalid");
    assertError(http.post("/users", null, ok.copy().put("login", new JsonObject().put("$gt", ""))), 400, "invalid");
    JsonObject noPassword = ok.copy();
    noPassword.remove("password");
    assertError(http.post("/users", null, noPassword), 400, "invalid");
    assertError(http.post("/users", null, "[1,2]"), 400, "invalid");
    assertError(http.post("/users", null, "{\"login\":"), 400, "invalid");
    // Nothing was stored: the login is still free.
    assertEquals(201, http.post("/users", null, ok).status());
  }

  @Test
  @DisplayName("Login answers a working token; a wrong password or unknown login is 401")
  void loginPaths() {
    User u = http.newUser("Log");
    Response good = login(u.login().toUpperCase(), PASSWORD);
    assertEquals(200, good.status());
    assertEquals(u.uid(), good.json().getString("uid"));
    assertNoSecrets(good);
    assertError(login(u.login(), "wrong-password"), 401, "unauthenticated");
    assertError(login(uniqueLogin("nobody"), PASSWORD), 401, "unauthenticated");
    assertError(http.post("/auth/login", null, new JsonObject().put("login", u.login()).put("password", 5)),
        400, "invalid");
  }

  @Test
  @DisplayName("Refresh answers a new working token; without, or with a forged or revoked one, it is 401")
  void refresh() {
    User u = http.newUser("Fresh");
    Response r = http.post("/auth/refresh", u.token(), null);
    assertEquals(200, r.status());
    assertEquals(u.uid(), r.json().getString("uid"));
    String fresh = r.json().getString("token");
    assertEquals(200, http.get("/users/me", fresh).status());

    assertError(http.post("/auth/refresh", null, null), 401, "unauthenticated");
    assertError(http.post("/auth/refresh", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwidHYiOjB9.", null), 401,
        "unauthenticated");
    assertError(http.post("/auth/refresh", forgedToken(u.uid()), null), 401, "unauthenticated");
    assertEquals(200, http.post("/auth/logout", fresh, null).status());
    assertError(http.post("/auth/refresh", u.token(), null), 401, "unauthenticated");
  }

  /** A token with the right claims, signed by a key that is not the server's. */
  private static String forgedToken(String uid) {
    return signed("HS256", "HmacSHA256", new byte[32], claims(uid, 0, 3600));
  }

  private static JsonObject claims(String uid, long tokenVersion, long expiresInSeconds) {
    return new JsonObject().put("sub", uid).put("tv", tokenVersion).put("iss", "palaver")
        .put("iat", System.currentTimeMillis() / 1000).put("exp", System.currentTimeMillis() / 1000 + expiresInSeconds);
  }

  private static String signed(String alg, String macAlgorithm, byte[] key, JsonObject claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString(new JsonObject().put("alg", alg).put("typ", "JWT").encode()
        .getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance(macAlgorithm);
      mac.init(new javax.crypto.spec.SecretKeySpec(key, macAlgorithm));
      String signature = b64.encodeToString(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.UTF_8)));
      return header + "." + payload + "." + signature;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("Tokens signed with the server's key are refused when expired, of another algorithm or issuer, or of an old version")
  void tokenChecks() {
    User u = http.newUser("Claims");
    assertEquals(200, http.get("/users/me", signed("HS256", "HmacSHA256", KEY, claims(u.uid(), 0, 3600))).status(),
        "the test signs like the server");
    assertError(http.get("/users/me", signed("HS256", "HmacSHA256", KEY, claims(u.uid(), 0, -3600))), 401,
        "unauthenticated");
    assertError(http.get("/users/me", signed("HS512", "HmacSHA512", KEY, claims(u.uid(), 0, 3600))), 401,
        "unauthenticated");
    assertError(http.get("/users/me", signed("HS256", "HmacSHA256", KEY, claims(u.uid(), 0, 3600).put("iss", "evil"))),
        401, "unauthenticated");
    assertError(http.get("/users/me", signed("HS256", "HmacSHA256", KEY, claims(u.uid(), 7, 3600))), 401,
        "unauthenticated");
    assertError(http.get("/users/me", signed("HS256", "HmacSHA256", KEY, claims(u.uid(), 0, 3600).put("tv", "0"))),
        401, "unauthenticated");
    assertError(http.post("/auth/refresh", signed("HS256", "HmacSHA256", KEY, claims(u.uid(), 0, -3600)), null), 401,
        "unauthenticated");
  }

  @Test
  @DisplayName("Logout revokes every token of the user: REST is 401 and an open socket closes with 4401")
  void logoutRevokes() {
    User u = http.newUser("Out");
    String second = login(u.login(), PASSWORD).json().getString("token");
    try (WsClient ws = server.ws(second)) {
      assertEquals(200, http.post("/auth/logout", u.token(), null).status());
      assertEquals(4401, ws.awaitClose());
    }
    assertError(http.get("/users/me", u.token()), 401, "unauthenticated");
    assertError(http.get("/users/me", second), 401, "unauthenticated");
    assertError(http.post("/auth/logout", u.token(), null), 401, "unauthenticated");
    assertEquals(200, login(u.login(), PASSWORD).status());
  }

  @Test
  @DisplayName("GET /users/me answers the own profile, /users/{uid} another's nickname and avatar only, both without secrets; an unknown uid is 404")
  void profiles() {
    User u = http.newUser("Prof");
    User other = http.newUser("Other");
    Response me = http.get("/users/me", u.token());
    assertEquals(200, me.status());
    assertEquals(u.login(), me.json().getString("login"));
    assertEquals("Prof", me.json().getString("nickname"));
    assertNoSecrets(me);
    Response them = http.get("/users/" + other.uid(), u.token());
    assertEquals(200, them.status());
    assertEquals("Other", them.json().getString("nickname"));
    assertNoSecrets(them);
    assertEquals(java.util.Set.of("uid", "nickname", "avatar"), them.json().fieldNames(),
        "another user's profile has no login (an email) and no gender");
    assertError(http.get("/users/nope", u.token()), 404, "not_found");
    assertError(http.get("/users/" + other.uid(), null), 401, "unauthenticated");
  }

  @Test
  @DisplayName("PATCH /users/me changes nickname, gender and avatar; null clears the avatar")
  void updateProfile() {
    User u = http.newUser("Patch");
    Response r = http.patch("/users/me", u.token(), new JsonObject().put("nickname", " Patched ")
        .put("gender", "female").put("avatar", "file-123"));
    assertEquals(200, r.status(), r.text());
    assertEquals("Patched", r.json().getString("nickname"));
    assertNoSecrets(r);
    JsonObject me = http.get("/users/me", u.token()).json();
    assertEquals("Patched", me.getString("nickname"));
    assertEquals("female", me.getString("gender"));
    assertEquals("file-123", me.getString("avatar"));
    assertEquals(200, http.patch("/users/me", u.token(), new JsonObject().putNull("avatar")).status());
    assertNull(http.get("/users/me", u.token()).json().getString("avatar"));
    assertEquals("Patched", http.get("/users/me", u.token()).json().getString("nickname"));
  }

  @Test
  @DisplayName("Bad profile changes are 400 and change nothing; another user's uid in the body is ignored")
  void badProfileChanges() {
    User u = http.newUser("Keep");
    User other = http.newUser("Untouched");
    assertError(http.patch("/users/me", u.token(), new JsonObject()), 400, "invalid");
    assertError(http.patch("/users/me", u.token(), new JsonObject().put("gender", "robot")), 400, "invalid");
    assertError(http.patch("/users/me", u.token(), new JsonObject().put("nickname", 7)), 400, "invalid");
    assertError(http.patch("/users/me", u.token(), new JsonObject().put("nickname", "x").put("login", "a@b.c")),
        400, "invalid");
    assertError(http.patch("/users/me", u.token(), new JsonObject().put("avatar", "a".repeat(129))), 400, "invalid");
    assertError(http.patch("/users/me", u.token(), new JsonObject().put("avatar", new JsonObject())), 400, "invalid");
    assertError(http.patch("/users/me", null, new JsonObject().put("nickname", "x")), 401, "unauthenticated");
    assertEquals("Keep", http.get("/users/me", u.token()).json().getString("nickname"));

    Response r = http.patch("/users/me", u.token(), new JsonObject().put("uid", other.uid()).put("nickname", "Mine"));
    assertEquals(200, r.status());
    assertEquals(u.uid(), r.json().getString("uid"));
    assertEquals("Untouched", http.get("/users/" + other.uid(), u.token()).json().getString("nickname"));
  }

  @Test
  @DisplayName("A password change answers a new token and revokes the old ones, closing open sockets with 4401")
  void passwordChange() {
    User u = http.newUser("Pass");
    try (WsClient ws = server.ws(u)) {
      Response r = http.put("/users/me/password", u.token(), new JsonObject().put("oldPassword", PASSWORD)
          .put("newPassword", "new-plover-kettle-42"));
      assertEquals(200, r.status(), r.text());
      assertNoSecrets(r);
      assertEquals(4401, ws.awaitClose());
      assertEquals(200, http.get("/users/me", r.json().getString("token")).status());
    }
    assertError(http.get("/users/me", u.token()), 401, "unauthenticated");
    assertError(login(u.login(), PASSWORD), 401, "unauthenticated");
    assertEquals(200, login(u.login(), "new-plover-kettle-42").status());
  }

  @Test
  @DisplayName("A wrong old password is 403, a bad new one 400, and the password stays")
  void badPasswordChanges() {
    User u = http.newUser("Stay");
    assertError(http.put("/users/me/password", u.token(), new JsonObject().put("oldPassword", "wrong-one")
        .put("newPassword", "new-plover-kettle-42")), 403, "forbidden");
    assertError(http.put("/users/me/password", u.token(), new JsonObject().put("oldPassword", PASSWORD)
        .put("newPassword", "short")), 400, "invalid");
    assertError(http.put("/users/me/password", u.token(), new JsonObject().put("oldPassword", PASSWORD)), 400,
        "invalid");
    assertError(http.put("/users/me/password", u.token(), new JsonObject().put("oldPassword", PASSWORD)
        .put("newPassword", new JsonArray())), 400, "invalid");
    assertEquals(200, http.get("/users/me", u.token()).status());
    assertEquals(200, login(u.login(), PASSWORD).status());
  }

  @Test
  @DisplayName("Search finds users by a part of their nickname, never by login, case-insensitively, paged")
  void search() {
    String tag = "zq" + Long.toString(System.nanoTime(), 36);
    User a = http.register(tag + "-a@test.palaver", PASSWORD, tag + " Alpha");
    http.register("other-" + System.nanoTime() + "@test.palaver", PASSWORD, tag.toUpperCase() + " Beta");
    http.register("third-" + System.nanoTime() + "@test.palaver", PASSWORD, tag + " Gamma");

    Response all = http.get("/users?q=" + tag.toUpperCase(), a.token());
    assertEquals(200, all.status(), all.text());
    assertEquals(3, all.json().getJsonArray("users").size());
    assertFalse(all.json().getBoolean("more"));
    assertNoSecrets(all);
    all.json().getJsonArray("users").forEach(u -> assertEquals(java.util.Set.of("uid", "nickname", "avatar"),
        ((JsonObject) u).fieldNames(), "no login (an email) and no gender in search results"));

    Response page = http.get("/users?q=" + tag + "&limit=2", a.token());
    assertEquals(2, page.json().getJsonArray("users").size());
    assertTrue(page.json().getBoolean("more"));
    Response rest = http.get("/users?q=" + tag + "&limit=2&offset=2", a.token());
    assertEquals(1, rest.json().getJsonArray("users").size());
    assertFalse(rest.json().getBoolean("more"));

    Response byLogin = http.get("/users?q=" + tag + "-a%40", a.token());
    assertEquals(0, byLogin.json().getJsonArray("users").size(), "a login (an email) is never searched");
  }

  /** The path is under /api/v1 explicitly: Http treats paths with dots as outside it. */
  private static Response search(User u, String q) {
    return http.get("/api/v1/users?q=" + java.net.URLEncoder.encode(q, StandardCharsets.UTF_8), u.token());
  }

  @Test
  @DisplayName("Search text is matched literally, never as a regex")
  void searchIsLiteral() {
    User u = http.newUser("Lit");
    http.register("dots-" + System.nanoTime() + "@test.palaver", PASSWORD, "a.b(c)*");
    assertEquals(0, search(u, ".*").json().getJsonArray("users").size());
    assertEquals(0, search(u, "^").json().getJsonArray("users").size());
    assertEquals(0, search(u, "[a-z]").json().getJsonArray("users").size());
    Response exact = search(u, "A.B(c)*");
    assertEquals(200, exact.status());
    assertEquals(1, exact.json().getJsonArray("users").size());
    assertEquals(200, search(u, "\\E[Z").status());
  }

  @Test
  @DisplayName("Search without q, with a bad limit or without a token is refused")
  void badSearches() {
    User u = http.newUser("Seek");
    assertError(http.get("/users", u.token()), 400, "invalid");
    assertError(http.get("/users?q=%20", u.token()), 400, "invalid");
    assertError(http.get("/users?q=" + "a".repeat(65), u.token()), 400, "invalid");
    assertError(http.get("/users?q=a&limit=0", u.token()), 400, "invalid");
    assertError(http.get("/users?q=a&limit=x", u.token()), 400, "invalid");
    assertError(http.get("/users?q=a&offset=-1", u.token()), 400, "invalid");
    assertError(http.get("/users?q=a", null), 401, "unauthenticated");
  }

  @Test
  @DisplayName("After 5 failed logins the client waits a second for that login (429, Retry-After), then the right password works")
  void perLoginThrottle() {
    User victim = http.newUser("Victim");
    User bystander = http.newUser("Bystander");
    for (int i = 0; i < 5; i++) {
      assertEquals(401, login(victim.login(), "wrong-" + i).status());
    }
    Response limited = login(victim.login(), PASSWORD);
    assertError(limited, 429, "rate_limited");
    assertEquals("1", limited.headers().get("Retry-After"), "a growing delay, not a 15-minute lockout");
    assertError(login(victim.login().toUpperCase(), PASSWORD), 429, "rate_limited");
    assertEquals(200, login(bystander.login(), PASSWORD).status());
    palaver.testing.Await.until("the delay is over", 5_000, () -> login(victim.login(), PASSWORD).status() == 200);
  }

  @Test
  @DisplayName("A successful login clears the login's failures")
  void successClearsLoginFailures() {
    User u = http.newUser("Clear");
    for (int i = 0; i < 4; i++) {
      assertEquals(401, login(u.login(), "wrong-" + i).status());
    }
    assertEquals(200, login(u.login(), PASSWORD).status());
    for (int i = 0; i < 4; i++) {
      assertEquals(401, login(u.login(), "wrong-again-" + i).status());
    }
    assertEquals(200, login(u.login(), PASSWORD).status());
  }
}
