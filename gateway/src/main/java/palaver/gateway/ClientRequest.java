package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Frames;

/**
 * The client protocol's requests in one table, shared by the WebSocket frames
 * and the REST routes: for each operation the bus address it goes to, the
 * client fields it carries (nothing else of the client's JSON reaches the
 * bus) with the JSON type each must have, and the frame that answers it. The
 * services check lengths and ranges; here only the types are checked, so an
 * object or array can't stand where a string or number is expected.
 */
enum ClientRequest {
  SEND("send", Address.MESSAGE_SEND, true, Frames.ACK,
      fields(Field.SID, Kind.STRING, Field.CID, Kind.STRING, Field.MSG_TYPE, Kind.STRING, Field.CONTENT, Kind.STRING,
          Field.FILE_ID, Kind.STRING, Field.REPLY_TO, Kind.INTEGER, Field.MENTIONS, Kind.STRINGS,
          Field.MENTION_ALL, Kind.BOOLEAN)),
  /** The author's new text for message {@code seq}; answered by {@code ok} with the edit event's seq. */
  EDIT("edit", Address.MESSAGE_EDIT, false, Frames.OK,
      fields(Field.SID, Kind.STRING, Field.SEQ, Kind.INTEGER, Field.CONTENT, Kind.STRING, Field.CID, Kind.STRING)),
  /** Message {@code seq} becomes a tombstone (its author, or the session's owner and admins). */
  DELETE("delete", Address.MESSAGE_DELETE, false, Frames.OK,
      fields(Field.SID, Kind.STRING, Field.SEQ, Kind.INTEGER, Field.CID, Kind.STRING)),
  /** Adds ({@code on}, the default) or removes the caller's {@code emoji} on message {@code seq}. */
  REACT("react", Address.MESSAGE_REACT, false, Frames.OK,
      fields(Field.SID, Kind.STRING, Field.SEQ, Kind.INTEGER, Field.EMOJI, Kind.STRING, Field.ON, Kind.BOOLEAN,
          Field.CID, Kind.STRING)),
  HISTORY("history", Address.MESSAGE_HISTORY, true, Frames.HISTORY,
      fields(Field.SID, Kind.STRING, Field.BEFORE, Kind.INTEGER, Field.AFTER, Kind.INTEGER, Field.LIMIT, Kind.INTEGER)),
  /** Full-text search of the caller's sessions; {@code before} is an earlier page's {@code next}. */
  SEARCH("search", Address.MESSAGE_SEARCH, true, Frames.SEARCH,
      fields(Field.QUERY, Kind.STRING, Field.SID, Kind.STRING, Field.BEFORE, Kind.STRING, Field.LIMIT, Kind.INTEGER)),
  /** Answered by the missed {@code message} frames, then {@code synced}. */
  SYNC("sync", Address.MESSAGE_SYNC, true, Frames.SYNCED, fields(Field.POSITIONS, Kind.POSITIONS)),
  READ("read", Address.SESSION_READ, false, Frames.OK, fields(Field.SID, Kind.STRING, Field.SEQ, Kind.INTEGER)),
  PRESENCE("presence", Address.USER_PRESENCE, false, Frames.OK, strings(Field.STATE)),
  /** The caller blocks {@code peer} (docs/protocol.md "Blocking"). */
  BLOCK("block", Address.USER_BLOCK, false, Frames.OK, strings(Field.PEER)),
  UNBLOCK("unblock", Address.USER_UNBLOCK, false, Frames.OK, strings(Field.PEER)),
  /** Answered by {@code {blocked:[profile]}}. */
  BLOCKED("blocked", Address.USER_BLOCKED, true, Frames.OK, strings()),
  /** Answered by {@code {invitations:[...]}}: invitations waiting for the caller's answer. */
  INVITATIONS("invitations", Address.SESSION_INVITATIONS, true, Frames.OK, strings()),
  ACCEPT("accept", Address.SESSION_ACCEPT, false, Frames.OK, strings(Field.SID)),
  DECLINE("decline", Address.SESSION_DECLINE, false, Frames.OK, strings(Field.SID)),
  /** The caller's own mute/archive flags of a session; answered by {@code {sid, muted, archived}}. */
  PREFERENCES("preferences", Address.SESSION_PREFERENCES, false, Frames.OK,
      fields(Field.SID, Kind.STRING, Field.MUTED, Kind.BOOLEAN, Field.ARCHIVED, Kind.BOOLEAN)),
  /** Pins ({@code pinned: true}) or unpins a message; answered by {@code {sid, pins}}. */
  PIN("pin", Address.SESSION_PIN, false, Frames.OK,
      fields(Field.SID, Kind.STRING, Field.SEQ, Kind.INTEGER, Field.PINNED, Kind.BOOLEAN));

