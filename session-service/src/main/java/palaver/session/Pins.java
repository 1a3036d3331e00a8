package palaver.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import palaver.api.ErrorCode;
import palaver.api.Field;

/**
 * Pinned messages of a session, kept as seqs in the session document (so every member's session info
 * carries them, also after a reconnect). Any member of a private session pins; in a group the owner and
 * admins do, as in Rocket.Chat and Telegram. Only a seq the session has reached can be pinned.
 */
final class Pins {
  private final SessionStore store;
  private final SessionEvents events;
  private final Neighbours neighbours;

  Pins(SessionStore store, SessionEvents events, Neighbours neighbours) {
    this.store = store;
    this.events = events;
    this.neighbours = neighbours;
  }

  /** Pins or unpins {@code seq}; the members' clients get a {@code session} event with action {@code pins}. */
  Future<JsonObject> pin(String uid, String sid, long seq, boolean pinned) {
    return store.session(sid).compose(session -> store.requireMember(sid, uid).compose(me -> {
      if (SessionStore.isGroup(session) && !SessionStore.OWNER.equals(me.getString(Field.ROLE))
          && !SessionStore.ADMIN.equals(me.getString(Field.ROLE))) {
        return Future.failedFuture(ErrorCode.FORBIDDEN.exception("only the owner or an admin pins messages in a group"));
      }
      JsonArray pins = session.getJsonArray(Field.PINS, new JsonArray());
      if (pinned && !contains(pins, seq) && pins.size() >= SessionStore.MAX_PINS) {
        return Future.failedFuture(ErrorCode.INVALID.exception("a session keeps at most " + SessionStore.MAX_PINS
            + " pinned messages: unpin one first"));
      }
      Future<Void> exists = pinned ? neighbours.lastSeq(sid).compose(last -> seq <= last ? Future.succeededFuture()
          : Future.failedFuture(ErrorCode.NOT_FOUND.exception("no message " + seq + " in this session")))
          : Future.succeededFuture();
      return exists.compose(v -> store.pin(sid, seq, pinned)).map(after -> {
        JsonArray shown = newestFirst(after);
        events.toMembers(sid, "pins", new JsonObject().put(Field.PINS, shown).put(Field.BY, uid));
        return new JsonObject().put(Field.SID, sid).put(Field.PINS, shown);
      });
    }));
  }

  private static boolean contains(JsonArray pins, long seq) {
    for (Object p : pins) {
      if (p instanceof Number n && n.longValue() == seq) {
        return true;
      }
    }
    return false;
  }

  /** Pins are appended as they are made; clients show the newest first. */
  static JsonArray newestFirst(JsonArray pins) {
    JsonArray out = new JsonArray();
    if (pins != null) {
      for (int i = pins.size() - 1; i >= 0; i--) {
        out.add(pins.getValue(i));
      }
    }
    return out;
  }
}
