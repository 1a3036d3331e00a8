package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.system.Http.Response;
import palaver.system.Http.User;

@DisplayName("Notifications: stored, pushed live, listed unread first, marked read")
class NotificationsTest extends OneNodeTest {

  /** What session-service does to invite someone: {@code palaver.user.notify}. */
  private static JsonObject notify(User to, String kind, JsonObject data) {
    return bus.request(Address.USER_NOTIFY,
        new JsonObject().put("uid", to.uid()).put("kind", kind).put("data", data));
  }

  private static int failureCode(JsonObject request) {
    Throwable t = bus.failure(Address.USER_NOTIFY, request);
    return ((ReplyException) t).failureCode();
  }

  @Test
  @DisplayName("palaver.user.notify stores the notification and pushes it to every connection of the user")
  void notifyPushesToEveryConnection() {
    User u = http.newUser("Invitee");
    try (WsClient tab1 = server.ws(u); WsClient tab2 = server.ws(u)) {
      JsonObject stored = notify(u, "inviteSession", new JsonObject().put("sid", "s-1"));
      for (WsClient tab : new WsClient[] {tab1, tab2}) {
        JsonObject pushed = tab.next(f -> "notification".equals(f.getString("event")));
        assertEquals("event", pushed.getString("type"));
        assertEquals(stored.getString("id"), pushed.getJsonObject("notification").getString("id"));
        assertEquals("s-1", pushed.getJsonObject("notification").getJsonObject("data").getString("sid"));
      }
    }
    JsonArray list = http.get("/notifications", u.token()).json().getJsonArray("notifications");
    assertEquals(1, list.size());
    assertEquals("inviteSession", list.getJsonObject(0).getString("kind"));
    assertFalse(list.getJsonObject(0).getBoolean("read"));
  }

  @Test
  @DisplayName("The list puts unread first, newest first, counts unread, and pages with limit/offset")
  void unreadFirstAndPaged() {
    User u = http.newUser("Reader");
    String first = notify(u, "inviteSession", new JsonObject().put("n", 1)).getString("id");
    notify(u, "inviteSession", new JsonObject().put("n", 2));
    notify(u, "inviteSession", new JsonObject().put("n", 3));
    Response read = http.post("/notifications/" + first + "/read", u.token(), null);
    assertEquals(200, read.status(), read.text());
    assertTrue(read.json().getBoolean("read"));

    JsonObject all = http.get("/notifications", u.token()).json();
    assertEquals(2, all.getLong("unread"));
    JsonArray list = all.getJsonArray("notifications");
    assertEquals(3, list.size());
    assertEquals(3, list.getJsonObject(0).getJsonObject("data").getInteger("n"));
    assertEquals(2, list.getJsonObject(1).getJsonObject("data").getInteger("n"));
    assertEquals(first, list.getJsonObject(2).getString("id"));
    assertTrue(list.getJsonObject(2).getBoolean("read"));

    JsonObject page = http.get("/notifications?limit=2", u.token()).json();
    assertEquals(2, page.getJsonArray("notifications").size());
    assertTrue(page.getBoolean("more"));
    JsonObject rest = http.get("/notifications?limit=2&offset=2", u.token()).json();
    assertEquals(1, rest.getJsonArray("notifications").size());
    assertFalse(rest.getBoolean("more"));
  }

  @Test
  @DisplayName("Another user's notification, or an unknown one, is 404 and stays unread")
  void onlyTheOwnerMarksRead() {
    User owner = http.newUser("Owner");
    User other = http.newUser("Other");
    String id = notify(owner, "inviteSession", new JsonObject()).getString("id");
    Response foreign = http.post("/notifications/" + id + "/read", other.token(), null);
    assertEquals(404, foreign.status());
    assertEquals("not_found", foreign.errorCode());
    assertEquals(404, http.post("/notifications/nope/read", owner.token(), null).status());
    assertEquals(1, http.get("/notifications", owner.token()).json().getLong("unread"));
    assertEquals(401, http.get("/notifications", null).status());
    assertEquals(401, http.post("/notifications/" + id + "/read", null, null).status());
  }

  @Test
  @DisplayName("Bad paging parameters are 400")
  void badPaging() {
    User u = http.newUser("Pager");
    assertEquals(400, http.get("/notifications?limit=0", u.token()).status());
    assertEquals(400, http.get("/notifications?limit=101", u.token()).status());
    assertEquals(400, http.get("/notifications?offset=x", u.token()).status());
  }

  @Test
  @DisplayName("Bad notify requests fail with 400/404/413 and store nothing")
  void badNotify() {
    User u = http.newUser("Guarded");
    JsonObject ok = new JsonObject().put("uid", u.uid()).put("kind", "inviteSession").put("data", new JsonObject());
    assertEquals(404, failureCode(ok.copy().put("uid", "nobody")));
    assertEquals(400, failureCode(ok.copy().put("kind", "no spaces")));
    assertEquals(400, failureCode(ok.copy().put("kind", 3)));
    assertEquals(400, failureCode(ok.copy().put("data", "text")));
    assertEquals(400, failureCode(ok.copy().put("data", new JsonObject().put("$set", 1))));
    assertEquals(413, failureCode(ok.copy().put("data", new JsonObject().put("x", "y".repeat(5000)))));
    assertEquals(0, http.get("/notifications", u.token()).json().getJsonArray("notifications").size());
  }
}
