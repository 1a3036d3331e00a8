package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import palaver.api.Address;
import palaver.api.Field;
import palaver.testing.FakeNeighbour;

/**
 * message-service's push inboxes as a fake with the real semantics the
 * gateway relies on: per-inbox seqs, idempotency by (uid, cid), publication
 * on the inbox address, since after the delivered mark (kept as a max).
 * {@link #sinceDelayMs} holds each since answer back (computed after the
 * delay, so pushes appended meanwhile are in it and also published live).
 */
final class FakeInboxes {
  private final Map<String, List<JsonObject>> inboxes = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> byCid = new ConcurrentHashMap<>();
  private final Map<String, Long> delivered = new ConcurrentHashMap<>();
  volatile long sinceDelayMs;
  volatile Vertx vertx;
  final FakeNeighbour neighbour = new FakeNeighbour("message-service")
      .answer(Address.MESSAGE_PUSH_APPEND, this::append)
      .answer(Address.MESSAGE_PUSH_SINCE, this::since)
      .answer(Address.MESSAGE_PUSH_DELIVERED, this::markDelivered);

  synchronized Future<JsonObject> append(JsonObject body) {
    String sid = body.getString(Field.SID);
    String key = body.getString(Field.UID) + "\n" + body.getString(Field.CID);
    JsonObject existing = byCid.get(key);
    if (existing != null) {
      return Future.succeededFuture(ack(existing).put(Field.DUPLICATE, true));
    }
    List<JsonObject> inbox = inboxes.computeIfAbsent(sid, k -> new ArrayList<>());
    JsonObject push = new JsonObject().put(Field.SID, sid).put(Field.SEQ, (long) inbox.size() + 1)
        .put(Field.MSG_ID, body.getString(Field.CID)).put(Field.CONTENT, body.getJsonObject(Field.CONTENT))
        .put(Field.AT, System.currentTimeMillis());
    inbox.add(push);
    byCid.put(key, push);
    vertx.eventBus().publish(Address.fanoutInbox(sid), push.copy());
    return Future.succeededFuture(ack(push));
  }

  private static JsonObject ack(JsonObject push) {
    return new JsonObject().put(Field.SID, push.getString(Field.SID)).put(Field.SEQ, push.getLong(Field.SEQ))
        .put(Field.AT, push.getLong(Field.AT));
  }

  private Future<JsonObject> since(JsonObject body) {
    if (sinceDelayMs <= 0) {
      return Future.succeededFuture(answerSince(body));
    }
    Promise<JsonObject> later = Promise.promise();
    vertx.setTimer(sinceDelayMs, id -> later.complete(answerSince(body)));
    return later.future();
  }

  private synchronized JsonObject answerSince(JsonObject body) {
    String sid = body.getString(Field.SID);
    long mark = delivered.getOrDefault(sid, 0L);
    long after = body.getLong(Field.AFTER, mark);
    int limit = body.getInteger(Field.LIMIT, 100);
    List<JsonObject> newer = inboxes.getOrDefault(sid, List.of()).stream()
        .filter(p -> p.getLong(Field.SEQ) > after).toList();
    JsonArray page = new JsonArray();
    newer.stream().limit(limit).forEach(p -> page.add(p.copy()));
    return new JsonObject().put(Field.SID, sid).put(Field.MESSAGES, page).put(Field.MORE, newer.size() > limit)
        .put(Field.DELIVERED, mark);
  }

  private Future<JsonObject> markDelivered(JsonObject body) {
    delivered.merge(body.getString(Field.SID), body.getLong(Field.SEQ), Math::max);
    return Future.succeededFuture(new JsonObject());
  }

  long deliveredMark(String sid) {
    return delivered.getOrDefault(sid, 0L);
  }

  synchronized List<JsonObject> pushes(String sid) {
    return List.copyOf(inboxes.getOrDefault(sid, List.of()));
  }
}
