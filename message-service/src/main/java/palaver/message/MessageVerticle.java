package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Frames;
import palaver.api.Ids;
import palaver.runtime.Store;

/**
 * message-service: owns the {@code messages} and {@code heads} collections.
 * Sends are stored by {@link GroupCommit}; recent messages are kept in
 * {@link Tails} so a short-gap sync needs no read of {@code messages}.
 */
public class MessageVerticle extends VerticleBase {
  static final String MESSAGES = "messages";
  static final String HEADS = "heads";
  static final int MAX_CONTENT = 16 * 1024;
  /** The longest wait a sender may announce ({@code waitMs}); more would keep an abandoned send alive for minutes. */
  static final long MAX_WAIT_MS = 60_000;
  static final int SYNC_LIMIT = 200;
  static final int SYNC_TOTAL = 2_000;
  static final int SYNC_MAX_SESSIONS = 1_000;
  static final int HISTORY_LIMIT = 200;
  private static final String INSTANCES = "palaver.message.instances";

  /** A page of stored messages, ascending, and whether more follow in the direction read. */
  private record Page(List<JsonObject> messages, boolean more) {
  }

  private MongoClient mongo;
  private GroupCommit commits;
  private Tails tails;
  private Profiles profiles;

  @Override
  public Future<?> start() {
    mongo = Store.client(vertx, config());
    tails = new Tails();
    commits = new GroupCommit(vertx, mongo, tails);
    profiles = new Profiles(vertx);
    return Store.ping(mongo, config())
        .compose(v -> Future.all(
            mongo.createIndexWithOptions(MESSAGES, new JsonObject().put(Field.SID, 1).put(Field.SEQ, 1),
                new IndexOptions().unique(true).name("sid_seq")),
            mongo.createIndexWithOptions(MESSAGES, new JsonObject().put(Field.UID, 1).put(Field.CID, 1),
                new IndexOptions().unique(true).name("uid_cid"))))
        .compose(v -> Future.all(List.of(
            Bus.serve(vertx, Address.HEALTH_MESSAGE, body -> Store.ping(mongo, config()).map(new JsonObject())),
            Bus.serve(vertx, Address.MESSAGE_SEND, this::send),
            Bus.serve(vertx, Address.MESSAGE_SYSTEM, this::system),
            Bus.serve(vertx, Address.MESSAGE_HISTORY, this::history),
            Bus.serve(vertx, Address.MESSAGE_SYNC, this::sync),
            Bus.serve(vertx, Address.MESSAGE_HEADS, this::heads))))
        .onSuccess(v -> countInstance(1));
  }

  @Override
  public Future<?> stop() {
    countInstance(-1);
    return Future.succeededFuture();
  }

