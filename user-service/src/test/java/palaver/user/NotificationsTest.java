package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static palaver.user.Users.create;
import static palaver.user.Users.uid;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Frames;
import palaver.testing.ServiceUnderTest;
import palaver.user.Users.Account;

/** Notifications: stored, pushed live, listed and marked read, over the bus. */
class NotificationsTest {
  private static ServiceUnderTest sut;

  @BeforeAll
  static void start() {
    sut = Users.start(Users.sessionService());
  }

  @AfterAll
  static void stop() {
    sut.close();
  }

  @Test
  @DisplayName("A notification is stored: the list shows it unread with its kind and data")
  void notifyStores() {
    Account alice = create(sut, "Alice");
    notify(alice, "inviteSession", new JsonObject().put(Field.SID, "s-1"));
    JsonObject list = list(alice, new JsonObject());
    JsonObject stored = list.getJsonArray(Field.NOTIFICATIONS).getJsonObject(0);
    assertEquals(List.of("inviteSession", "s-1", false), List.of(stored.getString(Field.KIND),
        stored.getJsonObject(Field.DATA).getString(Field.SID), stored.getBoolean(Field.READ)));
    assertEquals(1L, list.getLong(Field.UNREAD));
  }

  @Test
  @DisplayName("A notification is pushed live as a notification event to the user's connections")
  void notifyPublishes() {
    Account alice = create(sut, "Alice");
    List<JsonObject> seen = sut.listen(Address.fanoutUser(alice.uid()));
    String id = notify(alice, "inviteSession", new JsonObject()).getString(Field.ID);
    JsonObject event = Users.awaitEvent(seen, Field.NOTIFICATION);
    assertEquals(Frames.EVENT, event.getString(Field.TYPE));
    assertEquals(id, event.getJsonObject(Field.NOTIFICATION).getString(Field.ID));
  }

  @Test
  @DisplayName("Notifying an unknown user is not found (404)")
  void notifyUnknown() {
    assertEquals(ErrorCode.NOT_FOUND.status(), sut.failureCode(Address.USER_NOTIFY,
        uid("no-such-user").put(Field.KIND, "inviteSession")));
  }

  @Test
  @DisplayName("A kind that is not a short word is invalid (400)")
  void kindMustBeWord() {
    Account alice = create(sut, "Alice");
    assertEquals(ErrorCode.INVALID.status(), sut.failureCode(Address.USER_NOTIFY,
        uid(alice.uid()).put(Field.KIND, "two words")));
  }

  @Test
  @DisplayName("Data encoding to more than 4096 characters is too large (413)")
  void dataTooLarge() {
    Account alice = create(sut, "Alice");
    JsonObject big = new JsonObject().put("text", "x".repeat(Notifications.MAX_DATA_CHARS));
    assertEquals(ErrorCode.TOO_LARGE.status(), sut.failureCode(Address.USER_NOTIFY,
        uid(alice.uid()).put(Field.KIND, "inviteSession").put(Field.DATA, big)));
  }

  @Test
  @DisplayName("Marking a notification read answers it read and lowers the unread count")
  void markRead() {
    Account alice = create(sut, "Alice");
    String id = notify(alice, "inviteSession", new JsonObject()).getString(Field.ID);
    assertTrue(sut.request(Address.USER_NOTIFICATION_READ, uid(alice.uid()).put(Field.ID, id)).getBoolean(Field.READ));
    assertEquals(0L, list(alice, new JsonObject()).getLong(Field.UNREAD));
  }

  @Test
  @DisplayName("Unread notifications are listed before read ones")
  void unreadFirst() {
    Account alice = create(sut, "Alice");
    String older = notify(alice, "first", new JsonObject()).getString(Field.ID);
    String newer = notify(alice, "second", new JsonObject()).getString(Field.ID);
    sut.request(Address.USER_NOTIFICATION_READ, uid(alice.uid()).put(Field.ID, newer));
    assertEquals(List.of(older, newer), ids(list(alice, new JsonObject())));
  }

  @Test
  @DisplayName("Marking someone else's notification read is not found (404) and leaves it unread")
  void markOthersRead() {
    Account alice = create(sut, "Alice");
    Account mallory = create(sut, "Mallory");
    String id = notify(alice, "inviteSession", new JsonObject()).getString(Field.ID);
    assertEquals(ErrorCode.NOT_FOUND.status(), sut.failureCode(Address.USER_NOTIFICATION_READ,
        uid(mallory.uid()).put(Field.ID, id)));
    assertEquals(1L, list(alice, new JsonObject()).getLong(Field.UNREAD));
  }

  @Test
  @DisplayName("The list comes a page at a time, with more telling whether another page exists")
  void listPages() {
    Account alice = create(sut, "Alice");
    for (int i = 0; i < 3; i++) {
      notify(alice, "n" + i, new JsonObject());
    }
    JsonObject first = list(alice, new JsonObject().put(Field.LIMIT, 2));
    JsonObject last = list(alice, new JsonObject().put(Field.LIMIT, 2).put(Field.OFFSET, 2));
    assertEquals(List.of(2, true, 1), List.of(first.getJsonArray(Field.NOTIFICATIONS).size(),
        first.getBoolean(Field.MORE), last.getJsonArray(Field.NOTIFICATIONS).size()));
    assertFalse(last.getBoolean(Field.MORE));
  }

  private static JsonObject notify(Account to, String kind, JsonObject data) {
    return sut.request(Address.USER_NOTIFY, uid(to.uid()).put(Field.KIND, kind).put(Field.DATA, data));
  }

  private static JsonObject list(Account account, JsonObject paging) {
    return sut.request(Address.USER_NOTIFICATIONS, uid(account.uid()).mergeIn(paging));
  }

  private static List<String> ids(JsonObject list) {
    return list.getJsonArray(Field.NOTIFICATIONS).stream().map(n -> ((JsonObject) n).getString(Field.ID)).toList();
  }
}
