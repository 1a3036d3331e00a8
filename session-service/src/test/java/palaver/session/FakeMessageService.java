package palaver.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import palaver.api.Address;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.testing.FakeNeighbour;

/**
 * message-service as session-service sees it: each session's stream head
 * (last seq, last message, the newest seq each user wrote) and stored system
 * messages, answered in message-service's shapes. Sessions without messages
 * have no head. It can be made to fail storing, as with its store down.
 */
final class FakeMessageService {
  private final Map<String, JsonObject> heads = new ConcurrentHashMap<>();
  /** Per "uid/sid": the unread mentions a head asked with readSeqs answers; and the readSeqs last asked. */
  private final Map<String, Long> mentions = new ConcurrentHashMap<>();
  private volatile JsonObject lastReadSeqs;
  private volatile boolean storing = true;
  private final FakeNeighbour neighbour = new FakeNeighbour("message-service")
      .answer(Address.MESSAGE_SYSTEM, this::system)
      .answer(Address.MESSAGE_HEADS, this::heads);

  FakeNeighbour neighbour() {
    return neighbour;
  }

  /** A user's message, as if sent through message-service; its seq. */
  long send(String sid, String uid) {
    return sendAt(sid, uid, System.currentTimeMillis());
  }

  /** A user's message sent at {@code at}; its seq. */
  long sendAt(String sid, String uid, long at) {
    return append(sid, uid, "text", new JsonObject(), at).getLong(Field.SEQ);
  }

  /** Whether system messages are stored (true) or fail as unavailable (false). */
  void storing(boolean storing) {
    this.storing = storing;
  }

  /** The contents of the system messages session-service asked to store in {@code sid}, oldest first. */
  List<JsonObject> systemMessages(String sid) {
    return neighbour.requests(Address.MESSAGE_SYSTEM).stream()
        .filter(r -> sid.equals(r.getString(Field.SID)))
        .map(r -> r.getJsonObject(Field.CONTENT))
        .toList();
  }

  /** The actions of those system messages, oldest first. */
  List<String> systemActions(String sid) {
    return systemMessages(sid).stream().map(c -> c.getString(Field.ACTION)).toList();
  }

  private Future<JsonObject> system(JsonObject body) {
    String sid = Check.string(body, Field.SID, 1, 64);
    String uid = Check.string(body, Field.UID, 1, 64);
    JsonObject content = Check.optionalObject(body, Field.CONTENT);
    if (!storing) {
      return Future.failedFuture(ErrorCode.UNAVAILABLE.exception("store unavailable"));
    }
    JsonObject stored = append(sid, uid, "system", content == null ? new JsonObject() : content,
        System.currentTimeMillis());
    return Future.succeededFuture(new JsonObject().put(Field.SID, sid).put(Field.CID, stored.getString(Field.CID))
        .put(Field.ID, stored.getString(Field.ID)).put(Field.SEQ, stored.getLong(Field.SEQ)).put(Field.AT, stored.getLong(Field.AT)));
  }

  private synchronized JsonObject append(String sid, String uid, String msgType, JsonObject content, long at) {
    JsonObject head = heads.computeIfAbsent(sid, s -> new JsonObject().put(Field.LAST_SEQ, 0L).put("writers", new JsonObject()));
    long seq = head.getLong(Field.LAST_SEQ) + 1;
    JsonObject message = new JsonObject().put(Field.SID, sid).put(Field.ID, Ids.random()).put(Field.CID, Ids.random())
        .put(Field.SEQ, seq).put(Field.UID, uid).put(Field.MSG_TYPE, msgType).put(Field.CONTENT, content)
        .put(Field.AT, at);
    head.put(Field.LAST_SEQ, seq).put(Field.LAST_MESSAGE, message);
    head.getJsonObject("writers").put(uid, seq);
    return message;
  }

  /** What message-service would count as {@code uid}'s unread mentions in {@code sid}. */
  void mentions(String uid, String sid, long count) {
    mentions.put(uid + "/" + sid, count);
  }

  /** The {@code readSeqs} of the last heads request that had them. */
  JsonObject lastReadSeqs() {
    return lastReadSeqs;
  }

  private synchronized Future<JsonObject> heads(JsonObject body) {
    if (!(body.getValue("sids") instanceof JsonArray sids) || !sids.stream().allMatch(s -> s instanceof String)) {
      throw ErrorCode.INVALID.exception("sids must be an array of strings");
    }
    String uid = Check.optionalString(body, Field.UID, 64);
    JsonObject readSeqs = Check.optionalObject(body, Field.READ_SEQS);
    if (readSeqs != null) {
      lastReadSeqs = readSeqs.copy();
    }
    JsonObject out = new JsonObject();
    sids.forEach(s -> {
      JsonObject head = heads.get((String) s);
      if (head != null) {
        JsonObject answer = new JsonObject().put(Field.LAST_SEQ, head.getLong(Field.LAST_SEQ))
            .put(Field.LAST_MESSAGE, head.getJsonObject(Field.LAST_MESSAGE).copy());
        if (uid != null) {
          answer.put("ownSeq", head.getJsonObject("writers").getLong(uid, 0L));
        }
        if (readSeqs != null) {
          answer.put(Field.MENTIONS, mentions.getOrDefault(uid + "/" + s, 0L));
        }
        out.put((String) s, answer);
      }
    });
    return Future.succeededFuture(new JsonObject().put("heads", out));
  }
}
