package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.runtime.Setting;

/**
 * Who may sign up, from the {@code registration} setting: {@code open}
 * (anyone), {@code invite} (only with an unused code an admin made; the code
 * is spent by the sign-up) or {@code closed}. The very first account is
 * always allowed, so a fresh invite-only server still gets its admin.
 */
final class SignUpPolicy {
  enum Mode { OPEN, INVITE, CLOSED }

  private final Mode mode;
  private final InviteStore invites;
  private final UserStore users;

  SignUpPolicy(JsonObject config, InviteStore invites, UserStore users) {
    this.mode = mode(config);
    this.invites = invites;
    this.users = users;
  }

  /** The configured mode; an unknown value fails the start rather than opening sign-up by mistake. */
  static Mode mode(JsonObject config) {
    String value = config.getString(Setting.REGISTRATION.key(), "open").strip().toUpperCase(Locale.ROOT);
    try {
      return Mode.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("registration must be open, invite or closed, not " + value.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Admits the sign-up of {@code uid} or fails 403 ({@code invite_required},
   * {@code registration_closed}); answers the invite code it spent (null when none).
   */
  Future<String> admit(String uid, JsonObject body) {
    if (mode == Mode.OPEN) {
      return Future.succeededFuture(null);
    }
    String code = Check.optionalString(body, Field.INVITE, 64);
    return users.firstUid().compose(first -> {
      if (first == null) {
        return Future.succeededFuture(null);
      }
      if (mode == Mode.CLOSED) {
        return Future.failedFuture(ErrorCode.REGISTRATION_CLOSED.exception("sign-up is closed"));
      }
      if (code == null || code.isEmpty()) {
        return Future.failedFuture(ErrorCode.INVITE_REQUIRED.exception("sign-up is by invitation: give an invite code"));
      }
      return invites.claim(code, uid).compose(claimed -> claimed
          ? Future.succeededFuture(code)
          : Future.failedFuture(ErrorCode.INVITE_REQUIRED.exception("unknown or already used invite code")));
    });
  }

  /** Gives back a code spent by a sign-up that failed afterwards (e.g. the login was taken). */
  Future<Void> release(String code) {
    return code == null ? Future.succeededFuture() : invites.release(code);
  }
}
