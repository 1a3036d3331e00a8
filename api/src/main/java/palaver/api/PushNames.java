package palaver.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Names the push platform derives, the same on every node: an app user's
 * inbox session id, and the sender id of pushes made by an app's server.
 * Inbox sids start with {@link #INBOX_PREFIX}, which chat session ids (random
 * base64url) can't, so a chat client can never name an inbox.
 */
public final class PushNames {
  public static final String INBOX_PREFIX = "push.";

  private PushNames() {
  }

  /** {@code push.} + base64url(SHA-256(app NUL user)): at most 48 characters whatever the user id. */
  public static String inbox(String app, String user) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((app + "\u0000" + user).getBytes(StandardCharsets.UTF_8));
      return INBOX_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  public static boolean isInbox(String sid) {
    return sid != null && sid.startsWith(INBOX_PREFIX);
  }

  /** The sender of a push made by the app's server (xlvein's HTTP push, Pusher's sendToUser). */
  public static String appServer(String app) {
    return "app:" + app;
  }
}
