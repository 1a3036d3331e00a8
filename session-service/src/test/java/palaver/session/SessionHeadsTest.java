package palaver.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Field;

@DisplayName("A listed session's position from its stream head")
class SessionHeadsTest {
  private static JsonObject listed(long readSeq) {
    return new JsonObject().put(Field.READ_SEQ, readSeq).put(SessionStore.CREATED_AT, 10L);
  }

  private static JsonObject head(long lastSeq, long ownSeq, long at) {
    return new JsonObject().put(Field.LAST_SEQ, lastSeq).put(Field.OWN_SEQ, ownSeq)
        .put(Field.LAST_MESSAGE, new JsonObject().put(Field.SEQ, lastSeq).put(Field.AT, at));
  }

  @Test
  @DisplayName("Unread is what follows the read position")
  void unread() {
    JsonObject s = listed(3);
    UserSessions.withHead(s, head(8, 0, 20));
    assertEquals(8L, s.getLong(Field.LAST_SEQ));
    assertEquals(5L, s.getLong(Field.UNREAD));
  }

  @Test
  @DisplayName("The user's own newest message counts as read")
  void ownSeqIsRead() {
    JsonObject s = listed(3);
    UserSessions.withHead(s, head(8, 6, 20));
    assertEquals(6L, s.getLong(Field.READ_SEQ));
    assertEquals(2L, s.getLong(Field.UNREAD));
  }

  @Test
  @DisplayName("Edits, deletions and reactions after the read position (changeSeqs) are not unread")
  void changesAreNotUnread() {
    JsonObject s = listed(3);
    UserSessions.withHead(s, head(8, 0, 20).put(Field.CHANGE_SEQS, new io.vertx.core.json.JsonArray().add(2).add(5).add(7)));
    assertEquals(8L, s.getLong(Field.LAST_SEQ));
    assertEquals(3L, s.getLong(Field.UNREAD));
  }

  @Test
  @DisplayName("A session without a head has nothing unread")
  void noHead() {
    JsonObject s = listed(0);
    UserSessions.withHead(s, new JsonObject());
    assertEquals(0L, s.getLong(Field.LAST_SEQ));
    assertEquals(0L, s.getLong(Field.UNREAD));
  }

  @Test
  @DisplayName("A session's last activity is its last message's time")
  void lastActivityFromMessage() {
    JsonObject s = listed(0);
    UserSessions.withHead(s, head(1, 0, 99));
    assertEquals(99L, UserSessions.lastActivity(s));
  }

  @Test
  @DisplayName("A session without messages was last active when it was created")
  void lastActivityFromCreation() {
    assertEquals(10L, UserSessions.lastActivity(listed(0)));
  }
}
