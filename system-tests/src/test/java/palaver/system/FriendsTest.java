package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.system.Http.Response;
import palaver.system.Http.User;

@DisplayName("Friends with consent: request, accept, remove")
class FriendsTest extends OneNodeTest {

  private static Response befriend(User from, User to) {
    return http.post("/friends", from.token(), new JsonObject().put("uid", to.uid()));
  }

  private static List<String> uids(JsonObject list, String field) {
    return list.getJsonArray(field).stream().map(o -> ((JsonObject) o).getString("uid")).toList();
  }

  private static JsonObject friendsOf(User u) {
    Response r = http.get("/friends", u.token());
    assertEquals(200, r.status(), r.text());
    return r.json();
  }

  private static boolean notification(JsonObject frame, String kind) {
    return "event".equals(frame.getString("type")) && "notification".equals(frame.getString("event"))
        && kind.equals(frame.getJsonObject("notification").getString("kind"));
  }

  private static void makeFriends(User a, User b) {
    assertEquals("requested", befriend(a, b).json().getString("status"));
    assertEquals("friends", befriend(b, a).json().getString("status"));
  }

  @Test
  @DisplayName("A request notifies the other side live with joinFriend and shows as outgoing and incoming")
  void requestNotifies() {
    User alice = http.newUser("Alice");
    User bob = http.newUser("Bob");
    try (WsClient bobWs = server.ws(bob)) {
      Response r = befriend(alice, bob);
      assertEquals(200, r.status(), r.text());
      assertEquals("requested", r.json().getString("status"));
      JsonObject pushed = bobWs.next(f -> notification(f, "joinFriend"));
      JsonObject data = pushed.getJsonObject("notification").getJsonObject("data");
      assertEquals(alice.uid(), data.getString("uid"));
      assertEquals("Alice", data.getString("nickname"));
      assertEquals("requested", data.getString("status"));
    }
    assertEquals(List.of(bob.uid()), uids(friendsOf(alice), "outgoing"));
    assertEquals(List.of(alice.uid()), uids(friendsOf(bob), "incoming"));
    assertEquals(List.of(), uids(friendsOf(bob), "friends"));
    JsonArray stored = http.get("/notifications", bob.token()).json().getJsonArray("notifications");
    assertEquals("joinFriend", stored.getJsonObject(0).getString("kind"));
  }

  @Test
  @DisplayName("The other side asking back accepts: both are friends, with presence, and both get a friend event")
  void askingBackAccepts() {
    User alice = http.newUser("Alice");
    User bob = http.newUser("Bob");
    befriend(alice, bob);
    try (WsClient aliceWs = server.ws(alice); WsClient bobWs = server.ws(bob)) {
      Response r = befriend(bob, alice);
      assertEquals("friends", r.json().getString("status"));
      JsonObject toAlice = aliceWs.next(f -> "friend".equals(f.getString("event")));
      assertEquals("added", toAlice.getString("action"));
      assertEquals(bob.uid(), toAlice.getString("uid"));
      assertEquals("online", toAlice.getString("presence"));
      assertEquals(alice.uid(), bobWs.next(f -> "friend".equals(f.getString("event"))).getString("uid"));
      JsonObject accepted = aliceWs.next(f -> notification(f, "joinFriend"));
      assertEquals("accepted", accepted.getJsonObject("notification").getJsonObject("data").getString("status"));

      JsonObject list = friendsOf(alice);
      assertEquals(List.of(bob.uid()), uids(list, "friends"));
      assertEquals("online", list.getJsonArray("friends").getJsonObject(0).getString("presence"));
      assertEquals("Bob", list.getJsonArray("friends").getJsonObject(0).getString("nickname"));
      assertEquals(List.of(), uids(list, "outgoing"));
      assertEquals(List.of(alice.uid()), uids(friendsOf(bob), "friends"));
    }
  }

  @Test
  @DisplayName("Asking again while pending is idempotent; asking a friend again is 409")
  void repeatedRequests() {
    User alice = http.newUser("Alice");
    User bob = http.newUser("Bob");
    befriend(alice, bob);
    Response again = befriend(alice, bob);
    assertEquals(200, again.status());
    assertEquals("requested", again.json().getString("status"));
    assertEquals(1, http.get("/notifications", bob.token()).json().getJsonArray("notifications").size());
    befriend(bob, alice);
    Response twice = befriend(alice, bob);
    assertEquals(409, twice.status());
    assertEquals("conflict", twice.errorCode());
  }

  @Test
  @DisplayName("Befriending yourself is 400, an unknown user 404, a non-string uid 400; nothing is stored")
  void badRequests() {
    User alice = http.newUser("Alice");
    assertEquals(400, befriend(alice, alice).status());
    Response unknown = http.post("/friends", alice.token(), new JsonObject().put("uid", "nobody"));
    assertEquals(404, unknown.status());
    assertEquals("not_found", unknown.errorCode());
    assertEquals(400, http.post("/friends", alice.token(), new JsonObject().put("uid", new JsonObject()
        .put("$ne", ""))).status());
    assertEquals(400, http.post("/friends", alice.token(), new JsonObject().put("uid", 5)).status());
    assertEquals(400, http.post("/friends", alice.token(), new JsonObject()).status());
    assertEquals(401, http.post("/friends", null, new JsonObject().put("uid", alice.uid())).status());
    assertEquals(401, http.get("/friends", null).status());
    JsonObject list = friendsOf(alice);
    assertEquals(0, list.getJsonArray("friends").size() + list.getJsonArray("outgoing").size());
  }

  @Test
  @DisplayName("Removing a friend removes both ways and notifies the other side with removeFriend")
  void removeBothWays() {
    User alice = http.newUser("Alice");
    User bob = http.newUser("Bob");
    makeFriends(alice, bob);
    try (WsClient bobWs = server.ws(bob)) {
      Response r = http.delete("/friends/" + bob.uid(), alice.token());
      assertEquals(200, r.status(), r.text());
      JsonObject pushed = bobWs.next(f -> notification(f, "removeFriend"));
      assertEquals(alice.uid(), pushed.getJsonObject("notification").getJsonObject("data").getString("uid"));
      JsonObject event = bobWs.next(f -> "friend".equals(f.getString("event")));
      assertEquals("removed", event.getString("action"));
    }
    assertEquals(List.of(), uids(friendsOf(alice), "friends"));
    assertEquals(List.of(), uids(friendsOf(bob), "friends"));
    assertEquals(404, http.delete("/friends/" + bob.uid(), alice.token()).status());
  }

  @Test
  @DisplayName("Deleting a pending request declines it; deleting a stranger is 404")
  void declineAndStranger() {
    User alice = http.newUser("Alice");
    User bob = http.newUser("Bob");
    User carol = http.newUser("Carol");
    befriend(alice, bob);
    assertEquals(200, http.delete("/friends/" + alice.uid(), bob.token()).status());
    assertEquals(List.of(), uids(friendsOf(alice), "outgoing"));
    assertEquals(List.of(), uids(friendsOf(bob), "incoming"));
    Response stranger = http.delete("/friends/" + carol.uid(), alice.token());
    assertEquals(404, stranger.status());
    assertEquals("not_found", stranger.errorCode());
    assertTrue(befriend(alice, bob).json().getString("status").equals("requested"), "can ask again");
  }
}
