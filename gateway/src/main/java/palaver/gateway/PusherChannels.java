package palaver.gateway;

import java.util.regex.Pattern;

/**
 * Pusher channel names and what their prefix makes them: public, {@code private-},
 * {@code presence-}, {@code private-encrypted-}, each optionally a cache channel
 * ({@code cache-}, {@code private-cache-}, {@code presence-cache-},
 * {@code private-encrypted-cache-}), plus the one channel a signed-in user gets,
 * {@code #server-to-user-<id>}.
 */
final class PusherChannels {
  /** Pusher's limit on a channel name's length. */
  static final int MAX_NAME = 164;
  /** Pusher's alphabet for channel names: letters, digits and {@code _ - = @ , . ;}. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_\\-=@,.;]+");
  static final String SERVER_TO_USER = "#server-to-user-";

  private PusherChannels() {
  }

  enum Kind {
    PUBLIC(false), PRIVATE(true), PRESENCE(true), ENCRYPTED(true);

    /** Whether subscribing takes a signature. */
    final boolean signed;

    Kind(boolean signed) {
      this.signed = signed;
    }
  }

  static boolean validName(String name) {
    return name != null && !name.isEmpty() && name.length() <= MAX_NAME && NAME.matcher(name).matches();
  }

  static Kind kind(String name) {
    if (name.startsWith("private-encrypted-")) {
      return Kind.ENCRYPTED;
    }
    if (name.startsWith("private-")) {
      return Kind.PRIVATE;
    }
    if (name.startsWith("presence-")) {
      return Kind.PRESENCE;
    }
    return Kind.PUBLIC;
  }

  /** A cache channel keeps its last event, sent to each new subscriber. */
  static boolean isCache(String name) {
    return name.startsWith("cache-") || name.startsWith("private-cache-") || name.startsWith("presence-cache-")
        || name.startsWith("private-encrypted-cache-");
  }

  /** Client events go only to private and presence channels (pusher-js refuses them on encrypted ones, so do we). */
  static boolean allowsClientEvents(String name) {
    Kind kind = kind(name);
    return kind == Kind.PRIVATE || kind == Kind.PRESENCE;
  }

  static String serverToUser(String userId) {
    return SERVER_TO_USER + userId;
  }
}
