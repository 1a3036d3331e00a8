package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Frames;
import palaver.api.Ids;
import palaver.api.PushNames;
import palaver.runtime.Setting;
import palaver.runtime.Store;

/**
 * message-service's messages: which address is served by which handler, and
 * the validation of what arrives there. Sends are stored by
 * {@link GroupCommit} in the {@link MessageStore}; recent messages are kept in
 * {@link Tails} so a short-gap sync ({@link SyncReader}) needs no read of the
 * store. Session-service is asked who is a member, user-service for the
 * sender's nickname and avatar ({@link Profiles}).
 */
public class MessageVerticle extends VerticleBase {
  static final int MAX_CONTENT = 16 * 1024;
  /** The longest wait a sender may announce ({@code waitMs}); more would keep an abandoned send alive for minutes. */
  static final long MAX_WAIT_MS = 60_000;
  static final int SYNC_MAX_SESSIONS = 1_000;
  static final int HISTORY_LIMIT = 200;
  static final int HISTORY_DEFAULT = 50;
  static final int HEADS_MAX_SESSIONS = 5_000;
  /** Answer fields with no name in {@link Field}. */
  static final String SYSTEM = "system";
  private static final String INSTANCES = "palaver.message.instances";

  /** A valid history request: the newest page by default, or after/before a seq. */
  record HistoryQuery(String uid, String sid, Long before, Long after, int limit) {
  }

  /** A valid sync request: {sid: last seq the client has}. */
  record SyncQuery(String uid, JsonObject positions) {
  }

  /** A valid heads request; with a uid each head also carries that user's own newest seq. */
  record HeadsQuery(JsonArray sids, String uid) {
  }

  private MongoClient mongo;
  private MessageStore store;
  private GroupCommit commits;
  private SyncReader syncs;
  private Profiles profiles;
  private PushInboxes inboxes;
  private Tails tails;
  private Retention retention;

  @Override
  public Future<?> start() {
    mongo = Store.client(vertx, config());
    store = new MessageStore(mongo);
    tails = new Tails();
    commits = new GroupCommit(vertx, store, tails);
    syncs = new SyncReader(store, tails, this::soleWriter);
    profiles = new Profiles(vertx);
    inboxes = new PushInboxes(vertx, store, commits);
    retention = new Retention(vertx, store, new FileStore(mongo), setting(Setting.RETENTION_DAYS),
        setting(Setting.RETENTION_SWEEP_SECONDS) * 1000L, this::changed);
    return Store.ping(mongo, config())
        .compose(v -> store.createIndexes())
        .compose(v -> Future.all(List.of(
            Bus.serve(vertx, Address.HEALTH_MESSAGE, this::health),
            Bus.serve(vertx, Address.MESSAGE_SEND, this::send),
            Bus.serve(vertx, Address.MESSAGE_SYSTEM, this::system),
            Bus.serve(vertx, Address.MESSAGE_HISTORY, this::history),
            Bus.serve(vertx, Address.MESSAGE_SYNC, this::sync),
            Bus.serve(vertx, Address.MESSAGE_HEADS, this::heads),
            Bus.serve(vertx, Address.MESSAGE_DELETE, this::delete),
            Bus.serve(vertx, Address.MESSAGE_FORGET_USER, this::forgetUser),
            vertx.eventBus().consumer(Address.MESSAGE_CHANGED, msg -> dropTails(msg.body())).completion(),
            Bus.serve(vertx, Address.MESSAGE_PUSH_APPEND, inboxes::append),
            Bus.serve(vertx, Address.MESSAGE_PUSH_SINCE, inboxes::since),
            Bus.serve(vertx, Address.MESSAGE_PUSH_DELIVERED, inboxes::delivered))))
        .onSuccess(v -> {
          countInstance(1);
          inboxes.startSweeping();
          retention.start();
        });
  }

  @Override
  public Future<?> stop() {
    countInstance(-1);
    if (inboxes != null) {
      inboxes.stopSweeping();
    }
    if (retention != null) {
      retention.stop();
    }
    return Future.succeededFuture();
  }

