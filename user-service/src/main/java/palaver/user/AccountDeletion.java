package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;

/**
 * Deletes an account and its data, on the user's request (password
 * confirmed, {@code palaver.user.delete}) or an admin's. In order, each step
 * safe to repeat, so a deletion that failed half-way is finished by asking
 * again: the account is deactivated and its tokens revoked (sockets close,
 * no login from here on); it leaves every group through session-service's
 * leave (members see the usual leave notice, ownership passes on); its
 * messages become tombstones by "deleted user" and its files are deleted
 * (message-service); its pending group invitations, to it and from it, go
 * (session-service); its friends, blocks (by it and of it), notifications and
 * invite codes go; last the record itself, which frees the login for a new
 * sign-up.
 */
final class AccountDeletion {
  private static final Logger LOG = LoggerFactory.getLogger(AccountDeletion.class);
  static final long STEP_TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final UserStore users;
  private final FriendStore friends;
  private final NotificationStore notifications;
  private final InviteStore invites;
  private final BlockStore blocks;
  private final HashingQueue hashing;

  AccountDeletion(Vertx vertx, UserStore users, FriendStore friends, NotificationStore notifications,
      InviteStore invites, BlockStore blocks, HashingQueue hashing) {
    this.vertx = vertx;
    this.blocks = blocks;
    this.hashing = hashing;
    this.users = users;
    this.friends = friends;
    this.notifications = notifications;
    this.invites = invites;
  }

  Future<?> serve() {
    return Bus.serve(vertx, Address.USER_DELETE, body -> deleteOwn(Check.string(body, Field.UID, 1, 64),
        Check.string(body, Field.PASSWORD, 1, 128)));
  }

  /** The user's own request: the password must be right (403 otherwise). */
  private Future<JsonObject> deleteOwn(String uid, String password) {
    return users.byId(uid).compose(user -> {
      if (user == null) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"));
      }
      String hash = user.getString(UserStore.HASH);
      return hashing.submit(() -> Passwords.verify(password, hash))
          .compose(ok -> ok ? delete(uid) : Future.failedFuture(ErrorCode.FORBIDDEN.exception("wrong password")));
    });
  }

  /** Deletes {@code uid}'s account and data; 404 when there is no such account. */
  Future<JsonObject> delete(String uid) {
    return users.setDeactivated(uid, true).compose(before -> {
      if (before == null) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"));
      }
      UserVerticle.revoked(vertx, uid, "account deleted");
      return leaveSessions(uid)
          .compose(v -> Bus.request(vertx, Address.MESSAGE_FORGET_USER, new JsonObject().put(Field.UID, uid), STEP_TIMEOUT_MS))
          .compose(v -> Bus.request(vertx, Address.FILE_DELETE_OWNED, new JsonObject().put(Field.UID, uid), STEP_TIMEOUT_MS))
          .compose(v -> Bus.request(vertx, Address.SESSION_FORGET_USER, new JsonObject().put(Field.UID, uid), STEP_TIMEOUT_MS))
          .compose(v -> Future.all(friends.deleteAllOf(uid), notifications.deleteAllOf(uid), invites.deleteAllOf(uid),
              blocks.deleteAllOf(uid)))
          .compose(v -> users.delete(uid))
          .onFailure(t -> LOG.warn("deleting account {} stopped ({}); it stays deactivated, delete it again to finish",
              uid, t.toString()))
          .map(v -> new JsonObject().put(Field.UID, uid).put(Field.DELETED, true));
    });
  }

  /**
   * Leaves each session one after the other. A session that can't be left
   * (a direct conversation: it has no leave) keeps the tombstoned history for
   * the other person and is skipped.
   */
  private Future<Void> leaveSessions(String uid) {
    return Bus.request(vertx, Address.SESSION_MEMBERSHIPS, new JsonObject().put(Field.UID, uid)).compose(mine -> {
      Future<Void> chain = Future.succeededFuture();
      for (Object s : mine.getJsonArray(Field.SESSIONS, new JsonArray())) {
        String sid = ((JsonObject) s).getString(Field.SID);
        chain = chain.compose(v -> leave(uid, sid));
      }
      return chain;
    });
  }

  private Future<Void> leave(String uid, String sid) {
    return Bus.request(vertx, Address.SESSION_LEAVE, new JsonObject().put(Field.UID, uid).put(Field.SID, sid))
        .<Void>mapEmpty()
        .recover(t -> {
          ErrorCode code = ErrorCode.of(t);
          if (code == ErrorCode.UNAVAILABLE || code == ErrorCode.INTERNAL) {
            return Future.failedFuture(t);
          }
          LOG.debug("deleting {}: session {} not left ({})", uid, sid, code.code());
          return Future.succeededFuture();
        });
  }
}
