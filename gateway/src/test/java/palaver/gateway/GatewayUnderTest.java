package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import palaver.api.Address;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.testing.FakeNeighbour;
import palaver.testing.ServiceUnderTest;

/**
 * The gateway on a real Vert.x with user-, session- and message-service as
 * fakes answering what the gateway asks them. Tokens are {@code token-<uid>};
 * every user is a member of {@link #SID}; a send to {@link #CLOSED_SID} is
 * refused as forbidden; a sync misses {@link #MISSED}. A user in {@link #revoked} has had every token revoked
 * (as by a password change); a user in {@link #removed} is no longer a member of {@link #SID}.
 * For calls: {@link #ROMEO} and {@link #JULIET} share the private session {@link #PRIVATE_SID} and, with
 * {@link #MERCUTIO}, the group {@link #GROUP_SID}; {@link #TYBALT} and Romeo share {@link #BLOCKED_SID},
 * a private session whose users block each other; {@link #LATER_SID} is a private session of Romeo's and
 * Mercutio's that no list names (as one made after the socket connected), known to {@code session.get} only.
 */
final class GatewayUnderTest implements AutoCloseable {
  static final String SID = "s1";
  static final String CLOSED_SID = "closed";
  /** Where the fake message-service takes an upload's chunks (any upload: it stores nothing). */
  static final String UPLOAD_ADDRESS = "test.upload.stream";
  private static final String TOKEN_PREFIX = "token-";
  static final String ROMEO = "romeo";
  static final String JULIET = "juliet";
  static final String MERCUTIO = "mercutio";
  static final String TYBALT = "tybalt";
  static final String PRIVATE_SID = "p-romeo-juliet";
  static final String GROUP_SID = "g-verona";
  static final String BLOCKED_SID = "p-romeo-tybalt";
  static final String LATER_SID = "p-romeo-mercutio";
  /** The message every sync answers with, in {@link #SID}. */
  static final JsonObject MISSED = new JsonObject().put(Field.TYPE, "message").put(Field.SID, SID).put(Field.SEQ, 3);

