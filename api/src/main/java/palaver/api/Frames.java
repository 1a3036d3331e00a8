package palaver.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Every server → client frame of docs/protocol.md, built in one place. The
 * services publish these on the fan-out addresses and the gateway writes them
 * to sockets as they are, so a frame's shape is defined here and nowhere else.
 */
public final class Frames {
  public static final String MESSAGE = "message";
  public static final String ACK = "ack";
  public static final String EVENT = "event";
  public static final String ERROR = "error";
  public static final String READY = "ready";
  public static final String SYNCED = "synced";
  public static final String HISTORY = "history";
  /** Answers a {@code search} frame: {@code terms, hits, more, next}. */
  public static final String SEARCH = "search";
  public static final String PONG = "pong";
  public static final String OK = "ok";
  public static final String MESSAGE_DELETED = "messageDeleted";
  /** A call signal, relayed between the two members of a private session (docs/protocol.md "Calls"). */
  public static final String CALL = "call";

  private Frames() {
  }

  /** A frame of {@code type} answering the client frame {@code rid} (null when it answers none). */
  public static JsonObject of(String type, Object rid) {
    JsonObject frame = new JsonObject().put(Field.TYPE, type);
    if (rid != null) {
      frame.put(Field.RID, rid);
    }
    return frame;
  }

  /** {@code body} (a bus answer) as the frame of {@code type} answering {@code rid}. */
  public static JsonObject answer(String type, Object rid, JsonObject body) {
    JsonObject frame = of(type, rid);
    body.forEach(e -> {
      if (!Field.TYPE.equals(e.getKey()) && !Field.RID.equals(e.getKey())) {
        frame.put(e.getKey(), e.getValue());
      }
    });
    return frame;
  }

  /**
   * The {@code message} frame every member's connections receive, from a
   * stored message document ({@code _id} is its id).
   */
  public static JsonObject message(JsonObject stored) {
    return messageFields(new JsonObject().put(Field.TYPE, MESSAGE), stored);
  }

  /** The same fields without a type: a message inside a history page, a sync batch or a session summary. */
  public static JsonObject messageSummary(JsonObject stored) {
    return messageFields(new JsonObject(), stored);
  }

  /**
   * A stored message's client fields. Change events ({@code msgType} edit, delete or reaction) also carry
   * {@code target} (and {@code emoji}, {@code on} for reactions); messages carry {@code editedAt}/{@code
   * editSeq} once edited, {@code reactions} {emoji: [uid]} and {@code reactSeq} once reacted to, and
   * {@code replyTo} when they reply, {@code mentions} [uid] and {@code mentionAll} when they mention.
   */
  private static JsonObject messageFields(JsonObject into, JsonObject stored) {
    if (stored.getBoolean(Field.DELETED, false)) {
      into.put(Field.DELETED, true);
    }
    into.put(Field.SID, stored.getString(Field.SID))
        .put(Field.ID, stored.getString("_id")).put(Field.SEQ, stored.getLong(Field.SEQ))
        .put(Field.UID, stored.getString(Field.UID)).put(Field.NICKNAME, stored.getString(Field.NICKNAME))
        .put(Field.AVATAR, stored.getString(Field.AVATAR)).put(Field.MSG_TYPE, stored.getString(Field.MSG_TYPE))
        .put(Field.CONTENT, stored.getValue(Field.CONTENT)).put(Field.FILE, stored.getJsonObject(Field.FILE))
        .put(Field.AT, stored.getLong(Field.AT));
    copyPresent(into, stored, Field.EDITED_AT, Field.EDIT_SEQ, Field.REACT_SEQ, Field.REPLY_TO, Field.TARGET,
        Field.EMOJI, Field.ON, Field.MENTIONS, Field.MENTION_ALL);
    if (stored.getValue(Field.REACTIONS) instanceof JsonObject reactions) {
      JsonObject shown = new JsonObject();
      reactions.forEach(e -> {
        if (e.getValue() instanceof JsonArray uids && !uids.isEmpty()) {
          shown.put(e.getKey(), uids.copy());
        }
      });
      if (!shown.isEmpty()) {
        into.put(Field.REACTIONS, shown);
      }
    }
    return into;
  }

  private static void copyPresent(JsonObject into, JsonObject stored, String... fields) {
    for (String f : fields) {
      Object v = stored.getValue(f);
      if (v != null) {
        into.put(f, v);
      }
    }
  }

  /**
   * {@code messageDeleted}: message {@code seq} of {@code sid} is now a tombstone (its content and file
   * removed, seq kept); clients replace what they show of it.
   */
  public static JsonObject messageDeleted(JsonObject stored) {
    return new JsonObject().put(Field.TYPE, MESSAGE_DELETED).put(Field.SID, stored.getString(Field.SID))
        .put(Field.ID, stored.getString("_id")).put(Field.SEQ, stored.getLong(Field.SEQ));
  }

  /** What a send is answered with (the bus reply; the gateway adds type and rid): sid, cid, id, seq, at. */
  public static JsonObject ackBody(JsonObject stored) {
    return new JsonObject().put(Field.SID, stored.getString(Field.SID)).put(Field.CID, stored.getString(Field.CID))
        .put(Field.ID, stored.getString("_id")).put(Field.SEQ, stored.getLong(Field.SEQ))
        .put(Field.AT, stored.getLong(Field.AT));
  }

  /** An {@code event} frame: {@code event} names it (online, typing, session, notification, friend, ...). */
  public static JsonObject event(String event) {
    return new JsonObject().put(Field.TYPE, EVENT).put(Field.EVENT, event);
  }

  /** An {@code event} frame about session {@code sid}. */
  public static JsonObject sessionEvent(String event, String sid) {
    return event(event).put(Field.SID, sid);
  }

  /** An {@code error} frame answering {@code rid}. */
  public static JsonObject error(Object rid, ErrorCode code, String message) {
    return of(ERROR, rid).put(Field.CODE, code.code()).put(Field.MESSAGE, message);
  }

  /** {@code ready}: the socket is authenticated; the user's sessions with their positions. */
  public static JsonObject ready(Object rid, String uid, JsonArray sessions) {
    return of(READY, rid).put(Field.UID, uid).put(Field.SESSIONS, sessions);
  }

  /**
   * {@code synced}: every missed message was sent; {@code more} lists the sessions to page through with
   * history, {@code forbidden} the asked-for sessions the user is not a member of.
   */
  public static JsonObject synced(Object rid, JsonArray more, JsonArray forbidden) {
    return of(SYNCED, rid).put(Field.MORE, more).put(Field.FORBIDDEN, forbidden);
  }

  /**
   * As {@link #synced(Object, JsonArray, JsonArray)}, plus {@code firstSeqs} ({sid: firstSeq}) when
   * retention removed messages after some of the client's positions: what remains starts there.
   */
  public static JsonObject synced(Object rid, JsonArray more, JsonArray forbidden, JsonObject firstSeqs) {
    JsonObject frame = synced(rid, more, forbidden);
    if (firstSeqs != null && !firstSeqs.isEmpty()) {
      frame.put(Field.FIRST_SEQS, firstSeqs);
    }
    return frame;
  }
}
