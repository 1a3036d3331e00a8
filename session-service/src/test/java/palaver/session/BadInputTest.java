package palaver.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import palaver.api.Address;
import palaver.api.Field;
import palaver.testing.Await;

/**
 * Every operation refuses malformed requests with 400 before touching the
 * store: missing fields, wrong types, out-of-range values and {@code $}-keys.
 */
@DisplayName("Malformed requests are refused with 400")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  private SessionService s;
  private String owner;
  private String sid;

  @BeforeAll
  void start() {
    s = SessionService.start();
    owner = s.user("Ann");
    sid = s.group(owner, "public");
  }

  @AfterAll
  void stop() {
    s.close();
  }

  /** A request that would succeed (for the owner of an existing group) but for its one flaw. */
  private record Case(String description, String address, JsonObject body) {
    @Override
    public String toString() {
      return description;
    }
  }

  private static JsonObject body(Object... keysAndValues) {
    JsonObject body = new JsonObject();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      body.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return body;
  }

  /** Bodies with "OWNER"/"SID" placeholders, filled in with the fixture's ids. */
  Stream<Arguments> cases() {
    JsonObject operator = new JsonObject().put("$ne", "");
    return Stream.of(
        new Case("create without uid", Address.SESSION_CREATE, body(Field.TYPE, "group", Field.NAME, "x")),
        new Case("create with a numeric uid", Address.SESSION_CREATE, body(Field.UID, 7, Field.TYPE, "group", Field.NAME, "x")),
        new Case("create without type", Address.SESSION_CREATE, body(Field.UID, "OWNER", Field.NAME, "x")),
        new Case("create of an unknown type", Address.SESSION_CREATE, body(Field.UID, "OWNER", Field.TYPE, "room", Field.NAME, "x")),
        new Case("a group without name", Address.SESSION_CREATE, body(Field.UID, "OWNER", Field.TYPE, "group")),
        new Case("a group with a blank name", Address.SESSION_CREATE, body(Field.UID, "OWNER", Field.TYPE, "group", Field.NAME, "   ")),
        new Case("a group name with control characters", Address.SESSION_CREATE,
            body(Field.UID, "OWNER", Field.TYPE, "group", Field.NAME, "a\u0007b")),
        new Case("a group name longer than 64 characters", Address.SESSION_CREATE,
            body(Field.UID, "OWNER", Field.TYPE, "group", Field.NAME, "n".repeat(65))),
        new Case("a group of an unknown visibility", Address.SESSION_CREATE,
            body(Field.UID, "OWNER", Field.TYPE, "group", Field.NAME, "x", Field.VISIBILITY, "secret")),
        new Case("a private session without peer", Address.SESSION_CREATE, body(Field.UID, "OWNER", Field.TYPE, "private")),
        new Case("a private session with a numeric peer", Address.SESSION_CREATE,
            body(Field.UID, "OWNER", Field.TYPE, "private", Field.PEER, 5)),
        new Case("a private session with oneself", Address.SESSION_CREATE,
            body(Field.UID, "OWNER", Field.TYPE, "private", Field.PEER, "OWNER")),
        new Case("get without sid", Address.SESSION_GET, body(Field.UID, "OWNER")),
        new Case("get with an operator as sid", Address.SESSION_GET, body(Field.UID, "OWNER", Field.SID, operator)),
        new Case("get with a $-key beside valid fields", Address.SESSION_GET,
            body(Field.UID, "OWNER", Field.SID, "SID", "$where", "1")),
        new Case("list without uid", Address.SESSION_LIST, body()),
        new Case("memberships with a uid array", Address.SESSION_MEMBERSHIPS, body(Field.UID, new JsonArray().add("OWNER"))),
        new Case("checkMember without sid", Address.SESSION_CHECK_MEMBER, body(Field.UID, "OWNER")),
        new Case("join with an operator as uid", Address.SESSION_JOIN, body(Field.UID, operator, Field.SID, "SID")),
        new Case("invite without member", Address.SESSION_INVITE, body(Field.UID, "OWNER", Field.SID, "SID")),
        new Case("leave with a numeric sid", Address.SESSION_LEAVE, body(Field.UID, "OWNER", Field.SID, 1)),
        new Case("remove without member", Address.SESSION_REMOVE, body(Field.UID, "OWNER", Field.SID, "SID")),
        new Case("setRole of an unknown role", Address.SESSION_SET_ROLE,
            body(Field.UID, "OWNER", Field.SID, "SID", Field.MEMBER, "someone", Field.ROLE, "king")),
        new Case("setRole without role", Address.SESSION_SET_ROLE,
            body(Field.UID, "OWNER", Field.SID, "SID", Field.MEMBER, "someone")),
        new Case("setRole on oneself", Address.SESSION_SET_ROLE,
            body(Field.UID, "OWNER", Field.SID, "SID", Field.MEMBER, "OWNER", Field.ROLE, "admin")),
        new Case("update with nothing to change", Address.SESSION_UPDATE, body(Field.UID, "OWNER", Field.SID, "SID")),
        new Case("update to an unknown visibility", Address.SESSION_UPDATE,
            body(Field.UID, "OWNER", Field.SID, "SID", Field.VISIBILITY, "secret")),
        new Case("update with a numeric name", Address.SESSION_UPDATE, body(Field.UID, "OWNER", Field.SID, "SID", Field.NAME, 3)),
        new Case("update with an icon longer than 128 characters", Address.SESSION_UPDATE,
            body(Field.UID, "OWNER", Field.SID, "SID", Field.ICON, "i".repeat(129))),
        new Case("read without seq", Address.SESSION_READ, body(Field.UID, "OWNER", Field.SID, "SID")),
        new Case("read with a text seq", Address.SESSION_READ, body(Field.UID, "OWNER", Field.SID, "SID", Field.SEQ, "3")),
        new Case("read with a negative seq", Address.SESSION_READ, body(Field.UID, "OWNER", Field.SID, "SID", Field.SEQ, -1)),
        new Case("directory with limit 0", Address.SESSION_DIRECTORY, body(Field.UID, "OWNER", Field.LIMIT, 0)),
        new Case("directory with limit above 100", Address.SESSION_DIRECTORY, body(Field.UID, "OWNER", Field.LIMIT, 101)),
        new Case("directory with a negative offset", Address.SESSION_DIRECTORY, body(Field.UID, "OWNER", Field.OFFSET, -1)),
        new Case("directory with a numeric query", Address.SESSION_DIRECTORY, body(Field.UID, "OWNER", Field.QUERY, 12)),
        new Case("directory with an operator as query", Address.SESSION_DIRECTORY, body(Field.UID, "OWNER", Field.QUERY, operator)))
        .map(Arguments::of);
  }

  private JsonObject filledIn(JsonObject body) {
    JsonObject out = new JsonObject();
    body.forEach(e -> out.put(e.getKey(), "OWNER".equals(e.getValue()) ? owner : "SID".equals(e.getValue()) ? sid : e.getValue()));
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @DisplayName("A malformed request is refused with 400")
  void refused(Case c) {
    assertEquals(400, s.failureCode(c.address(), filledIn(c.body())));
  }

  @Test
  @DisplayName("A body that is not a JSON object is refused with 400")
  void notAnObject() {
    Throwable t = Await.failure(s.service.vertx().eventBus().request(Address.SESSION_GET, "{\"uid\":\"x\"}"));
    assertEquals(400, ((ReplyException) t).failureCode());
  }

  @Test
  @DisplayName("The fixture's valid requests succeed, so each case above fails for its flaw alone")
  void validBaseline() {
    s.request(Address.SESSION_GET, filledIn(body(Field.UID, "OWNER", Field.SID, "SID")));
    s.request(Address.SESSION_READ, filledIn(body(Field.UID, "OWNER", Field.SID, "SID", Field.SEQ, 0)));
    s.request(Address.SESSION_DIRECTORY, filledIn(body(Field.UID, "OWNER", Field.LIMIT, 100, Field.OFFSET, 0)));
  }
}
