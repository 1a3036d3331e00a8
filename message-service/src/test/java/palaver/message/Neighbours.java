package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import palaver.api.Address;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.testing.FakeNeighbour;
import palaver.testing.ServiceUnderTest;

/**
 * What message-service asks of its neighbours, answered by fakes. Those are
 * exactly: {@code palaver.session.checkMember} (send, history: 403 unless a
 * member), {@code palaver.session.memberships} (sync, file download: the
 * user's sessions) and {@code palaver.user.get} (send, system: nickname and
 * avatar). {@code palaver.message.file.claim} is message-service's own
 * (MessageVerticle asks FileVerticle), so the real FileVerticle answers it.
 * Memberships are whatever the test {@link #join}ed.
 */
final class Neighbours {
  private final Set<String> members = ConcurrentHashMap.newKeySet();
  private final java.util.Map<String, String> roles = new ConcurrentHashMap<>();
  /** Sessions that are private pairs ({@code type} in the member check); any other sid is a group. */
  private final Set<String> pairs = ConcurrentHashMap.newKeySet();
  /** Groups with a retention of their own: sid → days ({@code palaver.session.retentions}). */
  final java.util.Map<String, Integer> retentions = new java.util.concurrent.ConcurrentSkipListMap<>();
  final FakeNeighbour sessions = new FakeNeighbour("session-service")
      .answer(Address.SESSION_CHECK_MEMBER, this::checkMember)
      .answer(Address.SESSION_MEMBERSHIPS, this::memberships)
      .answer(Address.SESSION_RETENTIONS, body -> Future.succeededFuture(retentions(body)));
  final FakeNeighbour users = new FakeNeighbour("user-service")
      .answer(Address.USER_GET, body -> Future.succeededFuture(profile(body.getString(Field.UID))))
      .answer(Address.USER_NOTIFY, body -> Future.succeededFuture(new JsonObject()));

  /** message-service's verticles on a real Vert.x and store, with these fakes as neighbours. */
  static ServiceUnderTest start(Neighbours neighbours, JsonObject settings) {
    return ServiceUnderTest.start(settings, List.of(neighbours.sessions, neighbours.users),
        MessageVerticle::new, FileVerticle::new);
  }

  static JsonObject profile(String uid) {
    return new JsonObject().put(Field.UID, uid).put(Field.NICKNAME, nickname(uid)).put(Field.AVATAR, "avatar-" + uid);
  }

  static String nickname(String uid) {
    return "nick-" + uid;
  }

  /** A fresh id, so tests sharing one service never see each other's sessions or users. */
  static String fresh(String prefix) {
    return prefix + "-" + Ids.randomBytes(6);
  }

  /** A user and a session of theirs, as a test sees them. */
  record Member(String uid, String sid) {
  }

  /** A fresh user, a member of a fresh session. */
  Member member() {
    Member m = new Member(fresh("uid"), fresh("sid"));
    join(m.uid(), m.sid());
    return m;
  }

  /** The {@code message.send} body of a text by {@code m} in their session. */
  static JsonObject text(Member m, String cid, String content) {
    return new JsonObject().put(Field.UID, m.uid()).put(Field.SID, m.sid()).put(Field.CID, cid)
        .put(Field.MSG_TYPE, "text").put(Field.CONTENT, content);
  }

  void join(String uid, String sid) {
    members.add(key(uid, sid));
  }

  /** A member with a role other than "member" (owner, admin). */
  void joinAs(String uid, String sid, String role) {
    join(uid, sid);
    roles.put(key(uid, sid), role);
  }

  /** Marks {@code sid} a private pair. */
  void pair(String sid) {
    pairs.add(sid);
  }

  /** As session-service: {role, type, members?} ({@code members}: those of {@code uids} who are members). */
  private Future<JsonObject> checkMember(JsonObject body) {
    String sid = body.getString(Field.SID);
    if (!members.contains(key(body.getString(Field.UID), sid))) {
      return Future.failedFuture(ErrorCode.FORBIDDEN.exception("not a member of this session"));
    }
    JsonObject answer = new JsonObject().put(Field.ROLE, roles.getOrDefault(key(body.getString(Field.UID), sid), "member"))
        .put(Field.TYPE, pairs.contains(sid) ? "private" : "group");
    if (body.getValue(Field.UIDS) instanceof JsonArray uids) {
      answer.put(Field.MEMBERS, new JsonArray(uids.stream().filter(u -> members.contains(key((String) u, sid))).toList()));
    }
    return Future.succeededFuture(answer);
  }

  private Future<JsonObject> memberships(JsonObject body) {
    String prefix = body.getString(Field.UID) + "\n";
    JsonArray mine = new JsonArray();
    members.stream().filter(k -> k.startsWith(prefix))
        .forEach(k -> mine.add(new JsonObject().put(Field.SID, k.substring(prefix.length()))));
    return Future.succeededFuture(new JsonObject().put(Field.SESSIONS, mine));
  }

  /** All in one page (a test has few groups). */
  private JsonObject retentions(JsonObject body) {
    JsonArray out = new JsonArray();
    if (body.getString(Field.AFTER) == null) {
      retentions.forEach((sid, days) -> out.add(new JsonObject().put(Field.SID, sid).put(Field.RETENTION_DAYS, days)));
    }
    return new JsonObject().put(Field.SESSIONS, out).put(Field.MORE, false);
  }

  private static String key(String uid, String sid) {
    return uid + "\n" + sid;
  }
}
