package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.system.Http.Response;
import palaver.system.Http.User;
import palaver.testing.Await;

@DisplayName("Sessions: private pairs, groups, the public directory, listing and editing")
class SessionsTest extends OneNodeTest {

  @Test
  @DisplayName("A private session of a pair has the same sid from either side and names the peer")
  void privateSessionFromBothSides() {
    User ann = http.newUser("Ann");
    User ben = http.newUser("Ben");
    Response fromAnn = http.createPrivate(ann, ben.uid());
    Response fromBen = http.createPrivate(ben, ann.uid());
    assertEquals(201, fromAnn.status(), fromAnn.text());
    assertEquals(201, fromBen.status(), fromBen.text());
    String sid = fromAnn.json().getString("sid");
    assertEquals(sid, fromBen.json().getString("sid"));
    assertEquals("private", fromAnn.json().getString("type"));

    JsonObject listed = http.listed(ann, sid);
    assertEquals(ben.uid(), listed.getJsonObject("peer").getString("uid"));
    assertEquals("Ben", listed.getJsonObject("peer").getString("nickname"));
    assertEquals(ann.uid(), http.listed(ben, sid).getJsonObject("peer").getString("uid"));
  }

  @Test
  @DisplayName("Creating a pair's private session from both sides at once gives one session with two members")
  void concurrentPrivateCreation() throws Exception {
    User cat = http.newUser("Cat");
    User dan = http.newUser("Dan");
    for (int round = 0; round < 3; round++) {
      CompletableFuture<Response> a = CompletableFuture.supplyAsync(() -> http.createPrivate(cat, dan.uid()));
      CompletableFuture<Response> b = CompletableFuture.supplyAsync(() -> http.createPrivate(dan, cat.uid()));
      assertEquals(201, a.get().status(), a.get().text());
      assertEquals(201, b.get().status(), b.get().text());
      assertEquals(a.get().json().getString("sid"), b.get().json().getString("sid"));
    }
    List<JsonObject> catPrivate = http.sessions(cat).stream().filter(s -> "private".equals(s.getString("type"))).toList();
    assertEquals(1, catPrivate.size());
    String sid = catPrivate.get(0).getString("sid");
    assertEquals(2, http.info(dan, sid).getJsonArray("members").size());
  }

  @Test
  @DisplayName("A private session with oneself or without a uid is 400; with an unknown user 404")
  void privateSessionBadInput() {
    User eve = http.newUser("Eve");
    assertEquals(400, http.createPrivate(eve, eve.uid()).status());
    Response missing = http.post("/sessions", eve.token(), new JsonObject().put("type", "private"));
    assertEquals(400, missing.status());
    assertEquals("invalid", missing.errorCode());
    Response notString = http.post("/sessions", eve.token(), new JsonObject().put("type", "private").put("uid", 7));
    assertEquals(400, notString.status());
    Response unknown = http.createPrivate(eve, "no-such-user");
    assertEquals(404, unknown.status());
    assertEquals("not_found", unknown.errorCode());
    assertTrue(http.sessions(eve).isEmpty(), "nothing was created");
  }

  @Test
  @DisplayName("A group is created with its owner, icon and a stored create message")
  void createGroup() {
    User fay = http.newUser("Fay");
    Response r = http.post("/sessions", fay.token(), new JsonObject().put("type", "group").put("name", "  Book club ")
        .put("visibility", "private").put("icon", "file:abc"));
    assertEquals(201, r.status(), r.text());
    String sid = r.json().getString("sid");
    assertEquals("Book club", r.json().getString("name"));
    assertEquals("file:abc", r.json().getString("icon"));
    assertEquals(fay.uid(), r.json().getString("owner"));

    JsonObject listed = http.listed(fay, sid);
    assertEquals("owner", listed.getString("role"));
    assertEquals("file:abc", listed.getString("icon"));
    JsonObject create = http.lastSystem(fay, sid);
    assertEquals("create", create.getString("action"));
    assertEquals(fay.uid(), create.getString("uid"));
  }

