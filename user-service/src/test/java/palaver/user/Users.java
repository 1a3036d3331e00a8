package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;
import palaver.api.Address;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.testing.Await;
import palaver.testing.FakeNeighbour;
import palaver.testing.ServiceUnderTest;

/** Test helpers: user-service under test with its neighbour, and accounts in it. */
final class Users {
  static final String PASSWORD = "correct horse battery";
  /** How long a test waits for something published, at most. */
  static final long PUBLISH_WAIT_MS = 10_000;

  /** A registered account: its uid, login and first token. */
  record Account(String uid, String login, String nickname, String token) {
  }

  private Users() {
  }

  /**
   * session-service as user-service sees it: it only asks for a user's
   * memberships, to tell co-members about presence. Every user is in one
   * session, {@code session-of-<uid>}.
   */
  static FakeNeighbour sessionService() {
    return new FakeNeighbour("session-service").answer(Address.SESSION_MEMBERSHIPS, body -> Future.succeededFuture(
        new JsonObject().put(Field.SESSIONS, new JsonArray()
            .add(new JsonObject().put(Field.SID, sessionOf(body.getString(Field.UID)))))))
        .reply(Address.SESSION_FORGET_USER, new JsonObject().put(Field.REMOVED, 0));
  }

  static String sessionOf(String uid) {
    return "session-of-" + uid;
  }

  static ServiceUnderTest start(FakeNeighbour sessionService) {
    return start(sessionService, UserVerticle::new);
  }

  static ServiceUnderTest start(FakeNeighbour sessionService, Supplier<UserVerticle> verticle) {
    return ServiceUnderTest.start(new JsonObject(), List.of(sessionService), verticle);
  }

  /** A new account with a unique login; nickname as given. */
  static Account register(ServiceUnderTest sut, String nickname) {
    String login = "u" + Ids.randomBytes(6).replace('-', 'x').replace('_', 'y').toLowerCase() + "@example.org";
    JsonObject reply = sut.request(Address.USER_REGISTER, registration(login, PASSWORD, nickname));
    return new Account(reply.getString(Field.UID), login, nickname, reply.getString(Field.TOKEN));
  }

  /**
   * An account written straight to the store, without a usable password:
   * for tests that are not about registering, and cheaper than an Argon2 hash.
   */
  static Account create(ServiceUnderTest sut, String nickname) {
    String uid = Ids.random();
    String login = unique("u").toLowerCase() + "@example.org";
    Await.result(new UserStore(sut.mongo()).insert(uid, login, nickname, "no password"));
    return new Account(uid, login, nickname, null);
  }

  static JsonObject registration(String login, String password, String nickname) {
    return new JsonObject().put(Field.LOGIN, login).put(Field.PASSWORD, password).put(Field.NICKNAME, nickname);
  }

  static JsonObject uid(String uid) {
    return new JsonObject().put(Field.UID, uid);
  }

  static JsonObject token(String token) {
    return new JsonObject().put(Field.TOKEN, token);
  }

  /** A unique word, so tests sharing one store don't see each other's data. */
  static String unique(String prefix) {
    return prefix + Ids.randomBytes(6).replaceAll("[^A-Za-z0-9]", "z");
  }

  /** Waits until {@code seen} holds a frame with {@code event}; that frame. */
  static JsonObject awaitEvent(List<JsonObject> seen, String event) {
    Await.until(event + " event", PUBLISH_WAIT_MS, () -> seen.stream().anyMatch(f -> event.equals(f.getString(Field.EVENT))));
    return seen.stream().filter(f -> event.equals(f.getString(Field.EVENT))).findFirst().orElseThrow();
  }
}
