package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.system.Http.User;
import palaver.testing.Await;

@DisplayName("Presence on one node: online, away, busy, invisible, offline")
class PresenceTest extends OneNodeTest {

  static void makeFriends(Http http, User a, User b) {
    assertEquals(200, http.post("/friends", a.token(), new JsonObject().put("uid", b.uid())).status());
    assertEquals("friends", http.post("/friends", b.token(), new JsonObject().put("uid", a.uid()))
        .json().getString("status"));
  }

  /** The next presence event about {@code uid} that the client sees. */
  static JsonObject nextPresence(WsClient ws, String uid) {
    return ws.next(f -> "presence".equals(f.getString("event")) && uid.equals(f.getString("uid")));
  }

  static String presenceOf(TestServer node, String uid) {
    JsonObject answer = node.bus().request(Address.USER_PRESENCE_QUERY,
        new JsonObject().put("uids", new JsonArray().add(uid)));
    return answer.getJsonObject("presence").getString(uid);
  }

  private static JsonObject setPresence(WsClient ws, Object state) {
    return ws.request(new JsonObject().put("type", "presence").put("state", state));
  }

  @Test
  @DisplayName("A friend sees online at the first connection and offline after the last; tabs count once")
  void tabsCountOnce() {
    User alice = http.newUser("Alice");
    User bob = http.newUser("Bob");
    makeFriends(http, alice, bob);
    try (WsClient bobWs = server.ws(bob)) {
      WsClient tab1 = server.ws(alice);
      assertEquals("online", nextPresence(bobWs, alice.uid()).getString("state"));
      try (WsClient tab2 = server.ws(alice)) {
        tab1.close();
        // A request through the remaining tab passes after the close report on the same event loop.
        assertEquals("ok", setPresence(tab2, "online").getString("type"));
        assertEquals("online", presenceOf(server, alice.uid()));
        assertTrue(bobWs.received(f -> "presence".equals(f.getString("event"))).isEmpty(),
            "no presence change while a tab is still open");
      }
      assertEquals("offline", nextPresence(bobWs, alice.uid()).getString("state"));
      Await.until("offline in the query", 5_000, () -> "offline".equals(presenceOf(server, alice.uid())));
    }
  }

  @Test
  @DisplayName("Away and busy reach friends as presence events and answer the query")
  void awayAndBusy() {
    User alice = http.newUser("Alice");
    User bob = http.newUser("Bob");
    makeFriends(http, alice, bob);
    try (WsClient bobWs = server.ws(bob); WsClient aliceWs = server.ws(alice)) {
      assertEquals("online", nextPresence(bobWs, alice.uid()).getString("state"));
      JsonObject ok = setPresence(aliceWs, "away");
      assertEquals("ok", ok.getString("type"));
      assertEquals("away", ok.getString("state"));
      assertEquals("away", nextPresence(bobWs, alice.uid()).getString("state"));
      assertEquals("away", presenceOf(server, alice.uid()));
      setPresence(aliceWs, "busy");
      assertEquals("busy", nextPresence(bobWs, alice.uid()).getString("state"));
      JsonObject friend = http.get("/friends", bob.token()).json().getJsonArray("friends").getJsonObject(0);
      assertEquals("busy", friend.getString("presence"));
    }
  }

  @Test
  @DisplayName("Invisible looks offline to friends, in the query and in the friend list")
  void invisibleLooksOffline() {
    User alice = http.newUser("Alice");
    User bob = http.newUser("Bob");
    makeFriends(http, alice, bob);
    try (WsClient bobWs = server.ws(bob); WsClient aliceWs = server.ws(alice)) {
      assertEquals("online", nextPresence(bobWs, alice.uid()).getString("state"));
      setPresence(aliceWs, "invisible");
      assertEquals("offline", nextPresence(bobWs, alice.uid()).getString("state"));
      assertEquals("offline", presenceOf(server, alice.uid()));
      JsonObject friend = http.get("/friends", bob.token()).json().getJsonArray("friends").getJsonObject(0);
      assertEquals("offline", friend.getString("presence"));
      setPresence(aliceWs, "online");
      assertEquals("online", nextPresence(bobWs, alice.uid()).getString("state"));
    }
  }

  @Test
  @DisplayName("The chosen state survives reconnecting: an away user comes back away")
  void choiceSurvivesReconnect() {
    User alice = http.newUser("Alice");
    User bob = http.newUser("Bob");
    makeFriends(http, alice, bob);
    try (WsClient bobWs = server.ws(bob)) {
      try (WsClient aliceWs = server.ws(alice)) {
        setPresence(aliceWs, "away");
      }
      Await.until("offline", 5_000, () -> "offline".equals(presenceOf(server, alice.uid())));
      bobWs.received(f -> true);
      try (WsClient again = server.ws(alice)) {
        Await.until("away again", 5_000, () -> "away".equals(presenceOf(server, alice.uid())));
      }
    }
  }

  @Test
  @DisplayName("Members of a shared session who are not friends see presence events for that session")
  void coMembersSeePresence() {
    User carol = http.newUser("Carol");
    User dave = http.newUser("Dave");
    String sid = http.newGroup(carol, "shared");
    http.join(dave, sid);
    try (WsClient carolWs = server.ws(carol); WsClient daveWs = server.ws(dave)) {
      JsonObject event = nextPresence(carolWs, dave.uid());
      assertEquals("online", event.getString("state"));
      assertEquals(sid, event.getString("sid"));
    }
  }

  @Test
  @DisplayName("A bad presence state is an invalid error frame and changes nothing")
  void badState() {
    User alice = http.newUser("Alice");
    try (WsClient ws = server.ws(alice)) {
      for (Object bad : new Object[] {"sleeping", 3, new JsonObject().put("x", 1), "offline", ""}) {
        JsonObject error = setPresence(ws, bad);
        assertEquals("error", error.getString("type"), bad.toString());
        assertEquals("invalid", error.getString("code"));
      }
      assertEquals("invalid", ws.request(new JsonObject().put("type", "presence")).getString("code"));
      assertEquals("online", presenceOf(server, alice.uid()));
    }
  }

  @Test
  @DisplayName("The presence query answers offline for unknown or disconnected users and refuses bad input")
  void query() {
    User never = http.newUser("Never");
    JsonObject answer = bus.request(Address.USER_PRESENCE_QUERY,
        new JsonObject().put("uids", new JsonArray().add(never.uid()).add("nobody")));
    assertEquals("offline", answer.getJsonObject("presence").getString(never.uid()));
    assertEquals("offline", answer.getJsonObject("presence").getString("nobody"));
    Throwable bad = bus.failure(Address.USER_PRESENCE_QUERY,
        new JsonObject().put("uids", new JsonArray().add(1)));
    assertEquals(400, ((ReplyException) bad).failureCode());
    Throwable missing = bus.failure(Address.USER_PRESENCE_QUERY, new JsonObject());
    assertEquals(400, ((ReplyException) missing).failureCode());
  }
}
