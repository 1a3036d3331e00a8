package palaver.session;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Field;

/**
 * What session-service asks of user-service (users, profiles, presence) and
 * message-service (stream heads), in the shapes those services answer.
 */
final class Neighbours {
  /** How long a session's page waits for presence before showing members offline. */
  static final long PRESENCE_TIMEOUT_MS = 2_000;

  // keys of user-service's and message-service's answers that have no Field name
  /** In a head asked for with a uid: the newest seq that user wrote in the session. */

  private final Vertx vertx;

  Neighbours(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The user's profile; 404 when there is no such user. */
  Future<JsonObject> user(String uid) {
    return Bus.request(vertx, Address.USER_GET, new JsonObject().put(Field.UID, uid));
  }

  /** {@code {friends, blocked}} between the two users (blocked: either blocks the other). */
  Future<JsonObject> relation(String uid, String peer) {
    return Bus.request(vertx, Address.USER_RELATION, new JsonObject().put(Field.UID, uid).put(Field.PEER, peer));
  }

  /** {@code {uid:profile}} of the given users in one request; empty if user-service can't answer. */
  Future<JsonObject> profiles(Collection<String> uids) {
    if (uids.isEmpty()) {
      return Future.succeededFuture(new JsonObject());
    }
    return Bus.request(vertx, Address.USER_PROFILES, new JsonObject().put(Field.UIDS, array(uids)))
        .map(r -> r.getJsonObject(Field.PROFILES, new JsonObject()))
        .otherwise(new JsonObject());
  }

  /** {@code {uid:state}}; everyone shows offline when presence can't be asked, rather than failing the page. */
  Future<JsonObject> presence(Collection<String> uids) {
    if (uids.isEmpty()) {
      return Future.succeededFuture(new JsonObject());
    }
    return Bus.request(vertx, Address.USER_PRESENCE_QUERY, new JsonObject().put(Field.UIDS, array(uids)),
            PRESENCE_TIMEOUT_MS)
        .map(r -> r.getJsonObject(Field.PRESENCE, new JsonObject()))
        .otherwise(new JsonObject());
  }

  /**
   * {@code {sid:{lastSeq, lastMessage, ownSeq, mentions}}} of the sessions, {@code ownSeq} being what {@code
   * uid} wrote, {@code mentions} how many messages after the read position ({@code readSeqs}) mention them.
   */
  Future<JsonObject> heads(Collection<String> sids, String uid, JsonObject readSeqs) {
    if (sids.isEmpty()) {
      return Future.succeededFuture(new JsonObject());
    }
    return Bus.request(vertx, Address.MESSAGE_HEADS, new JsonObject().put(Field.SIDS, array(sids)).put(Field.UID, uid)
            .put(Field.READ_SEQS, readSeqs))
        .map(r -> r.getJsonObject(Field.HEADS));
  }

  /** The seq of the session's last message, 0 without messages. */
  Future<Long> lastSeq(String sid) {
    return Bus.request(vertx, Address.MESSAGE_HEADS, new JsonObject().put(Field.SIDS, new JsonArray().add(sid)))
        .map(r -> r.getJsonObject(Field.HEADS).getJsonObject(sid, new JsonObject()).getLong(Field.LAST_SEQ, 0L));
  }

  private static JsonArray array(Collection<String> values) {
    return new JsonArray(List.copyOf(values));
  }
}