  @Test
  @DisplayName("Empty, blank or too long names and oversized icons are 400 and create nothing")
  void groupBadNames() {
    User gus = http.newUser("Gus");
    for (Object name : new Object[] {"", "   ", "x".repeat(65), 42, "tab\there"}) {
      Response r = http.post("/sessions", gus.token(), new JsonObject().put("type", "group").put("name", name));
      assertEquals(400, r.status(), "name " + name);
      assertEquals("invalid", r.errorCode());
    }
    Response noName = http.post("/sessions", gus.token(), new JsonObject().put("type", "group"));
    assertEquals(400, noName.status());
    Response bigIcon = http.post("/sessions", gus.token(), new JsonObject().put("type", "group").put("name", "ok")
        .put("icon", "i".repeat(129)));
    assertEquals(400, bigIcon.status());
    Response badType = http.post("/sessions", gus.token(), new JsonObject().put("type", "channel").put("name", "ok"));
    assertEquals(400, badType.status());
    assertTrue(http.sessions(gus).isEmpty(), "nothing was created");
  }

  @Test
  @DisplayName("GET /sessions lists the caller's sessions, most recently active first, with the last message")
  void listOrderedByActivity() {
    User hal = http.newUser("Hal");
    String first = http.newGroup(hal, "first");
    nextMillisecond();
    String second = http.newGroup(hal, "second");
    nextMillisecond();
    String third = http.newGroup(hal, "third");
    nextMillisecond();
    http.send(hal, first, "bump", "bump").seq();

    List<JsonObject> sessions = http.sessions(hal);
    assertEquals(List.of(first, third, second), sessions.stream().map(s -> s.getString("sid")).toList());
    JsonObject top = sessions.get(0);
    assertEquals("bump", top.getJsonObject("lastMessage").getString("content"));
    assertEquals(top.getLong("lastSeq"), top.getJsonObject("lastMessage").getLong("seq"));
    for (JsonObject s : sessions) {
      for (String field : List.of("sid", "type", "name", "lastSeq", "readSeq", "unread", "lastMessage")) {
        assertTrue(s.containsKey(field), field + " in " + s);
      }
    }
  }

  @Test
  @DisplayName("GET /sessions/{sid} shows info and members with their online state; offline when presence can't tell")
  void sessionInfoWithMembers() {
    User ida = http.newUser("Ida");
    User jon = http.newUser("Jon");
    String sid = http.newGroup(ida, "info");
    http.join(jon, sid);

    JsonObject info = http.info(jon, sid);
    assertEquals("info", info.getString("name"));
    assertEquals(ida.uid(), info.getString("owner"));
    JsonArray members = info.getJsonArray("members");
    assertEquals(2, members.size());
    JsonObject owner = members.getJsonObject(0);
    assertEquals(ida.uid(), owner.getString("uid"));
    assertEquals("owner", owner.getString("role"));
    assertEquals("Ida", owner.getString("nickname"));
    assertNotNull(owner.getString("state"));
    assertEquals("member", members.getJsonObject(1).getString("role"));
  }

  @Test
  @DisplayName("Unknown sid is 404; a private session is 403 to non-members; a public group is open to look at")
  void sessionVisibility() {
    User kim = http.newUser("Kim");
    User lou = http.newUser("Lou");
    Response unknown = http.get("/sessions/nope", kim.token());
    assertEquals(404, unknown.status());
    assertEquals("not_found", unknown.errorCode());

    String closed = http.newGroup(kim, "closed", "private");
    Response forbidden = http.get("/sessions/" + closed, lou.token());
    assertEquals(403, forbidden.status());
    assertEquals("forbidden", forbidden.errorCode());
    assertEquals(403, http.get("/sessions/" + closed + "/messages", lou.token()).status());

    String open = http.newGroup(kim, "open");
    assertEquals(200, http.get("/sessions/" + open, lou.token()).status());
  }

