package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.system.Http.Response;
import palaver.system.Http.User;

/**
 * Message search over real sockets across two clustered nodes: A runs every service and a gateway,
 * B only a gateway, so every search asked on B crosses the cluster to message-service (and from
 * there to session-service for the caller's sessions).
 */
@DisplayName("Message search across two clustered nodes")
class SearchClusterTest extends TwoNodeTest {
  private static Response search(TestServer node, User user, String query) {
    // The full path: Http takes a path holding a '.' (as q=.* does) for a static file otherwise.
    return node.http().get("/api/v1/messages/search?" + query, user.token());
  }

  private static String q(String text) {
    return "q=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static List<String> contents(JsonArray hits) {
    return hits.stream().map(h -> ((JsonObject) h).getString("content")).toList();
  }

  @Test
  @DisplayName("A message sent on node A is found over REST on node B by its members, and never by anyone else")
  void foundOnOtherNodeByMembersOnly() {
    User alice = a.http().newUser("Alice");
    User bob = a.http().newUser("Bob");
    User eve = a.http().newUser("Eve");
    String sid = a.http().newGroup(alice, "Plans", bob);
    a.http().send(alice, sid, "c1", "The rendezvous is at the old mill");
    Response found = search(b, bob, q("rendezvous mill"));
    assertEquals(200, found.status(), found.text());
    JsonArray hits = found.json().getJsonArray("hits");
    assertEquals(List.of("The rendezvous is at the old mill"), contents(hits));
    assertEquals(sid, hits.getJsonObject(0).getString("sid"));
    assertEquals("Alice", hits.getJsonObject(0).getString("nickname"));
    assertEquals(new JsonArray().add("rendezvous").add("mill"), found.json().getJsonArray("terms"));
    Response outsider = search(b, eve, q("rendezvous"));
    assertEquals(200, outsider.status());
    assertTrue(outsider.json().getJsonArray("hits").isEmpty(), outsider.text());
    assertEquals(403, search(b, eve, q("rendezvous") + "&sid=" + sid).status());
  }

  @Test
  @DisplayName("Pages asked by the search frame on node B continue after a reconnect to node A with the page's next cursor")
  void pagingSurvivesReconnect() {
    User alice = a.http().newUser("Alice");
    String sid = a.http().newGroup(alice, "Logbook");
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      a.http().send(alice, sid, "l" + i, "logbook entry " + i);
      sent.add(0, "logbook entry " + i);
    }
    List<String> seen = new ArrayList<>();
    String next;
    try (WsClient onB = b.ws(alice)) {
      JsonObject page = onB.request(new JsonObject().put("type", "search").put("q", "ENTRY").put("limit", 3));
      assertEquals("search", page.getString("type"), page.encode());
      assertTrue(page.getBoolean("more"));
      next = page.getString("next");
      assertNotNull(next);
      seen.addAll(contents(page.getJsonArray("hits")));
    }
    try (WsClient onA = a.ws(alice)) {
      JsonObject page = onA.request(new JsonObject().put("type", "search").put("q", "entry").put("before", next)
          .put("limit", 3));
      assertEquals("search", page.getString("type"), page.encode());
      assertFalse(page.getBoolean("more"));
      seen.addAll(contents(page.getJsonArray("hits")));
    }
    assertEquals(sent, seen);
  }

  @Test
  @DisplayName("Edits and deletions made on node B change what search finds on node A")
  void editAndDeleteSeenAcrossNodes() {
    User alice = a.http().newUser("Alice");
    String sid = a.http().newGroup(alice, "Drafts");
    long kept = b.http().send(alice, sid, "d1", "draft about apricots").seq();
    long dropped = b.http().send(alice, sid, "d2", "apricots are gone").seq();
    assertEquals(200, b.http().patch("/sessions/" + sid + "/messages/" + kept, alice.token(),
        new JsonObject().put("content", "draft about peaches")).status());
    assertEquals(200, b.http().delete("/sessions/" + sid + "/messages/" + dropped, alice.token()).status());
    assertTrue(search(a, alice, q("apricots")).json().getJsonArray("hits").isEmpty());
    assertEquals(List.of("draft about peaches"), contents(search(a, alice, q("peaches")).json().getJsonArray("hits")));
  }

  @Test
  @DisplayName("Patterns and operators in q are never interpreted: .* and ( are refused invalid, {\"$ne\":1} and $where match only those words")
  void metacharactersOverRest() {
    User alice = a.http().newUser("Alice");
    String sid = a.http().newGroup(alice, "Regex");
    a.http().send(alice, sid, "r1", "every message should stay hidden");
    a.http().send(alice, sid, "r2", "where is it");
    for (String pattern : List.of(".*", "(", "[", "\\")) {
      Response r = search(b, alice, q(pattern));
      assertEquals(400, r.status(), pattern + " " + r.text());
      assertEquals("invalid", r.errorCode());
    }
    assertTrue(search(b, alice, q("{\"$ne\":1}")).json().getJsonArray("hits").isEmpty());
    assertEquals(List.of("where is it"), contents(search(b, alice, q("$where")).json().getJsonArray("hits")));
  }

  @Test
  @DisplayName("Bad search requests get clear codes: no token 401, an oversized q, limit or forged cursor 400")
  void badRequests() {
    User alice = a.http().newUser("Alice");
    assertEquals(401, b.http().get("/messages/search?q=x", null).status());
    assertEquals(400, search(b, alice, q("x".repeat(201))).status());
    assertEquals(400, search(b, alice, q("x") + "&limit=51").status());
    assertEquals(400, search(b, alice, q("x") + "&limit=ten").status());
    assertEquals(400, search(b, alice, q("x") + "&before=" + URLEncoder.encode("{\"$gt\":0}", StandardCharsets.UTF_8)).status());
    assertEquals(400, search(b, alice, "").status());
  }
}