  /** The JSON type a client field must have. */
  enum Kind {
    STRING,
    INTEGER,
    BOOLEAN,
    /** An object of sid to seq (integers), copied key by key. */
    POSITIONS,
    /** An array of strings (uids), copied item by item. */
    STRINGS
  }

  private final String frameType;
  private final String address;
  /** Safe to repeat (reads, and sends by cid): sent through {@link Retrying}. */
  private final boolean retried;
  private final String answerType;
  private final Map<String, Kind> fields;

  ClientRequest(String frameType, String address, boolean retried, String answerType, Map<String, Kind> fields) {
    this.frameType = frameType;
    this.address = address;
    this.retried = retried;
    this.answerType = answerType;
    this.fields = fields;
  }

  /** The operation a client frame of this type asks for, or null when the type is not a bus request. */
  static ClientRequest ofFrame(String type) {
    for (ClientRequest r : values()) {
      if (r.frameType.equals(type)) {
        return r;
      }
    }
    return null;
  }

  String address() {
    return address;
  }

  /** The type of the frame that answers it. */
  String answerType() {
    return answerType;
  }

  /**
   * The bus request: the caller's {@code uid} and the listed fields the
   * client gave (absent ones are left out), each checked for its type;
   * invalid when the client's JSON holds a {@code $}-key anywhere.
   */
  JsonObject body(String uid, JsonObject client) {
    Check.object(client);
    JsonObject request = new JsonObject().put(Field.UID, uid);
    fields.forEach((name, kind) -> {
      Object value = client.getValue(name);
      if (value != null) {
        request.put(name, checked(name, kind, value));
      }
    });
    return request;
  }

  /** Sends {@code body} (from {@link #body}) to the operation's address. */
  Future<JsonObject> request(Vertx vertx, JsonObject body) {
    if (this == SEND) {
      return Retrying.send(vertx, body);
    }
    return retried ? Retrying.request(vertx, address, body) : Bus.request(vertx, address, body);
  }

  private static Object checked(String name, Kind kind, Object value) {
    return switch (kind) {
      case STRING -> {
        if (!(value instanceof String)) {
          throw ErrorCode.INVALID.exception(name + " must be a string");
        }
        yield value;
      }
      case INTEGER -> integer(name, value);
      case BOOLEAN -> {
        if (!(value instanceof Boolean)) {
          throw ErrorCode.INVALID.exception(name + " must be true or false");
        }
        yield value;
      }
      case POSITIONS -> positions(value);
      case STRINGS -> strings(name, value);
    };
  }

  private static Object integer(String name, Object value) {
    if (!(value instanceof Integer || value instanceof Long)) {
      throw ErrorCode.INVALID.exception(name + " must be an integer");
    }
    return value;
  }

  /** A copy holding only integer (or null) positions, so no client object nests into the bus request. */
  private static JsonObject positions(Object value) {
    if (!(value instanceof JsonObject client)) {
      throw ErrorCode.INVALID.exception(Field.POSITIONS + " must be an object");
    }
    JsonObject copy = new JsonObject();
    for (String sid : client.fieldNames()) {
      Object seq = client.getValue(sid);
      copy.put(sid, seq == null ? null : integer(sid, seq));
    }
    return copy;
  }

  /** A copy of an array that holds only strings, so nothing else of the client's JSON nests into the request. */
  private static JsonArray strings(String name, Object value) {
    if (!(value instanceof JsonArray client) || !client.stream().allMatch(String.class::isInstance)) {
      throw ErrorCode.INVALID.exception(name + " must be an array of strings");
    }
    return client.copy();
  }

  private static Map<String, Kind> strings(String... names) {
    Map<String, Kind> fields = new LinkedHashMap<>();
    for (String name : names) {
      fields.put(name, Kind.STRING);
    }
    return fields;
  }

  private static Map<String, Kind> fields(Object... nameThenKind) {
    Map<String, Kind> fields = new LinkedHashMap<>();
    for (int i = 0; i < nameThenKind.length; i += 2) {
      fields.put((String) nameThenKind[i], (Kind) nameThenKind[i + 1]);
    }
    return fields;
  }
}