  /** A whole-number setting of at least 0 (1 for the sweep interval); a bad one stops the start. */
  private int setting(Setting setting) {
    Object value = config().getValue(setting.key(), setting.defaultValue());
    int min = setting == Setting.RETENTION_SWEEP_SECONDS ? 1 : 0;
    if (!(value instanceof Number n) || n.intValue() < min) {
      throw new IllegalArgumentException(setting.key() + " must be a whole number of at least " + min);
    }
    return n.intValue();
  }

  private Future<JsonObject> health(JsonObject body) {
    return Store.ping(mongo, config()).map(new JsonObject());
  }

  // ---- send ----

  /** A user's message: validated, membership checked, file claimed, stored with its seq, then acked and fanned out. */
  private Future<JsonObject> send(JsonObject body) {
    long startBy = startBy(body);
    JsonObject draft = validSend(body);
    String uid = draft.getString(Field.UID);
    String msgType = draft.getString(Field.MSG_TYPE);
    String fileId = Attachments.fileId(body, msgType);
    return checkMember(uid, draft.getString(Field.SID))
        .compose(member -> member.getBoolean(Field.BLOCKED, false)
            ? Future.failedFuture(ErrorCode.FORBIDDEN.exception("blocked: this private session takes no messages"))
            : Attachments.claim(vertx, uid, fileId, msgType))
        .compose(file -> profiles.of(uid).compose(profile -> store(withSender(draft.put(Field.FILE, file), profile),
            startBy)));
  }

  /**
   * When the write of a send must have started, from the caller's {@code waitMs}
   * (how long it waits for the ack, counted from arrival here, so no clocks
   * are compared): three quarters of it, leaving the rest for the write and
   * the reply. Without {@code waitMs} a send is written however late.
   */
  static long startBy(JsonObject body) {
    Long waitMs = Check.optionalLong(body, Field.WAIT_MS, 1, MAX_WAIT_MS);
    return waitMs == null ? GroupCommit.NO_DEADLINE : System.nanoTime() + waitMs * 750_000L;
  }

  /** The stored fields of a client's message, or an {@code invalid}/{@code too_large} failure. */
  static JsonObject validSend(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String sid = chatSid(body);
    String cid = Check.string(body, Field.CID, 1, 64);
    if (SYSTEM.equals(body.getValue(Field.MSG_TYPE))) {
      throw ErrorCode.INVALID.exception("msgType system is made by the server only");
    }
    String msgType = Check.oneOf(body, Field.MSG_TYPE, "text", "text", "image", "file", "voice");
    if (body.getValue(Field.CONTENT) instanceof String s && s.length() > MAX_CONTENT) {
      throw ErrorCode.TOO_LARGE.exception("content must have at most " + MAX_CONTENT + " characters");
    }
    String content = Check.optionalString(body, Field.CONTENT, MAX_CONTENT);
    if (msgType.equals("text") && (content == null || content.isBlank())) {
      throw ErrorCode.INVALID.exception("content is required for text messages");
    }
    return new JsonObject().put("_id", Ids.random()).put(Field.SID, sid).put(Field.UID, uid).put(Field.CID, cid)
        .put(Field.MSG_TYPE, msgType).put(Field.CONTENT, content == null ? "" : content)
        .put(Field.AT, System.currentTimeMillis());
  }

  /**
   * A chat session's sid. Push inboxes are refused here whatever session-service says (no session
   * has such a sid, and this does not depend on it): only the trusted MESSAGE_PUSH_* reach them.
   */
  static String chatSid(JsonObject body) {
    String sid = Check.string(body, Field.SID, 1, 64);
    if (PushNames.isInbox(sid)) {
      throw ErrorCode.FORBIDDEN.exception("not a member of this session");
    }
    return sid;
  }

  private static JsonObject withSender(JsonObject draft, JsonObject profile) {
    return draft.put(Field.NICKNAME, profile.getString(Field.NICKNAME)).put(Field.AVATAR, profile.getString(Field.AVATAR));
  }

  // ---- system ----

