package palaver.gateway;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The Pusher frames the gateway writes, as the protocol spells them. Channel
 * events carry {@code data} as a JSON-encoded string (what every Pusher client
 * expects); {@code pusher:error} and {@code pusher:signin_success} carry an
 * object, as the protocol documents them.
 */
final class PusherFrames {
  static final String CONNECTION_ESTABLISHED = "pusher:connection_established";
  static final String ERROR = "pusher:error";
  static final String PING = "pusher:ping";
  static final String PONG = "pusher:pong";
  static final String SUBSCRIBE = "pusher:subscribe";
  static final String UNSUBSCRIBE = "pusher:unsubscribe";
  static final String SIGNIN = "pusher:signin";
  static final String SIGNIN_SUCCESS = "pusher:signin_success";
  static final String SUBSCRIPTION_SUCCEEDED = "pusher_internal:subscription_succeeded";
  static final String SUBSCRIPTION_ERROR = "pusher:subscription_error";
  static final String CACHE_MISS = "pusher:cache_miss";
  static final String MEMBER_ADDED = "pusher_internal:member_added";
  static final String MEMBER_REMOVED = "pusher_internal:member_removed";

  private PusherFrames() {
  }

  static String connectionEstablished(String socketId, int activityTimeoutSeconds) {
    String data = new JsonObject().put("socket_id", socketId).put("activity_timeout", activityTimeoutSeconds).encode();
    return new JsonObject().put("event", CONNECTION_ESTABLISHED).put("data", data).encode();
  }

  /** {@code code} null for an error that does not close the connection and has no code of its own. */
  static String error(Integer code, String message) {
    return new JsonObject().put("event", ERROR)
        .put("data", new JsonObject().put("code", code).put("message", message)).encode();
  }

  /** An error about one channel (client events refused on it). */
  static String error(Integer code, String message, String channel) {
    return new JsonObject().put("event", ERROR).put("channel", channel)
        .put("data", new JsonObject().put("code", code).put("message", message)).encode();
  }

  static String ping() {
    return new JsonObject().put("event", PING).put("data", new JsonObject()).encode();
  }

  static String pong() {
    return new JsonObject().put("event", PONG).put("data", new JsonObject()).encode();
  }

  static String subscriptionSucceeded(String channel) {
    return event(SUBSCRIPTION_SUCCEEDED, channel, "{}");
  }

  /** A presence channel's members as the protocol lists them: {@code {presence: {ids, hash, count}}}. */
  static String presenceSucceeded(String channel, Map<String, Object> members) {
    JsonObject hash = new JsonObject();
    members.forEach(hash::put);
    JsonObject presence = new JsonObject().put("ids", new JsonArray(List.copyOf(members.keySet())))
        .put("hash", hash).put("count", members.size());
    return event(SUBSCRIPTION_SUCCEEDED, channel, new JsonObject().put("presence", presence).encode());
  }

  /** {@code type}: AuthError (status 401), LimitReached, ServiceUnavailable (503), as pusher-js reports its own. */
  static String subscriptionError(String channel, String type, String error, int status) {
    return event(SUBSCRIPTION_ERROR, channel,
        new JsonObject().put("type", type).put("error", error).put("status", status).encode());
  }

  static String cacheMiss(String channel) {
    return new JsonObject().put("event", CACHE_MISS).put("channel", channel).encode();
  }

  static String signinSuccess(String userData) {
    return new JsonObject().put("event", SIGNIN_SUCCESS).put("data", new JsonObject().put("user_data", userData))
        .encode();
  }

  static String event(String event, String channel, String data) {
    return new JsonObject().put("event", event).put("channel", channel).put("data", data).encode();
  }

  /**
   * A fan-out body {@code {event, channel, data, user_id?, socket_id?}} as the frame a socket gets:
   * the excluded socket_id dropped, data as a string (a producer that sent an object gets it encoded).
   */
  static String channelEvent(JsonObject body) {
    JsonObject frame = new JsonObject().put("event", body.getValue("event")).put("channel", body.getValue("channel"))
        .put("data", dataString(body.getValue("data")));
    Object userId = body.getValue("user_id");
    if (userId != null) {
      frame.put("user_id", String.valueOf(userId));
    }
    return frame.encode();
  }

  /** The protocol's data is a string; anything else a client or producer sent is sent on JSON-encoded. */
  static String dataString(Object data) {
    if (data == null) {
      return "null";
    }
    if (data instanceof String s) {
      return s;
    }
    if (data instanceof JsonObject o) {
      return o.encode();
    }
    if (data instanceof JsonArray a) {
      return a.encode();
    }
    return Json.encode(data);
  }
}
