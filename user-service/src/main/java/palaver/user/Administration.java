package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.runtime.SecurityLog;

/**
 * The server admin's operations ({@code palaver.user.admin.*}). Each request
 * carries the caller's uid, and {@link Admins#require} checks it against the
 * stored record before anything else.
 */
final class Administration {
  static final int MAX_LIMIT = 200;
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_OFFSET = 100_000;

  /** A valid admin request about another account. */
  private record OnUser(String admin, String target) {
  }

  private record UserQuery(String admin, String text, int offset, int limit) {
  }

  private final Vertx vertx;
  private final UserStore users;
  private final Admins admins;
  private final InviteStore invites;
  private final Presence presence;
  private final AccountDeletion deletion;

  Administration(Vertx vertx, UserStore users, Admins admins, InviteStore invites, Presence presence,
      AccountDeletion deletion) {
    this.vertx = vertx;
    this.users = users;
    this.admins = admins;
    this.invites = invites;
    this.presence = presence;
    this.deletion = deletion;
  }

  Future<?> serve() {
    return Future.all(List.of(
        Bus.serve(vertx, Address.ADMIN_CHECK, body -> admins.require(caller(body)).map(u -> new JsonObject().put(Field.ADMIN, true))),
        Bus.serve(vertx, Address.ADMIN_USERS, body -> listUsers(validUserQuery(body))),
        Bus.serve(vertx, Address.ADMIN_DEACTIVATE, body -> setDeactivated(validOnUser(body), true)),
        Bus.serve(vertx, Address.ADMIN_REACTIVATE, body -> setDeactivated(validOnUser(body), false)),
        Bus.serve(vertx, Address.ADMIN_DELETE_USER, body -> deleteUser(validOnUser(body))),
        Bus.serve(vertx, Address.ADMIN_INVITE_CREATE, body -> createInvite(caller(body))),
        Bus.serve(vertx, Address.ADMIN_INVITES, body -> listInvites(caller(body))),
        Bus.serve(vertx, Address.ADMIN_CONNECTED, body -> connected(caller(body)))));
  }

  // ---- handlers

  private Future<JsonObject> listUsers(UserQuery q) {
    return admins.require(q.admin()).compose(me -> users.adminPage(q.text(), q.offset(), q.limit() + 1)).map(found -> {
      JsonArray page = new JsonArray();
      found.stream().limit(q.limit()).forEach(u -> page.add(shown(u)));
      return new JsonObject().put(Field.USERS, page).put(Field.MORE, found.size() > q.limit());
    });
  }

  /** Deactivating revokes every token and closes the target's sockets on every gateway (4401). */
  private Future<JsonObject> setDeactivated(OnUser r, boolean deactivated) {
    return admins.require(r.admin()).compose(me -> users.setDeactivated(r.target(), deactivated)).compose(before -> {
      if (before == null) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"));
      }
      if (deactivated) {
        UserVerticle.revoked(vertx, r.target(), "account deactivated");
      }
      SecurityLog.event(deactivated ? "user_deactivated" : "user_reactivated", "uid", r.target(), "by", r.admin());
      return Future.succeededFuture(shown(before.put(UserStore.DEACTIVATED, deactivated)));
    });
  }

  private Future<JsonObject> deleteUser(OnUser r) {
    return admins.require(r.admin()).compose(me -> deletion.delete(r.target()))
        .onSuccess(v -> SecurityLog.event("user_deleted", "uid", r.target(), "by", r.admin()));
  }

  private Future<JsonObject> createInvite(String admin) {
    return admins.require(admin).compose(me -> invites.create(admin));
  }

  private Future<JsonObject> listInvites(String admin) {
    return admins.require(admin).compose(me -> invites.unused())
        .map(found -> new JsonObject().put(Field.INVITES, new JsonArray(found)));
  }

  /** Every user some gateway reported connected, with how many gateway nodes have them, and the nodes heard. */
  private Future<JsonObject> connected(String admin) {
    return admins.require(admin).compose(me -> {
      Map<String, Integer> live = presence.connected();
      return users.accounts(live.keySet()).map(profiles -> {
        JsonArray out = new JsonArray();
        live.forEach((uid, nodes) -> {
          JsonObject profile = profiles.get(uid);
          if (profile != null) {
            out.add(new JsonObject().put(Field.UID, uid).put(Field.LOGIN, profile.getString(Field.LOGIN))
                .put(Field.NICKNAME, profile.getString(Field.NICKNAME)).put(Field.NODES, nodes));
          }
        });
        return new JsonObject().put(Field.USERS, out).put(Field.NODES, presence.nodeCount());
      });
    });
  }

  /** What an admin sees of an account: never the hash. */
  private JsonObject shown(JsonObject user) {
    return new JsonObject().put(Field.UID, user.getString(UserStore.ID)).put(Field.LOGIN, user.getString(Field.LOGIN))
        .put(Field.NICKNAME, user.getString(Field.NICKNAME)).put(Field.ADMIN, admins.isAdmin(user))
        .put(Field.DEACTIVATED, UserStore.deactivated(user)).put(Field.CREATED_AT, user.getLong(UserStore.CREATED_AT));
  }

  // ---- validation

  private static String caller(JsonObject body) {
    return Check.string(body, Field.UID, 1, 64);
  }

  /** An admin can't deactivate or delete their own account here (that would lock the last admin out). */
  private static OnUser validOnUser(JsonObject body) {
    String admin = caller(body);
    String target = Check.string(body, Field.TARGET, 1, 64);
    if (admin.equals(target)) {
      throw ErrorCode.INVALID.exception("an admin can't do this to their own account");
    }
    return new OnUser(admin, target);
  }

  private static UserQuery validUserQuery(JsonObject body) {
    String q = Check.optionalString(body, Field.QUERY, 64);
    String text = q == null || q.isBlank() ? null : UserVerticle.literal(q.strip().toLowerCase(Locale.ROOT));
    Long limit = Check.optionalLong(body, Field.LIMIT, 1, MAX_LIMIT);
    Long offset = Check.optionalLong(body, Field.OFFSET, 0, MAX_OFFSET);
    return new UserQuery(caller(body), text, offset == null ? 0 : offset.intValue(),
        limit == null ? DEFAULT_LIMIT : limit.intValue());
  }
}
