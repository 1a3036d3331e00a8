package palaver.gateway;

import io.vertx.core.json.JsonObject;
import palaver.api.Field;
import palaver.runtime.Signatures;

/**
 * xlvein's frames and the inbox content its pushes are stored as. A push's
 * stored {@code content} is {@code {event, data, from?, msg_id?}}: event
 * {@link #PUSH} (the HTTP API), {@link #MESSAGE} (a client's {@code {to,
 * data}}) or any other name (Pusher's {@code sendToUser}, whose data is a
 * string). A receiver's frame is made from it here.
 */
final class XlveinFrames {
  /** Stored event of a push made over {@code POST /api/v1/im/push}. */
  static final String PUSH = "xlvein:push";
  /** Stored event of a client's message to another account. */
  static final String MESSAGE = "xlvein:message";
  /** xlvein's event number of a one-to-one message (0, a system push, is left out as xlvein leaves it out). */
  static final int EVENT_SINGLE = 1;
  static final String MSG_ID = "msg_id";

  private XlveinFrames() {
  }

  /**
   * The frame a receiver {@code to} gets for a push ({@code {seq, msgId, content, at}}):
   * {@code {from, to, event, data, msg_id, send_at, conversation_id}} for a client's message,
   * {@code {to, data, msg_id, send_at}} for anything else; {@code send_at} in ms.
   */
  static JsonObject delivery(String to, JsonObject push) {
    JsonObject content = push.getJsonObject(Field.CONTENT, new JsonObject());
    Object event = content.getValue(Field.EVENT);
    String msgId = content.getValue(MSG_ID) instanceof String id ? id : push.getString(Field.MSG_ID);
    JsonObject frame = new JsonObject();
    if (MESSAGE.equals(event) && content.getValue("from") instanceof String from) {
      frame.put("from", from).put("to", to).put(Field.EVENT, EVENT_SINGLE).put(Field.DATA, content.getValue(Field.DATA));
      return frame.put(MSG_ID, msgId).put("send_at", push.getLong(Field.AT))
          .put("conversation_id", conversationId(from, to));
    }
    Object data = PUSH.equals(event) ? content.getValue(Field.DATA)
        : new JsonObject().put(Field.EVENT, event).put(Field.DATA, content.getValue(Field.DATA));
    return frame.put("to", to).put(Field.DATA, data).put(MSG_ID, msgId).put("send_at", push.getLong(Field.AT));
  }

  /**
   * The same for both directions of a pair: lower-case hex MD5 of the two
   * accounts, sorted, joined by a NUL (which no account contains on the wire
   * of either side's frames, so two pairs never share an id).
   */
  static String conversationId(String a, String b) {
    String first = a.compareTo(b) <= 0 ? a : b;
    String second = first.equals(a) ? b : a;
    return Signatures.md5Hex(first + "\u0000" + second);
  }

  /** What the sender of a stored message gets. */
  static JsonObject ack(String msgId, String to, long sendAt, String conversationId) {
    return new JsonObject().put(Field.TYPE, "ack").put(MSG_ID, msgId).put("to", to).put("send_at", sendAt)
        .put("conversation_id", conversationId);
  }

  /** What the sender of a refused frame gets: {@code {type: error, error: <code>, message}}. */
  static JsonObject error(int code, String message) {
    return new JsonObject().put(Field.TYPE, "error").put("error", code).put(Field.MESSAGE, message);
  }
}
