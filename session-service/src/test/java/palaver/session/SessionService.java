package palaver.session;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import palaver.api.Address;
import palaver.api.Field;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;

/**
 * session-service on a real Vert.x and a real embedded store, with user-service
 * and message-service as fakes; requests go over the event bus as the gateway's
 * and message-service's would. Helpers name the steps tests repeat.
 */
final class SessionService implements AutoCloseable {
  static final long WAIT_MS = 10_000;

  final FakeUserService users = new FakeUserService();
  final FakeMessageService messages = new FakeMessageService();
  final ServiceUnderTest service;

  private SessionService(int instances) {
    this(instances, new JsonObject());
  }

  private SessionService(int instances, JsonObject settings) {
    @SuppressWarnings("unchecked")
    Supplier<SessionVerticle>[] verticles = new Supplier[instances];
    for (int i = 0; i < instances; i++) {
      verticles[i] = SessionVerticle::new;
    }
    service = ServiceUnderTest.start(settings, List.of(users.neighbour(), messages.neighbour()), verticles);
  }

  /** One instance of the service. */
  static SessionService start() {
    return new SessionService(1);
  }

  /** One instance with these settings. */
  static SessionService start(JsonObject settings) {
    return new SessionService(1, settings);
  }

  /** Several instances of the service on one bus and store, each with its own cache. */
  static SessionService start(int instances) {
    return new SessionService(instances);
  }

  JsonObject request(String address, JsonObject body) {
    return service.request(address, body);
  }

  int failureCode(String address, JsonObject body) {
    return service.failureCode(address, body);
  }

  /** Records what is published on {@code address} from now on. */
  List<JsonObject> listen(String address) {
    return service.listen(address);
  }

  /** Waits until something matching {@code what} was recorded by {@link #listen}. */
  static JsonObject awaitOne(List<JsonObject> seen, String description, Predicate<JsonObject> what) {
    Await.until(description, WAIT_MS, () -> seen.stream().anyMatch(what));
    return seen.stream().filter(what).findFirst().orElseThrow();
  }

  String user(String nickname) {
    return users.add(nickname);
  }

  /** A new group of {@code owner}; its sid. */
  String group(String owner, String visibility) {
    return request(Address.SESSION_CREATE, new JsonObject().put(Field.UID, owner).put(Field.TYPE, "group")
        .put(Field.NAME, "group of " + owner).put(Field.VISIBILITY, visibility)).getString(Field.SID);
  }

  /** The private session of two users, created by {@code uid}; its info. */
  JsonObject privateSession(String uid, String peer) {
    return request(Address.SESSION_CREATE, new JsonObject().put(Field.UID, uid).put(Field.TYPE, "private")
        .put(Field.PEER, peer));
  }

  void join(String uid, String sid) {
    request(Address.SESSION_JOIN, of(uid, sid));
  }

  /** A friend's invite, which adds at once (a stranger's waits for acceptance: InvitationsTest). */
  void invite(String uid, String sid, String invitee) {
    users.befriend(uid, invitee);
    request(Address.SESSION_INVITE, of(uid, sid).put(Field.MEMBER, invitee));
  }

  void setRole(String owner, String sid, String member, String role) {
    request(Address.SESSION_SET_ROLE, of(owner, sid).put(Field.MEMBER, member).put(Field.ROLE, role));
  }

  /** A public group of {@code owner} with {@code member} joined and {@code admin} made admin; its sid. */
  String groupWithAdmin(String owner, String admin, String member) {
    String sid = group(owner, "public");
    join(admin, sid);
    join(member, sid);
    setRole(owner, sid, admin, SessionStore.ADMIN);
    return sid;
  }

  /** The role of the user's membership as stored, or null when not a member. */
  String storedRole(String sid, String uid) {
    JsonObject member = Await.result(service.mongo().findOne(SessionStore.MEMBERS,
        new JsonObject().put("_id", SessionStore.memberId(sid, uid)), null));
    return member == null ? null : member.getString(Field.ROLE);
  }

  /** The session document as stored. */
  JsonObject storedSession(String sid) {
    return Await.result(service.mongo().findOne(SessionStore.SESSIONS, new JsonObject().put("_id", sid), null));
  }

  /** {@code {uid, sid}}: the body most operations take. */
  static JsonObject of(String uid, String sid) {
    return new JsonObject().put(Field.UID, uid).put(Field.SID, sid);
  }

  @Override
  public void close() {
    service.close();
  }
}
