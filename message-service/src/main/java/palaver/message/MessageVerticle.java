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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * message-service's messages: which address is served by which handler, and
 * the validation of what arrives there. Sends are stored by
 * {@link GroupCommit} in the {@link MessageStore}; recent messages are kept in
 * {@link Tails} so a short-gap sync ({@link SyncReader}) needs no read of the
 * store. Session-service is asked who is a member, user-service for the
 * sender's nickname and avatar ({@link Profiles}).
 */
public class MessageVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MessageVerticle.class);
  static final int MAX_CONTENT = 16 * 1024;
  /** The longest wait a sender may announce ({@code waitMs}); more would keep an abandoned send alive for minutes. */
  static final long MAX_WAIT_MS = 60_000;
  static final int SYNC_MAX_SESSIONS = 1_000;
  static final int HISTORY_LIMIT = 200;
  static final int HISTORY_DEFAULT = 50;
  static final int HEADS_MAX_SESSIONS = 5_000;
  /** Longest quote a reply carries of its target (characters). */
  static final int QUOTE_LENGTH = 200;
  /** Longest reaction (UTF-16 units; a family emoji with skin tones is about 15). */
  static final int MAX_EMOJI = 32;
  /** Distinct reactions one message may carry. */
  static final int MAX_REACTIONS = 32;
  /** The most users one message may mention by uid (besides {@code mentionAll}). */
  static final int MAX_MENTIONS = 20;
  /** The notification kind a mentioned user gets (not for {@code mentionAll}). */
  static final String MENTION_KIND = "mention";
  /** Session roles that may delete anyone's message there, and mention everyone. */
  private static final Set<String> MODERATORS = Set.of("owner", "admin");
  /** Answer fields with no name in {@link Field}. */
  static final String SYSTEM = "system";
  private static final String INSTANCES = "palaver.message.instances";

  /** A valid history request: the newest page by default, or after/before a seq. */
  record HistoryQuery(String uid, String sid, Long before, Long after, int limit) {
  }

  /** A valid sync request: {sid: last seq the client has}. */
  record SyncQuery(String uid, JsonObject positions) {
  }

  /**
   * A valid heads request; with a uid each head also carries that user's own newest seq, and with their read
   * positions ({sid: readSeq}) their unread mentions.
   */
  record HeadsQuery(JsonArray sids, String uid, JsonObject readSeqs) {
  }

  private MongoClient mongo;
  private MessageStore store;
  private GroupCommit commits;
  private SyncReader syncs;
  private Profiles profiles;
  private PushInboxes inboxes;
  private Tails tails;
  private Retention retention;
  private Mentions mentions;
  private MemberChecks members;
  private SearchIndex searchIndex;
  private MessageSearch search;

  @Override
  public Future<?> start() {
    mongo = Store.client(vertx, config());
    store = new MessageStore(mongo);
    mentions = new Mentions(mongo);
    tails = new Tails();
    members = new MemberChecks(vertx);
    searchIndex = new SearchIndex(mongo);
    search = new MessageSearch(searchIndex, store);
    commits = new GroupCommit(vertx, store, tails, searchIndex);
    syncs = new SyncReader(store, tails, this::soleWriter);
    profiles = new Profiles(vertx);
    inboxes = new PushInboxes(vertx, store, commits);
    retention = new Retention(vertx, store, mentions, searchIndex, new FileStore(mongo), setting(Setting.RETENTION_DAYS),
        setting(Setting.RETENTION_SWEEP_SECONDS) * 1000L, this::changed);
    return Store.ping(mongo, config())
        .compose(v -> store.createIndexes())
        .compose(v -> mentions.createIndexes())
        .compose(v -> searchIndex.createIndexes())
        .compose(v -> members.listen())
        .compose(v -> Future.all(List.of(
            Bus.serve(vertx, Address.HEALTH_MESSAGE, this::health),
            Bus.serve(vertx, Address.MESSAGE_SEND, this::send),
            Bus.serve(vertx, Address.MESSAGE_SYSTEM, this::system),
            Bus.serve(vertx, Address.MESSAGE_HISTORY, this::history),
            Bus.serve(vertx, Address.MESSAGE_SYNC, this::sync),
            Bus.serve(vertx, Address.MESSAGE_HEADS, this::heads),
            Bus.serve(vertx, Address.MESSAGE_SEARCH, this::search),
            Bus.serve(vertx, Address.MESSAGE_DELETE, this::delete),
            Bus.serve(vertx, Address.MESSAGE_EDIT, this::edit),
            Bus.serve(vertx, Address.MESSAGE_REACT, this::react),
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

  /**
   * A user's message: validated, membership checked (the sender's, and the mentioned users'), file
   * claimed, stored with its seq, then acked and fanned out.
   */
  private Future<JsonObject> send(JsonObject body) {
    long startBy = startBy(body);
    JsonObject draft = validSend(body);
    String uid = draft.getString(Field.UID);
    String msgType = draft.getString(Field.MSG_TYPE);
    String fileId = Attachments.fileId(body, msgType);
    Long replyTo = Check.optionalLong(body, Field.REPLY_TO, 1, Long.MAX_VALUE);
    JsonArray mentioned = draft.getJsonArray(Field.MENTIONS);
    return checkMember(uid, draft.getString(Field.SID), mentioned)
        .compose(member -> member.getBoolean(Field.BLOCKED, false)
            ? Future.failedFuture(ErrorCode.FORBIDDEN.exception("blocked: this private session takes no messages"))
            : checkMentions(draft, member).compose(v -> replyTarget(draft, replyTo)))
        .compose(v -> Attachments.claim(vertx, uid, fileId, msgType))
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
    String msgType = Check.oneOf(body, Field.MSG_TYPE, "text", "text", "image", "file", "voice", "video");
    if (body.getValue(Field.CONTENT) instanceof String s && s.length() > MAX_CONTENT) {
      throw ErrorCode.TOO_LARGE.exception("content must have at most " + MAX_CONTENT + " characters");
    }
    String content = Check.optionalString(body, Field.CONTENT, MAX_CONTENT);
    if (msgType.equals("text") && (content == null || content.isBlank())) {
      throw ErrorCode.INVALID.exception("content is required for text messages");
    }
    JsonObject draft = new JsonObject().put("_id", Ids.random()).put(Field.SID, sid).put(Field.UID, uid)
        .put(Field.CID, cid).put(Field.MSG_TYPE, msgType).put(Field.CONTENT, content == null ? "" : content)
        .put(Field.AT, System.currentTimeMillis());
    JsonArray mentions = validMentions(body, uid);
    if (!mentions.isEmpty()) {
      draft.put(Field.MENTIONS, mentions);
    }
    if (validMentionAll(body)) {
      draft.put(Field.MENTION_ALL, true);
    }
    return draft;
  }

  /**
   * A send's {@code mentions}: an array of at most {@value #MAX_MENTIONS} uids (each 1..64 characters),
   * repeats dropped and the sender left out (mentioning oneself notifies nobody). Membership is checked later.
   */
  static JsonArray validMentions(JsonObject body, String sender) {
    Object value = body.getValue(Field.MENTIONS);
    if (value == null) {
      return new JsonArray();
    }
    if (!(value instanceof JsonArray list) || list.size() > MAX_MENTIONS) {
      throw ErrorCode.INVALID.exception("mentions must be an array of at most " + MAX_MENTIONS + " uids");
    }
    JsonArray uids = new JsonArray();
    for (Object u : list) {
      if (!(u instanceof String s) || s.isEmpty() || s.length() > 64) {
        throw ErrorCode.INVALID.exception("mentions must hold uids (strings of 1..64 characters)");
      }
      if (!s.equals(sender) && !uids.contains(s)) {
        uids.add(s);
      }
    }
    return uids;
  }

  static boolean validMentionAll(JsonObject body) {
    Object value = body.getValue(Field.MENTION_ALL);
    if (value != null && !(value instanceof Boolean)) {
      throw ErrorCode.INVALID.exception("mentionAll must be true or false");
    }
    return Boolean.TRUE.equals(value);
  }

  /**
   * Refuses, before anything is stored, a mention of someone who is not a member of the session now
   * ({@code invalid}, naming them), and {@code mentionAll} outside a group ({@code invalid}) or by a member
   * who is not the group's owner or an admin ({@code forbidden}). {@code member} is session-service's
   * answer about the sender, with {@code members} among the mentioned uids.
   */
  static Future<Void> checkMentions(JsonObject draft, JsonObject member) {
    if (draft.getValue(Field.MENTIONS) instanceof JsonArray mentioned) {
      JsonArray members = member.getValue(Field.MEMBERS) instanceof JsonArray m ? m : new JsonArray();
      for (Object uid : mentioned) {
        if (!members.contains(uid)) {
          return Future.failedFuture(ErrorCode.INVALID.exception("mentions: " + uid + " is not a member of this session"));
        }
      }
    }
    if (Boolean.TRUE.equals(draft.getValue(Field.MENTION_ALL))) {
      if (!"group".equals(member.getString(Field.TYPE))) {
        return Future.failedFuture(ErrorCode.INVALID.exception("mentionAll is for groups only"));
      }
      if (!MODERATORS.contains(member.getString(Field.ROLE, ""))) {
        return Future.failedFuture(ErrorCode.FORBIDDEN.exception("only the group's owner and admins may mention @all"));
      }
    }
    return Future.succeededFuture();
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

  /**
   * A reply's {@code replyTo}: the target (a message of the same session, not a change event, notice or
   * tombstone) as {seq, id, uid, nickname, msgType, quote}; put in the draft. Nothing without replyTo.
   */
  private Future<Void> replyTarget(JsonObject draft, Long replyTo) {
    if (replyTo == null) {
      return Future.succeededFuture();
    }
    return store.one(draft.getString(Field.SID), replyTo).compose(target -> {
      if (target == null) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("replyTo: no such message in this session"));
      }
      if (MessageStore.isChange(target) || SYSTEM.equals(target.getString(Field.MSG_TYPE))) {
        return Future.failedFuture(ErrorCode.INVALID.exception("replyTo must name a message, not a notice or change"));
      }
      if (target.getBoolean(Field.DELETED, false)) {
        return Future.failedFuture(ErrorCode.CONFLICT.exception("replyTo: that message was deleted"));
      }
      draft.put(Field.REPLY_TO, new JsonObject().put(Field.SEQ, replyTo).put(Field.ID, target.getString("_id"))
          .put(Field.UID, target.getString(Field.UID)).put(Field.NICKNAME, target.getString(Field.NICKNAME))
          .put(Field.MSG_TYPE, target.getString(Field.MSG_TYPE)).put(Field.QUOTE, quote(target)));
      return Future.succeededFuture();
    });
  }

  /** The start of a message's text (or its file's name), at most {@value #QUOTE_LENGTH} characters. */
  static String quote(JsonObject message) {
    String text = message.getValue(Field.CONTENT) instanceof String c ? c : "";
    if (text.isBlank() && message.getValue(Field.FILE) instanceof JsonObject file) {
      text = file.getString(Field.NAME, "");
    }
    return text.length() <= QUOTE_LENGTH ? text : text.substring(0, QUOTE_LENGTH - 1) + "\u2026";
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

  /**
   * Acked only once stored (and the head moved, and its mentions recorded: a retry records them again);
   * published only when new, so a retry is not delivered twice, nor its mentions notified twice.
   */
  private Future<JsonObject> store(JsonObject draft, long startBy) {
    return commits.append(draft, startBy).compose(appended -> mentions.record(appended.message()).map(v -> {
      JsonObject message = appended.message();
      if (appended.duplicate()) {
        return Frames.ackBody(message).put(Field.DUPLICATE, true);
      }
      vertx.eventBus().publish(Address.fanoutSession(message.getString(Field.SID)), Frames.message(message));
      notifyMentioned(message);
      return Frames.ackBody(message);
    }));
  }

  /**
   * A {@code mention} notification to each user the message mentions by uid (stored by user-service and
   * pushed to their connections, whether or not they muted the session); a failure loses only the
   * notification. A mention of everyone notifies through the message itself, not one notification each.
   */
  private void notifyMentioned(JsonObject message) {
    if (!(message.getValue(Field.MENTIONS) instanceof JsonArray uids) || Boolean.TRUE.equals(message.getValue(Field.MENTION_ALL))) {
      return;
    }
    JsonObject data = new JsonObject().put(Field.SID, message.getString(Field.SID)).put(Field.SEQ, message.getLong(Field.SEQ))
        .put(Field.BY, message.getString(Field.UID)).put(Field.NICKNAME, message.getString(Field.NICKNAME))
        .put(Field.QUOTE, quote(message));
    for (Object uid : uids) {
      Bus.request(vertx, Address.USER_NOTIFY, new JsonObject().put(Field.UID, uid).put(Field.KIND, MENTION_KIND)
          .put(Field.DATA, data))
          .onFailure(t -> LOG.warn("mention notification for {} in {} failed: {}", uid, data.getString(Field.SID), t.getMessage()));
    }
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

  // ---- search ----

  /**
   * {@code {uid, q, sid?, before?, limit?}} (docs/protocol.md "Search"): over one session the caller is a
   * member of, or over all of theirs (session-service's list, read for this request); never others'.
   */
  private Future<JsonObject> search(JsonObject body) {
    MessageSearch.Query q = MessageSearch.valid(body);
    Future<List<String>> sids = q.sid() != null
        ? checkMember(q.uid(), q.sid()).map(member -> List.of(q.sid()))
        : Bus.request(vertx, Address.SESSION_MEMBERSHIPS, new JsonObject().put(Field.UID, q.uid()))
            .map(mine -> mine.getJsonArray(Field.SESSIONS).stream().map(s -> ((JsonObject) s).getString(Field.SID))
                .filter(sid -> sid != null && !PushNames.isInbox(sid)).distinct().toList());
    return sids.compose(list -> search.search(q, list));
  }

  // ---- heads ----

  /**
   * {@code {sids:[...], uid?, readSeqs?}} → {@code {heads:{sid:{lastSeq, lastMessage, ownSeq?, mentions?}}}}
   * in one query, and with {@code readSeqs} one aggregation of the user's unread mentions.
   */
  private Future<JsonObject> heads(JsonObject body) {
    HeadsQuery q = validHeads(body);
    return store.heads(q.sids(), q.uid())
        .compose(heads -> q.readSeqs() == null ? Future.succeededFuture(heads) : withMentions(heads, q))
        .map(heads -> new JsonObject().put(Field.HEADS, heads));
  }

  /**
   * Each head's {@code mentions}: the messages after the user's read position (or their own newest message,
   * or the first kept one) that mention them or everyone, asked only of sessions with anything unread.
   */
  private Future<JsonObject> withMentions(JsonObject heads, HeadsQuery q) {
    java.util.Map<String, Long> after = new java.util.HashMap<>();
    for (String sid : heads.fieldNames()) {
      JsonObject head = heads.getJsonObject(sid);
      head.put(Field.MENTIONS, 0L);
      long read = Math.max(q.readSeqs().getValue(sid) instanceof Number n ? n.longValue() : 0L, head.getLong(Field.OWN_SEQ, 0L));
      if (head.getLong(Field.LAST_SEQ, 0L) > read) {
        after.put(sid, read);
      }
    }
    return mentions.unread(q.uid(), after).map(counts -> {
      counts.forEach((sid, n) -> heads.getJsonObject(sid).put(Field.MENTIONS, n));
      return heads;
    });
  }

  static HeadsQuery validHeads(JsonObject body) {
    JsonArray sids = body.getValue(Field.SIDS) instanceof JsonArray a ? a : null;
    if (sids == null || sids.size() > HEADS_MAX_SESSIONS || !sids.stream().allMatch(s -> s instanceof String)) {
      throw ErrorCode.INVALID.exception("sids must be an array of strings");
    }
    // An inbox's head (its newest push) is nobody's chat session: left out like a sid without a head.
    JsonArray chats = new JsonArray(sids.stream().filter(s -> !PushNames.isInbox((String) s)).toList());
    String uid = Check.optionalString(body, Field.UID, 64);
    JsonObject readSeqs = Check.optionalObject(body, Field.READ_SEQS);
    if (readSeqs != null && uid == null) {
      throw ErrorCode.INVALID.exception("readSeqs needs the uid whose positions they are");
    }
    return new HeadsQuery(chats, uid, readSeqs);
  }

  // ---- change events: edit, delete, react ----
  //
  // Each change is first appended to the session as its own message (msgType edit, delete or reaction,
  // target: the seq changed) through GroupCommit, so it gets a seq: sync replays it to clients that were
  // away, history shows it at its place, and a retry with the same cid finds it. Then the target is
  // updated in place (idempotent), so history and sync show the current state. A crash between the two
  // leaves the event stored and the target behind; clients apply the event themselves (an edit whose seq
  // is above the target's editSeq), and the retry repeats the update. Validation happens before
  // anything is written: a refused change stores nothing.

  /** A valid change request: who, which message, the client's cid (or a fresh one). */
  record ChangeQuery(String uid, String sid, long target, String cid) {
  }

  static ChangeQuery validChange(JsonObject body, String kind) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String sid = chatSid(body);
    long target = Check.longValue(body, Field.SEQ, 1, Long.MAX_VALUE);
    String cid = Check.optionalString(body, Field.CID, 64);
    return new ChangeQuery(uid, sid, target, cid == null || cid.isEmpty() ? kind + ":" + Ids.random() : cid);
  }

  /** The new text of an edit: the same limits as a send's. */
  static String validEditContent(JsonObject body) {
    if (body.getValue(Field.CONTENT) instanceof String s && s.length() > MAX_CONTENT) {
      throw ErrorCode.TOO_LARGE.exception("content must have at most " + MAX_CONTENT + " characters");
    }
    String content = Check.optionalString(body, Field.CONTENT, MAX_CONTENT);
    if (content == null || content.isBlank()) {
      throw ErrorCode.INVALID.exception("content is required");
    }
    return content;
  }

  /** A reaction: 1..{@value #MAX_EMOJI} characters, no spaces or controls, no '.' or '$' (it is a field name). */
  static String validEmoji(JsonObject body) {
    String emoji = Check.string(body, Field.EMOJI, 1, MAX_EMOJI);
    if (emoji.chars().anyMatch(c -> c == '.' || c == '$' || Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw ErrorCode.INVALID.exception("emoji must not contain spaces, controls, '.' or '$'");
    }
    return emoji;
  }

  static boolean validOn(JsonObject body) {
    Object on = body.getValue(Field.ON);
    if (on != null && !(on instanceof Boolean)) {
      throw ErrorCode.INVALID.exception("on must be true or false");
    }
    return on == null || (Boolean) on;
  }

  /** The change's target, refused when absent, a notice, a change event itself, or (unless allowed) a tombstone. */
  private Future<JsonObject> target(ChangeQuery q) {
    return store.one(q.sid(), q.target()).compose(target -> {
      if (target == null) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such message"));
      }
      if (MessageStore.isChange(target)) {
        return Future.failedFuture(ErrorCode.INVALID.exception("a change event can't be changed"));
      }
      return Future.succeededFuture(target);
    });
  }

  private static JsonObject changeDraft(ChangeQuery q, String kind) {
    return new JsonObject().put("_id", Ids.random()).put(Field.SID, q.sid()).put(Field.UID, q.uid())
        .put(Field.CID, q.cid()).put(Field.MSG_TYPE, kind).put(Field.TARGET, q.target())
        .put(Field.AT, System.currentTimeMillis());
  }

  /**
   * {@code {uid, sid, seq, content, cid?}}: the author replaces their text message's content; refused for
   * others' messages (403), non-text messages (400), tombstones (409), too long (413).
   */
  private Future<JsonObject> edit(JsonObject body) {
    long startBy = startBy(body);
    ChangeQuery q = validChange(body, MessageStore.EDIT);
    String content = validEditContent(body);
    return checkMember(q.uid(), q.sid()).compose(member -> target(q)).compose(target -> {
      if (!q.uid().equals(target.getString(Field.UID))) {
        return Future.failedFuture(ErrorCode.FORBIDDEN.exception("only the author may edit a message"));
      }
      if (target.getBoolean(Field.DELETED, false)) {
        return Future.failedFuture(ErrorCode.CONFLICT.exception("the message was deleted"));
      }
      if (!"text".equals(target.getString(Field.MSG_TYPE))) {
        return Future.failedFuture(ErrorCode.INVALID.exception("only text messages can be edited"));
      }
      return applied(changeDraft(q, MessageStore.EDIT).put(Field.CONTENT, content), startBy, this::applyEdit);
    });
  }

  /**
   * {@code {uid, sid, seq, cid?, admin?}} (docs/event-bus.md): the message becomes a tombstone for
   * everyone. Allowed to its author and to the session's owner and admins; {@code admin:true} is a
   * server admin (set only by the gateway's admin API, after its check). A tombstone is answered as is.
   */
  private Future<JsonObject> delete(JsonObject body) {
    long startBy = startBy(body);
    ChangeQuery q = validChange(body, MessageStore.DELETE);
    boolean serverAdmin = Boolean.TRUE.equals(body.getValue(Field.ADMIN));
    Future<String> role = serverAdmin ? Future.succeededFuture("server")
        : checkMember(q.uid(), q.sid()).map(member -> member.getString(Field.ROLE, ""));
    return role.compose(r -> target(q).map(target -> {
      boolean author = q.uid().equals(target.getString(Field.UID)) && !SYSTEM.equals(target.getString(Field.MSG_TYPE));
      if (!serverAdmin && !author && !MODERATORS.contains(r)) {
        throw ErrorCode.FORBIDDEN.exception("only the author or the session's owner and admins may delete a message");
      }
      return target;
    })).compose(target -> {
      if (target.getBoolean(Field.DELETED, false)) {
        return Future.succeededFuture(deletedAnswer(target, null));
      }
      JsonObject draft = changeDraft(q, MessageStore.DELETE);
      return commits.append(draft, startBy).compose(appended -> store.tombstone(q.sid(), q.target(), q.uid())
          .compose(stored -> mentions.removeMessage(q.sid(), q.target()).map(stored))
          .compose(stored -> searchIndex.remove(q.sid(), q.target()).map(stored))
          .map(stored -> {
            JsonObject event = appended.message();
            changed(List.of(q.sid()));
            if (!appended.duplicate()) {
              vertx.eventBus().publish(Address.fanoutSession(q.sid()), Frames.message(event));
            }
            vertx.eventBus().publish(Address.fanoutSession(q.sid()), Frames.messageDeleted(stored));
            return deletedAnswer(stored, event);
          }));
    });
  }

  /** The edit in place, then the target's postings from its text as it now is (the newest edit's). */
  private Future<Void> applyEdit(JsonObject event) {
    return store.applyEdit(event).compose(v -> store.one(event.getString(Field.SID), event.getLong(Field.TARGET)))
        .compose(target -> target == null ? Future.succeededFuture() : searchIndex.reindex(target));
  }

  private static JsonObject deletedAnswer(JsonObject tombstone, JsonObject event) {
    JsonObject answer = new JsonObject().put(Field.SID, tombstone.getString(Field.SID)).put(Field.ID, tombstone.getString("_id"))
        .put(Field.SEQ, tombstone.getLong(Field.SEQ)).put(Field.DELETED, true);
    if (event != null) {
      answer.put(Field.EVENT, event.getLong(Field.SEQ));
    }
    return answer;
  }

  /**
   * {@code {uid, sid, seq, emoji, on?, cid?}}: a member adds (on, the default) or removes their reaction;
   * one per user and emoji, so adding twice (or removing what is not there) changes nothing and appends
   * nothing ({@code unchanged:true}).
   */
  private Future<JsonObject> react(JsonObject body) {
    long startBy = startBy(body);
    ChangeQuery q = validChange(body, MessageStore.REACTION);
    String emoji = validEmoji(body);
    boolean on = validOn(body);
    return checkMember(q.uid(), q.sid()).compose(member -> target(q)).compose(target -> {
      if (target.getBoolean(Field.DELETED, false)) {
        return Future.failedFuture(ErrorCode.CONFLICT.exception("the message was deleted"));
      }
      if (SYSTEM.equals(target.getString(Field.MSG_TYPE))) {
        return Future.failedFuture(ErrorCode.INVALID.exception("notices take no reactions"));
      }
      JsonObject reactions = target.getValue(Field.REACTIONS) instanceof JsonObject r ? r : new JsonObject();
      JsonArray by = reactions.getValue(emoji) instanceof JsonArray a ? a : new JsonArray();
      if (by.contains(q.uid()) == on) {
        return Future.succeededFuture(new JsonObject().put(Field.SID, q.sid()).put(Field.TARGET, q.target())
            .put("unchanged", true));
      }
      long kinds = reactions.stream().filter(e -> e.getValue() instanceof JsonArray a && !a.isEmpty()).count();
      if (on && by.isEmpty() && kinds >= MAX_REACTIONS) {
        return Future.failedFuture(ErrorCode.TOO_LARGE.exception("a message takes at most " + MAX_REACTIONS + " reactions"));
      }
      return applied(changeDraft(q, MessageStore.REACTION).put(Field.EMOJI, emoji).put(Field.ON, on), startBy,
          store::applyReaction);
    });
  }

  /**
   * Appends a change event, applies it in place (also when it was stored before: a retry completes an
   * update a crash cut short), drops the session's tails everywhere, and publishes the event when new.
   */
  private Future<JsonObject> applied(JsonObject draft, long startBy,
      java.util.function.Function<JsonObject, Future<Void>> apply) {
    return commits.append(draft, startBy).compose(appended -> {
      JsonObject event = appended.message();
      return apply.apply(event).map(v -> {
        changed(List.of(event.getString(Field.SID)));
        if (!appended.duplicate()) {
          vertx.eventBus().publish(Address.fanoutSession(event.getString(Field.SID)), Frames.message(event));
        }
        JsonObject answer = Frames.ackBody(event).put(Field.TARGET, event.getLong(Field.TARGET));
        return appended.duplicate() ? answer.put(Field.DUPLICATE, true) : answer;
      });
    });
  }

  /** {@code {uid}}: a deleted account's messages become tombstones by "deleted user". */
  private Future<JsonObject> forgetUser(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    return store.forgetUser(uid).compose(sids -> mentions.forgetUser(uid).map(sids)).map(sids -> {
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

  /** Session-service's answer, cached here (see {@link MemberChecks}): a 403 failure unless {@code uid} is a member of {@code sid}. */
  private Future<JsonObject> checkMember(String uid, String sid) {
    return checkMember(uid, sid, null);
  }

  /**
   * As {@link #checkMember(String, String)}; with {@code uids} the answer's {@code members} lists those who
   * are members. Without uids the answer comes from {@link MemberChecks} (usually no bus hop at all); a
   * check naming mentioned users asks session-service, since it is about them too.
   */
  private Future<JsonObject> checkMember(String uid, String sid, JsonArray uids) {
    if (uids == null || uids.isEmpty()) {
      return members.check(uid, sid);
    }
    return Bus.request(vertx, Address.SESSION_CHECK_MEMBER, new JsonObject().put(Field.UID, uid).put(Field.SID, sid)
        .put(Field.UIDS, uids));
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
