package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.testing.Await;
import palaver.testing.FakeNeighbour;
import palaver.testing.ServiceUnderTest;

/**
 * Logins sent in parallel against a user-service that holds every answer until
 * the test lets it go, so all attempts are in flight at once.
 */
class ParallelLoginTest {
  private static final int PARALLEL = 40;
  private final Promise<Void> answersHeld = Promise.promise();
  private final FakeNeighbour users = new FakeNeighbour("user-service")
      .answer(Address.USER_LOGIN, body -> answersHeld.future()
          .compose(v -> Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("wrong login or password"))));
  private final ServiceUnderTest sut = ServiceUnderTest.start(new JsonObject(), List.of(users), GatewayVerticle::new);
  private final WebClient http = WebClient.create(sut.vertx(), new WebClientOptions(),
      new PoolOptions().setHttp1MaxSize(PARALLEL));

  @AfterEach
  void stop() {
    http.close();
    sut.close();
  }

  private Future<HttpResponse<Buffer>> wrongLogin(String login) {
    return http.post(sut.httpPort(), "127.0.0.1", "/api/v1/auth/login")
        .sendJsonObject(new JsonObject().put(Field.LOGIN, login).put(Field.PASSWORD, "wrong"));
  }

  private static long withStatus(List<Future<HttpResponse<Buffer>>> responses, int status) {
    return responses.stream().filter(f -> f.succeeded() && f.result().statusCode() == status).count();
  }

  @Test
  @DisplayName("Parallel wrong logins for one login: at most the limit reach user-service, the others get 429 at once")
  void parallelWrongLoginsAreThrottled() {
    List<Future<HttpResponse<Buffer>>> responses = new ArrayList<>();
    for (int i = 0; i < PARALLEL; i++) {
      responses.add(wrongLogin("alice"));
    }
    Await.until("every attempt answered 429 or held by user-service", 10_000,
        () -> users.requests(Address.USER_LOGIN).size() + withStatus(responses, 429) == PARALLEL);
    assertEquals(LoginThrottle.FAILURES_PER_LOGIN, users.requests(Address.USER_LOGIN).size());

    sut.vertx().runOnContext(v -> answersHeld.complete());
    Await.result(Future.join(new ArrayList<>(responses)));
    assertEquals(LoginThrottle.FAILURES_PER_LOGIN, withStatus(responses, 401));
  }
}
