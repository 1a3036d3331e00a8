package palaver.gateway;

import palaver.runtime.App;
import palaver.runtime.Signatures;

/**
 * Pusher's signatures a client presents, checked against the app's secret in
 * constant time: {@code key:HMAC-SHA256(secret, socket_id:channel[:channel_data])}
 * to subscribe to a private, presence or encrypted channel, and
 * {@code key:HMAC-SHA256(secret, socket_id::user::user_data)} to sign in. The
 * signed text is the client's own {@code channel_data}/{@code user_data},
 * exactly as sent (never re-encoded). Signatures are never logged.
 */
final class ChannelAuth {
  private ChannelAuth() {
  }

  /** {@code channelData} null when the client sent none (private channels, presence after signin). */
  static boolean subscription(App app, String socketId, String channel, String channelData, String auth) {
    String signed = socketId + ":" + channel + (channelData == null ? "" : ":" + channelData);
    return matches(app, signed, auth);
  }

  static boolean signin(App app, String socketId, String userData, String auth) {
    return matches(app, socketId + "::user::" + userData, auth);
  }

  private static boolean matches(App app, String signed, String auth) {
    if (auth == null) {
      return false;
    }
    String expected = app.key() + ":" + Signatures.hmacSha256Hex(app.secret(), signed);
    return Signatures.matches(expected, auth);
  }
}
