package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Address;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.api.PushNames;

/**
 * The push platform's per-user inboxes: sessions whose sid is
 * {@link PushNames#inbox}, written by trusted callers only (the gateway's
 * push protocols), never by chat clients. A push is a message of msgType
 * {@code push} stored through the same {@link GroupCommit} as chat messages,
 * so it gets the session's next seq and is idempotent by (uid, cid); instead
 * of the chat fan-out it is published on {@link Address#fanoutInbox}. Pushes
 * past their {@code expiresAt} are never read and are deleted by a periodic
 * sweep (not a TTL index: the embedded store has none, and the sweep is the
 * same on both).
 */
final class PushInboxes {
  private static final Logger LOG = LoggerFactory.getLogger(PushInboxes.class);
  static final String MSG_TYPE = "push";
  /** The largest content of one push, encoded (the gateways refuse more, per app, before this). */
  static final int MAX_CONTENT_BYTES = 64 * 1024;
  static final long DEFAULT_RETENTION_MS = 7L * 24 * 3600 * 1000;
  static final int SINCE_DEFAULT = 100;
  static final int SINCE_LIMIT = 500;
  static final long SWEEP_INTERVAL_MS = 60_000;
  /** Sender ids: an app user's id (any string an app chose) or {@code app:<id>}. */
  static final int MAX_UID = 200;
  static final int MAX_CID = 128;

  /** A valid since request: after {@code after}, or after the delivered mark when null. */
  record SinceQuery(String sid, Long after, int limit) {
  }

  private final Vertx vertx;
  private final MessageStore store;
  private final GroupCommit commits;
  private long sweeper = -1;

  PushInboxes(Vertx vertx, MessageStore store, GroupCommit commits) {
    this.vertx = vertx;
    this.store = store;
    this.commits = commits;
  }

  void startSweeping() {
    sweeper = vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> sweep());
  }

  void stopSweeping() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
    }
  }

  /** Every instance sweeps; a delete of what another instance just deleted finds nothing. */
  private void sweep() {
    store.deleteExpired(System.currentTimeMillis())
        .onSuccess(n -> {
          if (n > 0) {
            LOG.debug("deleted {} expired pushes", n);
          }
        })
        .onFailure(t -> LOG.warn("push sweep failed: {}", t.toString()));
  }

  // ---- append ----

  /** Stored (or found stored: same uid and cid) and acked; a new push is published on the inbox's address. */
  Future<JsonObject> append(JsonObject body) {
    JsonObject draft = validAppend(body, System.currentTimeMillis());
    return commits.append(draft, GroupCommit.NO_DEADLINE).map(appended -> {
      JsonObject push = appended.message();
      JsonObject ack = new JsonObject().put(Field.SID, push.getString(Field.SID))
          .put(Field.SEQ, push.getLong(Field.SEQ)).put(Field.AT, push.getLong(Field.AT));
      if (appended.duplicate()) {
        return ack.put(Field.DUPLICATE, true);
      }
      vertx.eventBus().publish(Address.fanoutInbox(push.getString(Field.SID)), delivery(push));
      return ack;
    });
  }

  static JsonObject validAppend(JsonObject body, long now) {
    String sid = inboxSid(body);
    String uid = Check.string(body, Field.UID, 1, MAX_UID);
    String cid = Check.string(body, Field.CID, 1, MAX_CID);
    JsonObject content = Check.optionalObject(body, Field.CONTENT);
    if (content == null) {
      throw ErrorCode.INVALID.exception("content must be an object");
    }
    if (content.encode().length() > MAX_CONTENT_BYTES) {
      throw ErrorCode.TOO_LARGE.exception("content must encode to at most " + MAX_CONTENT_BYTES + " characters");
    }
    Long expiresAt = Check.optionalLong(body, MessageStore.EXPIRES_AT, 1, Long.MAX_VALUE);
    return new JsonObject().put("_id", Ids.random()).put(Field.SID, sid).put(Field.UID, uid).put(Field.CID, cid)
        .put(Field.MSG_TYPE, MSG_TYPE).put(Field.CONTENT, content).put(Field.AT, now)
        .put(MessageStore.EXPIRES_AT, expiresAt == null ? now + DEFAULT_RETENTION_MS : expiresAt);
  }

  private static String inboxSid(JsonObject body) {
    String sid = Check.string(body, Field.SID, 1, 64);
    if (!PushNames.isInbox(sid)) {
      throw ErrorCode.INVALID.exception("sid must be a push inbox");
    }
    return sid;
  }

  /** What a gateway gets of a push, live or replayed: {@code {sid, seq, msgId, content, at}}. */
  static JsonObject delivery(JsonObject push) {
    return new JsonObject().put(Field.SID, push.getString(Field.SID)).put(Field.SEQ, push.getLong(Field.SEQ))
        .put(Field.MSG_ID, push.getString(Field.CID)).put(Field.CONTENT, push.getJsonObject(Field.CONTENT))
        .put(Field.AT, push.getLong(Field.AT));
  }

  // ---- since ----

  /** {@code {sid, after?, limit?}} → {@code {sid, messages, more, delivered}}, unexpired pushes ascending. */
  Future<JsonObject> since(JsonObject body) {
    SinceQuery q = validSince(body);
    long now = System.currentTimeMillis();
    return store.delivered(q.sid()).compose(delivered -> {
      long after = q.after() == null ? delivered : q.after();
      return store.pushesAfter(q.sid(), after, now, q.limit()).map(page -> new JsonObject()
          .put(Field.SID, q.sid()).put(Field.MESSAGES, deliveries(page.messages())).put(Field.MORE, page.more())
          .put(MessageStore.DELIVERED, delivered));
    });
  }

  static SinceQuery validSince(JsonObject body) {
    String sid = inboxSid(body);
    Long after = Check.optionalLong(body, Field.AFTER, 0, Long.MAX_VALUE);
    Long limit = Check.optionalLong(body, Field.LIMIT, 1, SINCE_LIMIT);
    return new SinceQuery(sid, after, limit == null ? SINCE_DEFAULT : limit.intValue());
  }

  private static JsonArray deliveries(List<JsonObject> pushes) {
    JsonArray out = new JsonArray();
    pushes.forEach(p -> out.add(delivery(p)));
    return out;
  }

  // ---- delivered ----

  /** {@code {sid, seq}}: the mark is raised to seq (kept as the max); answers the sid and the seq asked. */
  Future<JsonObject> delivered(JsonObject body) {
    String sid = inboxSid(body);
    long seq = Check.longValue(body, Field.SEQ, 1, Long.MAX_VALUE);
    return store.markDelivered(sid, seq).map(v -> new JsonObject().put(Field.SID, sid).put(Field.SEQ, seq));
  }
}