  /** A server-made notice (join, leave, rename, ...): never reachable from clients; written however long the queue. */
  private Future<JsonObject> system(JsonObject body) {
    JsonObject draft = validSystem(body);
    return profiles.of(draft.getString(Field.UID)).recover(t -> Future.succeededFuture(new JsonObject()))
        .compose(profile -> store(draft.put(Field.NICKNAME, profile.getString(Field.NICKNAME)), GroupCommit.NO_DEADLINE));
  }

  static JsonObject validSystem(JsonObject body) {
    String sid = chatSid(body);
    String uid = Check.string(body, Field.UID, 1, 64);
    JsonObject content = Check.optionalObject(body, Field.CONTENT);
    return new JsonObject()
        .put("_id", Ids.random()).put(Field.SID, sid).put(Field.UID, uid).put(Field.CID, "sys:" + Ids.random())
        .put(Field.MSG_TYPE, SYSTEM).put(Field.CONTENT, content == null ? new JsonObject() : content)
        .put(Field.AT, System.currentTimeMillis());
  }

  /** Acked only once stored (and the head moved); published only when new, so a retry is not delivered twice. */
  private Future<JsonObject> store(JsonObject draft, long startBy) {
    return commits.append(draft, startBy).map(appended -> {
      JsonObject message = appended.message();
      if (appended.duplicate()) {
        return Frames.ackBody(message).put(Field.DUPLICATE, true);
      }
      vertx.eventBus().publish(Address.fanoutSession(message.getString(Field.SID)), Frames.message(message));
      return Frames.ackBody(message);
    });
  }

  // ---- history ----

  private Future<JsonObject> history(JsonObject body) {
    HistoryQuery q = validHistory(body);
    return checkMember(q.uid(), q.sid())
        .compose(member -> store.page(q.sid(), q.before(), q.after(), q.limit()))
        // firstSeq read after the page: retention raises it before it deletes, so a page missing a
        // removed message comes with the firstSeq that says why.
        .compose(page -> store.firstSeq(q.sid()).map(first -> new JsonObject().put(Field.SID, q.sid())
            .put(Field.MESSAGES, SyncReader.frames(page.messages())).put(Field.MORE, page.more())
            .put(Field.FIRST_SEQ, first)));
  }

  static HistoryQuery validHistory(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String sid = chatSid(body);
    Long before = Check.optionalLong(body, Field.BEFORE, 0, Long.MAX_VALUE);
    Long after = Check.optionalLong(body, Field.AFTER, 0, Long.MAX_VALUE);
    Long limit = Check.optionalLong(body, Field.LIMIT, 1, HISTORY_LIMIT);
    return new HistoryQuery(uid, sid, before, after, limit == null ? HISTORY_DEFAULT : limit.intValue());
  }

  // ---- sync ----

  /**
   * {@code {uid, positions:{sid: lastSeq}}} → the messages after each position
   * (see {@link SyncReader}); sids the user is not a member of are listed in
   * {@code forbidden}.
   */
  private Future<JsonObject> sync(JsonObject body) {
    SyncQuery q = validSync(body);
    return Bus.request(vertx, Address.SESSION_MEMBERSHIPS, new JsonObject().put(Field.UID, q.uid())).compose(mine -> {
      Set<String> member = new HashSet<>();
      mine.getJsonArray(Field.SESSIONS).forEach(s -> member.add(((JsonObject) s).getString(Field.SID)));
      List<String> wanted = new ArrayList<>();
      JsonArray forbidden = new JsonArray();
      for (String sid : q.positions().fieldNames()) {
        if (member.contains(sid) && !PushNames.isInbox(sid)) {
          wanted.add(sid);
        } else {
          forbidden.add(sid);
        }
      }
      return syncs.read(wanted, q.positions()).map(result -> result.put(Field.FORBIDDEN, forbidden));
    });
  }