  /** A user's message: validated, membership checked, stored with its seq, then acked and fanned out. */
  private Future<JsonObject> send(JsonObject body) {
    long startBy = startBy(body);
    JsonObject draft = validSend(body);
    String uid = draft.getString(Field.UID);
    String msgType = draft.getString(Field.MSG_TYPE);
    String fileId = Attachments.fileId(body, msgType);
    return Bus.request(vertx, Address.SESSION_CHECK_MEMBER,
            new JsonObject().put(Field.UID, uid).put(Field.SID, draft.getString(Field.SID)))
        .compose(member -> Attachments.claim(vertx, uid, fileId, msgType))
        .compose(file -> profiles.of(uid).compose(profile -> store(draft.put(Field.FILE, file)
            .put(Field.NICKNAME, profile.getString(Field.NICKNAME)).put(Field.AVATAR, profile.getString(Field.AVATAR)),
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
    String sid = Check.string(body, Field.SID, 1, 64);
    String cid = Check.string(body, Field.CID, 1, 64);
    if ("system".equals(body.getValue(Field.MSG_TYPE))) {
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

  /** A server-made notice (join, leave, rename, ...): never reachable from clients. */
  private Future<JsonObject> system(JsonObject body) {
    String sid = Check.string(body, Field.SID, 1, 64);
    String uid = Check.string(body, Field.UID, 1, 64);
    JsonObject content = Check.optionalObject(body, Field.CONTENT);
    return profiles.of(uid).recover(t -> Future.succeededFuture(new JsonObject()))
        .compose(profile -> store(new JsonObject()
            .put("_id", Ids.random()).put(Field.SID, sid).put(Field.UID, uid).put(Field.CID, "sys:" + Ids.random())
            .put(Field.NICKNAME, profile.getString(Field.NICKNAME)).put(Field.MSG_TYPE, "system")
            .put(Field.CONTENT, content == null ? new JsonObject() : content)
            .put(Field.AT, System.currentTimeMillis())));
  }

  /** Acked only once stored (and the head moved); published only when new, so a retry is not delivered twice. */
  private Future<JsonObject> store(JsonObject draft) {
    return store(draft, GroupCommit.NO_DEADLINE);
  }

  private Future<JsonObject> store(JsonObject draft, long startBy) {
    return commits.append(draft, startBy).map(appended -> {
      JsonObject message = appended.message();
      if (appended.duplicate()) {
        return Frames.ackBody(message).put("duplicate", true);
      }
      vertx.eventBus().publish(Address.fanoutSession(message.getString(Field.SID)), Frames.message(message));
      return Frames.ackBody(message);
    });
  }

  private Future<JsonObject> history(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String sid = Check.string(body, Field.SID, 1, 64);
    Long before = Check.optionalLong(body, Field.BEFORE, 0, Long.MAX_VALUE);
    Long after = Check.optionalLong(body, Field.AFTER, 0, Long.MAX_VALUE);
    Long limit = Check.optionalLong(body, Field.LIMIT, 1, HISTORY_LIMIT);
    return Bus.request(vertx, Address.SESSION_CHECK_MEMBER, new JsonObject().put(Field.UID, uid).put(Field.SID, sid))
        .compose(member -> read(sid, before, after, limit == null ? 50 : limit.intValue()))
        .map(page -> new JsonObject().put(Field.SID, sid).put(Field.MESSAGES, frames(page.messages()))
            .put(Field.MORE, page.more()));
  }

  /** Ascending messages from the store; the newest page by default, or after/before a seq. */
  private Future<Page> read(String sid, Long before, Long after, int limit) {
    JsonObject range = new JsonObject();
    if (before != null) {
      range.put("$lt", before);
    }
    if (after != null) {
      range.put("$gt", after);
    }
    JsonObject query = new JsonObject().put(Field.SID, sid);
    if (!range.isEmpty()) {
      query.put(Field.SEQ, range);
    }
    boolean ascending = after != null && before == null;
    FindOptions options = new FindOptions().setSort(new JsonObject().put(Field.SEQ, ascending ? 1 : -1)).setLimit(limit + 1);
    return mongo.findWithOptions(MESSAGES, query, options).map(found -> {
      List<JsonObject> page = new ArrayList<>(found.subList(0, Math.min(limit, found.size())));
      if (!ascending) {
        Collections.reverse(page);
      }
      return new Page(page, found.size() > limit);
    });
  }

  /**
   * {@code {uid, positions:{sid: lastSeq}}} → the messages after each position
   * (at most {@value #SYNC_LIMIT} per session and {@value #SYNC_TOTAL} in all;
   * sids cut short are listed in {@code more}); sids the user is not a member
   * of are listed in {@code forbidden}.
   */
  private Future<JsonObject> sync(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    JsonObject positions = Check.optionalObject(body, Field.POSITIONS);
    if (positions == null || positions.size() > SYNC_MAX_SESSIONS) {
      throw ErrorCode.INVALID.exception("positions must be an object of at most " + SYNC_MAX_SESSIONS + " sessions");
    }
    for (String sid : positions.fieldNames()) {
      Check.longValue(positions, sid, 0, Long.MAX_VALUE);
    }
    return Bus.request(vertx, Address.SESSION_MEMBERSHIPS, new JsonObject().put(Field.UID, uid)).compose(mine -> {
      Set<String> member = new HashSet<>();
      mine.getJsonArray(Field.SESSIONS).forEach(s -> member.add(((JsonObject) s).getString(Field.SID)));
      List<String> wanted = new ArrayList<>();
      JsonArray forbidden = new JsonArray();
      for (String sid : positions.fieldNames()) {
        if (member.contains(sid)) {
          wanted.add(sid);
        } else {
          forbidden.add(sid);
        }
      }
      return trueHeads(wanted).compose(heads -> missed(wanted, positions, heads))
          .map(result -> result.put("forbidden", forbidden));
    });
  }

  /**
   * Where this is the only instance writing messages (one instance, not
   * clustered), a kept tail ends at the true head: null. Otherwise other
   * instances may have stored more, so the heads are read (one query; a head
   * is moved before any ack, so it covers every acked message).
   */
  private Future<Map<String, Long>> trueHeads(List<String> sids) {
    if (soleWriter() || sids.isEmpty()) {
      return Future.succeededFuture(null);
    }
    JsonObject query = new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(sids)));
    return mongo.findWithOptions(HEADS, query, new FindOptions().setFields(new JsonObject().put(Field.LAST_SEQ, 1)))
        .map(found -> {
          Map<String, Long> heads = new HashMap<>();
          found.forEach(h -> heads.put(h.getString("_id"), h.getLong(Field.LAST_SEQ, 0L)));
          return heads;
        });
  }

  /** Answers from the tails what they cover; the rest from the store (which refills the tails). */
  private Future<JsonObject> missed(List<String> sids, JsonObject positions, Map<String, Long> heads) {
    JsonObject sessions = new JsonObject();
    JsonArray more = new JsonArray();
    List<String> fromStore = new ArrayList<>();
    int budget = SYNC_TOTAL;
    for (String sid : sids) {
      long after = positions.getLong(sid);
      Tails.Slice slice = tails.after(sid, after, Math.min(SYNC_LIMIT, budget));
      if (slice == null || (heads != null && slice.end() < heads.getOrDefault(sid, 0L))) {
        fromStore.add(sid);
        continue;
      }
      budget -= slice.messages().size();
      collect(sessions, more, sid, new Page(slice.messages(), slice.more()));
    }
    int share = fromStore.isEmpty() ? 0 : Math.min(SYNC_LIMIT, budget / fromStore.size());
    List<Future<?>> reads = new ArrayList<>();
    for (String sid : fromStore) {
      long after = positions.getLong(sid);
      if (share == 0) {
        more.add(sid);
        continue;
      }
      reads.add(read(sid, null, after, share).onSuccess(page -> {
        tails.fill(sid, after, page.messages(), !page.more());
        collect(sessions, more, sid, page);
      }));
    }
    return Future.all(reads).map(v -> new JsonObject().put(Field.SESSIONS, sessions).put(Field.MORE, more));
  }

  private static void collect(JsonObject sessions, JsonArray more, String sid, Page page) {
    if (!page.messages().isEmpty()) {
      sessions.put(sid, frames(page.messages()));
    }
    if (page.more()) {
      more.add(sid);
    }
  }

  private boolean soleWriter() {
    Integer instances = vertx.sharedData().<String, Integer>getLocalMap(INSTANCES).get(INSTANCES);
    return !vertx.isClustered() && instances != null && instances == 1;
  }

  private void countInstance(int delta) {
    vertx.sharedData().<String, Integer>getLocalMap(INSTANCES)
        .compute(INSTANCES, (k, n) -> (n == null ? 0 : n) + delta);
  }

  private static JsonArray frames(List<JsonObject> messages) {
    JsonArray out = new JsonArray();
    messages.forEach(m -> out.add(Frames.message(m)));
    return out;
  }

  /** {@code {sids:[...]}} → {@code {heads:{sid:{lastSeq, lastMessage}}}} in one query. */
  private Future<JsonObject> heads(JsonObject body) {
    JsonArray sids = body.getValue("sids") instanceof JsonArray a ? a : null;
    if (sids == null || sids.size() > 5000 || !sids.stream().allMatch(s -> s instanceof String)) {
      throw ErrorCode.INVALID.exception("sids must be an array of strings");
    }
    // With a uid, each head also says the newest seq that user wrote there (ownSeq).
    String uid = Check.optionalString(body, Field.UID, 64);
    boolean withOwn = uid != null && GroupCommit.SAFE_KEY.matcher(uid).matches();
    JsonObject fields = new JsonObject().put(Field.LAST_SEQ, 1).put(Field.LAST_MESSAGE, 1);
    if (withOwn) {
      fields.put(GroupCommit.WRITERS + "." + uid, 1);
    }
    return mongo.findWithOptions(HEADS, new JsonObject().put("_id", new JsonObject().put("$in", sids)),
        new FindOptions().setFields(fields)).map(found -> {
          JsonObject heads = new JsonObject();
          found.forEach(h -> {
            JsonObject head = new JsonObject().put(Field.LAST_SEQ, h.getLong(Field.LAST_SEQ, 0L))
                .put(Field.LAST_MESSAGE, h.getJsonObject(Field.LAST_MESSAGE));
            if (withOwn) {
              head.put(OWN_SEQ, h.getJsonObject(GroupCommit.WRITERS, new JsonObject()).getLong(uid, 0L));
            }
            heads.put(h.getString("_id"), head);
          });
          return new JsonObject().put("heads", heads);
        });
  }

  static final String OWN_SEQ = "ownSeq";
}