  @Test
  @DisplayName("The public directory pages through public groups, finds them by name and treats the query literally")
  void publicDirectory() {
    User max = http.newUser("Max");
    String tag = "dir" + System.nanoTime();
    for (int i = 0; i < 5; i++) {
      http.newGroup(max, tag + " room " + i, "public");
    }
    http.newGroup(max, tag + " hidden", "private");
    String dotted = http.newGroup(max, tag + " a.b", "public");

    Response page1 = directory("q=" + tag.toUpperCase() + "&limit=4", max.token());
    assertEquals(200, page1.status(), page1.text());
    assertEquals(4, page1.json().getJsonArray("sessions").size());
    assertTrue(page1.json().getBoolean("more"));
    Response page2 = directory("q=" + tag + "&limit=4&offset=4", max.token());
    assertEquals(2, page2.json().getJsonArray("sessions").size());
    assertFalse(page2.json().getBoolean("more"));
    List<String> names = names(page1);
    names.addAll(names(page2));
    assertFalse(names.contains(tag + " hidden"), "private groups are not listed");
    assertTrue(page1.json().getJsonArray("sessions").getJsonObject(0).getBoolean("joined"));

    Response literal = directory("q=" + tag + "%20a.b", max.token());
    assertEquals(List.of(dotted), literal.json().getJsonArray("sessions").stream()
        .map(s -> ((JsonObject) s).getString("sid")).toList());
    Response regex = directory("q=" + tag + ".*room", max.token());
    assertEquals(0, regex.json().getJsonArray("sessions").size(), "the query is not a regex");
    assertEquals(200, directory("q=%28%5B", max.token()).status());
    assertEquals(400, directory("limit=0", max.token()).status());
  }

  @Test
  @DisplayName("The owner renames a group: stored rename message and a session event to members")
  void rename() {
    User ned = http.newUser("Ned");
    User oli = http.newUser("Oli");
    String sid = http.newGroup(ned, "old name");
    http.join(oli, sid);
    try (WsClient ws = server.ws(oli)) {
      Response r = http.patch("/sessions/" + sid, ned.token(), new JsonObject().put("name", "new name").put("icon", "f:1"));
      assertEquals(200, r.status(), r.text());
      assertEquals("new name", r.json().getString("name"));
      JsonObject event = ws.next(WsClient.sessionEvent(sid, "updated"));
      assertEquals("new name", event.getString("name"));
      assertEquals(ned.uid(), event.getString("by"));
    }
    JsonObject rename = http.lastSystem(oli, sid);
    assertEquals("rename", rename.getString("action"));
    assertEquals("new name", rename.getString("name"));
    assertEquals("new name", http.listed(oli, sid).getString("name"));
    assertEquals("f:1", http.listed(oli, sid).getString("icon"));
  }

  @Test
  @DisplayName("Editing is for owner and admins: a member gets 403; bad names 400; private sessions can't be edited")
  void editRules() {
    User pam = http.newUser("Pam");
    User quin = http.newUser("Quin");
    String sid = http.newGroup(pam, "rules");
    http.join(quin, sid);
    assertEquals(403, http.patch("/sessions/" + sid, quin.token(), new JsonObject().put("name", "mine")).status());
    assertEquals(400, http.patch("/sessions/" + sid, pam.token(), new JsonObject().put("name", " ")).status());
    assertEquals(400, http.patch("/sessions/" + sid, pam.token(), new JsonObject()).status());
    assertEquals(404, http.patch("/sessions/nope", pam.token(), new JsonObject().put("name", "x")).status());
    assertEquals("rules", http.listed(pam, sid).getString("name"));
    String pair = http.createPrivate(pam, quin.uid()).json().getString("sid");
    assertEquals(400, http.patch("/sessions/" + pair, pam.token(), new JsonObject().put("name", "x")).status());
  }

  /** The directory at {@code /api/v1/sessions/public?query} (spelled out: the test client reads a dotted path as a file). */
  private static Response directory(String query, String token) {
    return http.get("/api/v1/sessions/public?" + query, token);
  }

  /** Lets the clock move on, so activity times of consecutive steps differ (ordering, not speed, is tested). */
  private static void nextMillisecond() {
    long now = System.currentTimeMillis();
    Await.until("the next millisecond", 1000, () -> System.currentTimeMillis() > now);
  }

  private static List<String> names(Response page) {
    return page.json().getJsonArray("sessions").stream().map(s -> ((JsonObject) s).getString("name"))
        .collect(Collectors.toList());
  }

  @Test
  @DisplayName("A session without messages is listed with lastSeq 0 and no unread")
  void emptyPrivateListing() {
    User ray = http.newUser("Ray");
    User sue = http.newUser("Sue");
    String sid = http.createPrivate(ray, sue.uid()).json().getString("sid");
    JsonObject listed = http.listed(sue, sid);
    assertEquals(0L, listed.getLong("lastSeq"));
    assertEquals(0L, listed.getLong("unread"));
    assertNull(listed.getJsonObject("lastMessage"));
  }
}