  static SyncQuery validSync(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    JsonObject positions = Check.optionalObject(body, Field.POSITIONS);
    if (positions == null || positions.size() > SYNC_MAX_SESSIONS) {
      throw ErrorCode.INVALID.exception("positions must be an object of at most " + SYNC_MAX_SESSIONS + " sessions");
    }
    for (String sid : positions.fieldNames()) {
      Check.longValue(positions, sid, 0, Long.MAX_VALUE);
    }
    return new SyncQuery(uid, positions);
  }

  // ---- heads ----

  /** {@code {sids:[...], uid?}} → {@code {heads:{sid:{lastSeq, lastMessage, ownSeq?}}}} in one query. */
  private Future<JsonObject> heads(JsonObject body) {
    HeadsQuery q = validHeads(body);
    return store.heads(q.sids(), q.uid()).map(heads -> new JsonObject().put(Field.HEADS, heads));
  }

  static HeadsQuery validHeads(JsonObject body) {
    JsonArray sids = body.getValue(Field.SIDS) instanceof JsonArray a ? a : null;
    if (sids == null || sids.size() > HEADS_MAX_SESSIONS || !sids.stream().allMatch(s -> s instanceof String)) {
      throw ErrorCode.INVALID.exception("sids must be an array of strings");
    }
    // An inbox's head (its newest push) is nobody's chat session: left out like a sid without a head.
    JsonArray chats = new JsonArray(sids.stream().filter(s -> !PushNames.isInbox((String) s)).toList());
    return new HeadsQuery(chats, Check.optionalString(body, Field.UID, 64));
  }

  // ---- tombstones ----

  /**
   * {@code {uid, sid, seq}} (uid: the admin, checked by the caller): the
   * message becomes a tombstone in the store, every instance drops its tail
   * of the session (so sync reads the tombstone), and members get
   * {@code messageDeleted} live.
   */
  private Future<JsonObject> delete(JsonObject body) {
    String by = Check.string(body, Field.UID, 1, 64);
    String sid = chatSid(body);
    long seq = Check.longValue(body, Field.SEQ, 1, Long.MAX_VALUE);
    return store.tombstone(sid, seq, by).compose(stored -> {
      if (stored == null) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such message"));
      }
      changed(List.of(sid));
      vertx.eventBus().publish(Address.fanoutSession(sid), Frames.messageDeleted(stored));
      return Future.succeededFuture(new JsonObject().put(Field.SID, sid).put(Field.ID, stored.getString("_id"))
          .put(Field.SEQ, seq).put(Field.DELETED, true));
    });
  }

  /** {@code {uid}}: a deleted account's messages become tombstones by "deleted user". */
  private Future<JsonObject> forgetUser(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    return store.forgetUser(uid).map(sids -> {
      changed(sids);
      return new JsonObject().put(Field.SIDS, new JsonArray(sids));
    });
  }

  /** Tells every instance (this one too) that stored messages of {@code sids} changed. */
  private void changed(List<String> sids) {
    tails.invalidate(sids);
    vertx.eventBus().publish(Address.MESSAGE_CHANGED, new JsonObject().put(Field.SIDS, new JsonArray(sids)));
  }

  private void dropTails(Object body) {
    if (body instanceof JsonObject changed && changed.getValue(Field.SIDS) instanceof JsonArray sids) {
      tails.invalidate(sids.stream().filter(String.class::isInstance).map(String.class::cast).toList());
    }
  }

  // ---- neighbours and instances ----

  /** Session-service's answer: a 403 failure unless {@code uid} is a member of {@code sid}. */
  private Future<JsonObject> checkMember(String uid, String sid) {
    return Bus.request(vertx, Address.SESSION_CHECK_MEMBER, new JsonObject().put(Field.UID, uid).put(Field.SID, sid));
  }

  private boolean soleWriter() {
    Integer instances = vertx.sharedData().<String, Integer>getLocalMap(INSTANCES).get(INSTANCES);
    return !vertx.isClustered() && instances != null && instances == 1;
  }

  private void countInstance(int delta) {
    vertx.sharedData().<String, Integer>getLocalMap(INSTANCES)
        .compute(INSTANCES, (k, n) -> (n == null ? 0 : n) + delta);
  }
}
