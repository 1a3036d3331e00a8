package palaver.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import palaver.runtime.Setting;

/**
 * The {@code iceServers} setting: the STUN/TURN servers the web client's calls use, in the browser's
 * RTCIceServer shape ({@code {urls, username?, credential?}}), handed to every client in {@code ready}.
 * Checked once at start, so a typo stops the gateway naming the entry instead of breaking calls later.
 * None (the default) means host candidates only: calls between machines that reach each other directly.
 */
final class IceServers {
  private IceServers() {
  }

  /** The checked list (a copy holding only the RTCIceServer fields); {@link IllegalArgumentException} on a bad entry. */
  static JsonArray from(JsonObject config) {
    Object raw = config.getValue(Setting.ICE_SERVERS.key());
    if (raw == null) {
      return new JsonArray();
    }
    if (raw instanceof String s) {
      raw = parse(s);
    }
    if (!(raw instanceof JsonArray list)) {
      throw new IllegalArgumentException("iceServers must be a JSON array of {urls, username?, credential?}");
    }
    JsonArray checked = new JsonArray();
    for (int i = 0; i < list.size(); i++) {
      checked.add(server("iceServers[" + i + "]", list.getValue(i)));
    }
    return checked;
  }

  /** The flag's or env's text. */
  private static JsonArray parse(String text) {
    if (text.isBlank()) {
      return new JsonArray();
    }
    try {
      return new JsonArray(text);
    } catch (io.vertx.core.json.DecodeException e) {
      throw new IllegalArgumentException("iceServers: not a JSON array: " + e.getMessage());
    }
  }

  private static JsonObject server(String where, Object entry) {
    if (!(entry instanceof JsonObject server)) {
      throw new IllegalArgumentException(where + " must be an object");
    }
    JsonArray urls = urls(where, server.getValue("urls"));
    String username = optionalString(where, server, "username");
    String credential = optionalString(where, server, "credential");
    boolean turn = urls.stream().anyMatch(u -> ((String) u).toLowerCase(Locale.ROOT).startsWith("turn"));
    if (turn && (username == null || credential == null)) {
      throw new IllegalArgumentException(where + ": a turn: or turns: server needs username and credential");
    }
    JsonObject copy = new JsonObject().put("urls", urls);
    if (username != null) {
      copy.put("username", username);
    }
    if (credential != null) {
      copy.put("credential", credential);
    }
    return copy;
  }

  private static JsonArray urls(String where, Object value) {
    JsonArray urls = value instanceof String s ? new JsonArray().add(s)
        : value instanceof JsonArray a ? a : null;
    if (urls == null || urls.isEmpty()) {
      throw new IllegalArgumentException(where + ".urls must be a URL or a non-empty array of them");
    }
    for (Object url : urls) {
      if (!(url instanceof String s) || !s.toLowerCase(Locale.ROOT).matches("(stun|stuns|turn|turns):[^\\s]+")) {
        throw new IllegalArgumentException(where + ".urls: '" + url + "' is not a stun:, stuns:, turn: or turns: URL");
      }
    }
    return urls.copy();
  }

  private static String optionalString(String where, JsonObject server, String field) {
    Object value = server.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException(where + "." + field + " must be a string");
    }
    return (String) value;
  }
}
