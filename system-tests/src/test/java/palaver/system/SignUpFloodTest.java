package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.Setting;
import palaver.testing.Await;

/**
 * Its own node with the deployment's default sign-up limit per address (test nodes raise it,
 * since all their users sign up from 127.0.0.1).
 */
@DisplayName("A flood of sign-ups from one address")
class SignUpFloodTest {
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void startNode() {
    server = TestServer.standalone(new JsonObject().put(Setting.SIGN_UPS_PER_IP_PER_MINUTE.key(),
        (Integer) Setting.SIGN_UPS_PER_IP_PER_MINUTE.defaultValue()));
    http = server.http();
  }

  @AfterAll
  static void stopNode() {
    server.close();
  }
  private static final int PARALLEL = 40;
  private static final String PASSWORD = "plover-kettle-41";

  private record SignUp(String login, Future<HttpResponse<Buffer>> response) {
    int status() {
      return response.result().statusCode();
    }
  }

  private static List<SignUp> flood(WebClient client, String nickname) {
    List<SignUp> signUps = new ArrayList<>();
    for (int i = 0; i < PARALLEL; i++) {
      String login = nickname.toLowerCase() + "-" + i + "@test.palaver";
      signUps.add(new SignUp(login, client.post(server.httpPort(), "127.0.0.1", "/api/v1/users")
          .sendJsonObject(new JsonObject().put("login", login).put("password", PASSWORD).put("nickname", nickname))));
    }
    return signUps;
  }

  @Test
  @DisplayName("40 parallel sign-ups from one IP: some 429 with Retry-After, none 503, exactly the 201s exist and log in, "
      + "and another user's login is answered meanwhile")
  void floodIsLimitedAndHonest() {
    Http.User innocent = http.newUser("Innocent");
    String nickname = "Flood" + System.nanoTime();
    WebClient client = WebClient.create(server.node().vertx(), new WebClientOptions(), new PoolOptions().setHttp1MaxSize(PARALLEL));
    try {
      long start = System.nanoTime();
      List<SignUp> signUps = flood(client, nickname);
      Http.Response login = http.post("/auth/login", null, new JsonObject().put("login", innocent.login()).put("password", PASSWORD));
      long loginMs = (System.nanoTime() - start) / 1_000_000;
      Await.result(Future.join(signUps.stream().map(SignUp::response).toList()).otherwiseEmpty());
      long floodMs = (System.nanoTime() - start) / 1_000_000;
      assertEquals(200, login.status(), "another user's login during the flood: " + login.text());

      Set<String> created = new HashSet<>();
      int limited = 0;
      for (SignUp s : signUps) {
        assertTrue(s.response().succeeded(), s.login() + ": " + s.response().cause());
        if (s.status() == 201) {
          created.add(s.response().result().bodyAsJsonObject().getString("uid"));
          assertEquals(200, http.post("/auth/login", null, new JsonObject().put("login", s.login()).put("password", PASSWORD))
              .status(), s.login() + " was created but can't log in");
        } else {
          assertEquals(429, s.status(), s.login() + ": " + s.response().result().bodyAsString());
          assertNotNull(s.response().result().getHeader("Retry-After"), s.login() + ": 429 without Retry-After");
          limited++;
        }
      }
      assertTrue(limited > 0, "none of " + PARALLEL + " sign-ups from one IP was refused");
      assertEquals(created, existingUids(innocent, nickname), "the accounts that exist are exactly the ones answered 201");
      System.out.printf("sign-up flood: %d created, %d refused 429; another user's login answered in %d ms, flood in %d ms%n",
          created.size(), limited, loginMs, floodMs);
    } finally {
      client.close();
    }
  }

  private static Set<String> existingUids(Http.User searcher, String nickname) {
    Http.Response found = http.get("/users?q=" + nickname + "&limit=50", searcher.token());
    assertEquals(200, found.status(), found.text());
    Set<String> uids = new HashSet<>();
    found.json().getJsonArray("users").forEach(u -> uids.add(((JsonObject) u).getString("uid")));
    return uids;
  }
}