  final Set<String> revoked = ConcurrentHashMap.newKeySet();
  final Set<String> removed = ConcurrentHashMap.newKeySet();
  final FakeNeighbour users = new FakeNeighbour("user-service")
      .answer(Address.USER_AUTHENTICATE, GatewayUnderTest::authenticate)
      .answer(Address.USER_TOKEN_CHECK, body -> revoked.contains(body.getString(Field.UID))
          ? Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("token revoked"))
          : Future.succeededFuture(new JsonObject()))
      .answer(Address.USER_LOGIN, body -> Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("wrong login or password")))
      .answer(Address.USER_PRESENCE, body -> Future.succeededFuture(new JsonObject().put(Field.STATE, body.getString(Field.STATE))));
  final FakeNeighbour sessions = new FakeNeighbour("session-service")
      .answer(Address.SESSION_LIST, body -> Future.succeededFuture(new JsonObject().put(Field.SESSIONS,
          removed.contains(body.getString(Field.UID)) ? new JsonArray() : callSessions(body.getString(Field.UID), new JsonArray()
              .add(new JsonObject().put(Field.SID, SID).put(Field.LAST_SEQ, 3L).put(Field.READ_SEQ, 1L))))))
      .answer(Address.SESSION_GET, GatewayUnderTest::sessionInfo)
      .answer(Address.SESSION_CHECK_MEMBER, body -> Future.succeededFuture(BLOCKED_SID.equals(body.getString(Field.SID))
          ? new JsonObject().put(Field.ROLE, "member").put(Field.BLOCKED, true) : new JsonObject().put(Field.ROLE, "member")))
      .answer(Address.SESSION_READ, body -> Future.succeededFuture(
          new JsonObject().put(Field.SID, body.getString(Field.SID)).put(Field.READ_SEQ, body.getLong(Field.SEQ))));
  final FakeNeighbour messages = new FakeNeighbour("message-service")
      .answer(Address.MESSAGE_SEND, GatewayUnderTest::ack)
      .reply(Address.MESSAGE_HISTORY, new JsonObject().put(Field.MESSAGES, new JsonArray()))
      .reply(Address.FILE_BEGIN, new JsonObject().put(Field.UPLOAD_ID, "up-1").put("address", UPLOAD_ADDRESS))
      .answer(UPLOAD_ADDRESS, body -> Future.succeededFuture("finish".equals(body.getString("op"))
          ? new JsonObject().put(Field.ID, "f-1") : new JsonObject()))
      .reply(Address.MESSAGE_SYNC, new JsonObject()
          .put(Field.SESSIONS, new JsonObject().put(SID, new JsonArray().add(MISSED)))
          .put(Field.MORE, new JsonArray().add(SID)).put(Field.FORBIDDEN, new JsonArray().add(CLOSED_SID)));
  final ServiceUnderTest sut;

  GatewayUnderTest(JsonObject settings) {
    sut = ServiceUnderTest.start(settings, List.of(users, sessions, messages), GatewayVerticle::new);
  }

  GatewayUnderTest() {
    this(new JsonObject());
  }

  static String token(String uid) {
    return TOKEN_PREFIX + uid;
  }

  int port() {
    return sut.httpPort();
  }

  /** A socket authenticated as {@code uid} (its {@code ready} already read). */
  TestSocket socketOf(String uid) {
    TestSocket socket = TestSocket.open(sut.vertx(), port());
    JsonObject ready = socket.auth(token(uid));
    if (!"ready".equals(ready.getString(Field.TYPE))) {
      socket.close();
      throw new AssertionError("expected ready, got " + ready);
    }
    return socket;
  }

  /** The one request message-service got for the send with this cid. */
  JsonObject sendRequest(String cid) {
    List<JsonObject> found = messages.requests(Address.MESSAGE_SEND).stream()
        .filter(r -> cid.equals(r.getValue(Field.CID))).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one send of cid " + cid + ", got " + found);
    }
    return found.get(0);
  }

  /** The call test's sessions a user is in, after {@code list}'s. */
  private static JsonArray callSessions(String uid, JsonArray list) {
    if (ROMEO.equals(uid) || JULIET.equals(uid)) {
      list.add(privateSession(PRIVATE_SID, ROMEO.equals(uid) ? JULIET : ROMEO));
    }
    if (ROMEO.equals(uid) || TYBALT.equals(uid)) {
      list.add(privateSession(BLOCKED_SID, ROMEO.equals(uid) ? TYBALT : ROMEO));
    }
    if (ROMEO.equals(uid) || JULIET.equals(uid) || MERCUTIO.equals(uid)) {
      list.add(new JsonObject().put(Field.SID, GROUP_SID).put(Field.TYPE, "group").put(Field.LAST_SEQ, 0L).put(Field.READ_SEQ, 0L));
    }
    return list;
  }

  private static JsonObject privateSession(String sid, String peer) {
    return new JsonObject().put(Field.SID, sid).put(Field.TYPE, "private").put(Field.PEER, new JsonObject().put(Field.UID, peer))
        .put(Field.LAST_SEQ, 0L).put(Field.READ_SEQ, 0L);
  }

  private static Future<JsonObject> sessionInfo(JsonObject body) {
    String uid = body.getString(Field.UID);
    if (LATER_SID.equals(body.getString(Field.SID)) && (ROMEO.equals(uid) || MERCUTIO.equals(uid))) {
      return Future.succeededFuture(privateSession(LATER_SID, ROMEO.equals(uid) ? MERCUTIO : ROMEO));
    }
    return Future.failedFuture(ErrorCode.FORBIDDEN.exception("not a member of this session"));
  }

  private static Future<JsonObject> authenticate(JsonObject body) {
    String token = body.getString(Field.TOKEN, "");
    if (!token.startsWith(TOKEN_PREFIX)) {
      return Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("invalid token"));
    }
    String uid = token.substring(TOKEN_PREFIX.length());
    return Future.succeededFuture(new JsonObject().put(Field.UID, uid).put(Field.NICKNAME, uid));
  }

  private static Future<JsonObject> ack(JsonObject send) {
    if (CLOSED_SID.equals(send.getValue(Field.SID))) {
      return Future.failedFuture(ErrorCode.FORBIDDEN.exception("not a member of this session"));
    }
    return Future.succeededFuture(new JsonObject().put(Field.SID, send.getValue(Field.SID))
        .put(Field.CID, send.getValue(Field.CID)).put(Field.ID, "m-" + send.getValue(Field.CID))
        .put(Field.SEQ, 4L).put(Field.AT, 1_000L));
  }

  @Override
  public void close() {
    sut.close();
  }
}
