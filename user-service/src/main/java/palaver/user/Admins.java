package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import palaver.api.ErrorCode;
import palaver.runtime.Setting;

/**
 * Who is a server admin: the first account ever registered (its record gets
 * {@code role: admin}, as Rocket.Chat and Mattermost make their first user
 * admin) and every login listed in the {@code admins} setting. It is checked
 * against the stored record on every admin request, never carried in the
 * token, so removing a login from the setting (and restarting) or deleting the
 * account takes the rights away at once. A deactivated admin is no admin.
 */
final class Admins {
  private final UserStore users;
  private final Set<String> configured;

  Admins(UserStore users, JsonObject config) {
    this.users = users;
    this.configured = Arrays.stream(config.getString(Setting.ADMINS.key(), "").split(","))
        .map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
  }

  boolean isAdmin(JsonObject user) {
    return !UserStore.deactivated(user)
        && (UserStore.ADMIN_ROLE.equals(user.getString(UserStore.ROLE)) || configured.contains(user.getString("login")));
  }

  /** The caller's record when they are an admin; 403 {@code forbidden} otherwise. */
  Future<JsonObject> require(String uid) {
    return users.byId(uid).compose(user -> user != null && isAdmin(user)
        ? Future.succeededFuture(user)
        : Future.failedFuture(ErrorCode.FORBIDDEN.exception("server admins only")));
  }

  /**
   * Makes {@code uid} admin when it is the earliest account. Two first
   * sign-ups at once agree on which is earliest, so exactly one becomes admin.
   */
  Future<Void> promoteIfFirst(String uid) {
    return users.firstUid().compose(first -> uid.equals(first) ? users.makeAdmin(uid) : Future.succeededFuture());
  }
}
