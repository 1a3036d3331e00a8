package palaver.session;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Field;
import palaver.api.Frames;

/**
 * Everything session-service tells the rest of the cluster: stored system
 * messages, fan-out events for gateways and clients, cache invalidations and
 * notifications.
 */
final class SessionEvents {
  private static final Logger LOG = LoggerFactory.getLogger(SessionEvents.class);

  /** The event name of every membership and session change a client sees. */
  static final String SESSION = "session";
  /** The event name of a member's read position moving. */
  static final String READ = "read";
  static final String INVITE_KIND = "inviteSession";

  private final Vertx vertx;
  private final MembershipCache cache;

  SessionEvents(Vertx vertx, MembershipCache cache) {
    this.vertx = vertx;
    this.cache = cache;
  }

  /** Membership changes are stored messages of msgType system, made here, never by clients. */
  Future<Void> system(String sid, String actor, String action, JsonObject data) {
    return Bus.request(vertx, Address.MESSAGE_SYSTEM, new JsonObject().put(Field.SID, sid).put(Field.UID, actor)
            .put(Field.CONTENT, data.copy().put(Field.ACTION, action).put(Field.UID, actor)))
        .mapEmpty();
  }

  /**
   * Drops the cached check here at once, and on every other session-service
   * instance through a cluster-wide publish, before anyone is told of the change.
   */
  void membershipChanged(String sid, String uid) {
    cache.invalidate(sid, uid);
    vertx.eventBus().publish(Address.SESSION_MEMBERSHIP_CHANGED, new JsonObject().put(Field.SID, sid).put(Field.UID, uid));
  }

  /** The user's gateways subscribe their sockets to the session at once. */
  void added(String uid, String sid) {
    toUser(uid, sid, "added");
  }

  /** The user's gateways unsubscribe every socket of the user (all tabs, all nodes) at once. */
  void removed(String uid, String sid) {
    toUser(uid, sid, "removed");
  }

  /** The user's own sockets (all tabs, all nodes) learn of a mute or archive made in one of them. */
  void preferences(String uid, JsonObject preferences) {
    vertx.eventBus().publish(Address.fanoutUser(uid), preferences.copy()
        .mergeIn(Frames.sessionEvent(SESSION, preferences.getString(Field.SID)).put(Field.ACTION, "preferences")
            .put(Field.UID, uid)));
  }

  private void toUser(String uid, String sid, String action) {
    vertx.eventBus().publish(Address.fanoutUser(uid),
        Frames.sessionEvent(SESSION, sid).put(Field.ACTION, action).put(Field.UID, uid));
  }

  /**
   * Tells the session's members what changed, so their clients update member
   * lists and titles. The frame's own keys win over same-named {@code fields}.
   */
  void toMembers(String sid, String action, JsonObject fields) {
    vertx.eventBus().publish(Address.fanoutSession(sid),
        fields.copy().mergeIn(Frames.sessionEvent(SESSION, sid).put(Field.ACTION, action)));
  }

  /** The member's read position moved to {@code seq}. */
  void read(String sid, String uid, long seq) {
    vertx.eventBus().publish(Address.fanoutSession(sid),
        Frames.sessionEvent(READ, sid).put(Field.UID, uid).put(Field.SEQ, seq));
  }

  /**
   * Stored by user-service and pushed to the invitee; a failure does not undo
   * the invitation. {@code pending}: the invitee has yet to accept it.
   */
  void notifyInvited(String invitee, String sid, String name, String by, boolean pending) {
    JsonObject request = new JsonObject().put(Field.UID, invitee).put(Field.KIND, INVITE_KIND)
        .put(Field.DATA, new JsonObject().put(Field.SID, sid).put(Field.NAME, name).put(Field.BY, by)
            .put(Field.PENDING, pending));
    Bus.request(vertx, Address.USER_NOTIFY, request)
        .onFailure(t -> LOG.warn("inviteSession notification for {} in {} failed: {}", invitee, sid, t.getMessage()));
  }
}
