package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Field;
import palaver.message.Neighbours.Member;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;

@DisplayName("message-service: full-text search over the caller's sessions")
class SearchTest {
  private static final Neighbours NEIGHBOURS = new Neighbours();
  private static ServiceUnderTest service;

  @BeforeAll
  static void start() {
    service = Neighbours.start(NEIGHBOURS, new JsonObject());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  @DisplayName("A word finds the member's message whatever its case, with sender, session, seq and time")
  void findsByWord() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "Lunch at the harbour?");
    send(m, "c2", "something else");
    JsonArray hits = search(m.uid(), "HARBOUR").getJsonArray(Field.HITS);
    assertEquals(1, hits.size());
    JsonObject hit = hits.getJsonObject(0);
    assertEquals(m.sid(), hit.getString(Field.SID));
    assertEquals(1L, hit.getLong(Field.SEQ));
    assertEquals(m.uid(), hit.getString(Field.UID));
    assertEquals(Neighbours.nickname(m.uid()), hit.getString(Field.NICKNAME));
    assertEquals("Lunch at the harbour?", hit.getString(Field.CONTENT));
    assertTrue(hit.getLong(Field.AT) > 0);
  }

  @Test
  @DisplayName("Several words find only the messages holding every one of them")
  void allWordsRequired() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "red apple");
    send(m, "c2", "green apple");
    send(m, "c3", "red car");
    JsonArray hits = search(m.uid(), "apple red").getJsonArray(Field.HITS);
    assertEquals(List.of("red apple"), contents(hits));
  }

  @Test
  @DisplayName("Messages of sessions the caller is not a member of are never found")
  void othersSessionsExcluded() {
    Member alice = NEIGHBOURS.member();
    Member bob = NEIGHBOURS.member();
    send(alice, "a1", "secretword from alice");
    send(bob, "b1", "secretword from bob");
    assertEquals(List.of("secretword from bob"), contents(search(bob.uid(), "secretword").getJsonArray(Field.HITS)));
    assertEquals(403, service.failureCode(Address.MESSAGE_SEARCH, query(bob.uid(), "secretword")
        .put(Field.SID, alice.sid())));
  }

  @Test
  @DisplayName("One session can be searched alone (sid)")
  void oneSession() {
    Member m = NEIGHBOURS.member();
    Member other = new Member(m.uid(), Neighbours.fresh("sid"));
    NEIGHBOURS.join(other.uid(), other.sid());
    send(m, "c1", "budget here");
    send(other, "c2", "budget there");
    JsonArray hits = service.request(Address.MESSAGE_SEARCH, query(m.uid(), "budget").put(Field.SID, other.sid()))
        .getJsonArray(Field.HITS);
    assertEquals(List.of("budget there"), contents(hits));
  }

  @Test
  @DisplayName("Pages run newest first across sessions, each hit once, and the last page says no more")
  void paging() {
    Member m = NEIGHBOURS.member();
    Member other = new Member(m.uid(), Neighbours.fresh("sid"));
    NEIGHBOURS.join(other.uid(), other.sid());
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      send(i % 2 == 0 ? m : other, "c" + i, "page word " + i);
      sent.add(0, "page word " + i);
    }
    List<String> seen = new ArrayList<>();
    String before = null;
    int pages = 0;
    boolean more = true;
    while (more) {
      JsonObject body = query(m.uid(), "page").put(Field.LIMIT, 3);
      if (before != null) {
        body.put(Field.BEFORE, before);
      }
      JsonObject page = service.request(Address.MESSAGE_SEARCH, body);
      seen.addAll(contents(page.getJsonArray(Field.HITS)));
      more = page.getBoolean(Field.MORE);
      before = page.getString(Field.NEXT);
      pages++;
      assertTrue(pages <= 3, "more pages than hits allow");
    }
    assertEquals(sent, seen);
    assertNull(before);
  }

  @Test
  @DisplayName("An edited message is found by its new words, no longer by its old ones")
  void editReindexes() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "meeting on tuesday");
    service.request(Address.MESSAGE_EDIT, new JsonObject().put(Field.UID, m.uid()).put(Field.SID, m.sid())
        .put(Field.SEQ, 1).put(Field.CONTENT, "meeting on wednesday"));
    assertTrue(search(m.uid(), "tuesday").getJsonArray(Field.HITS).isEmpty());
    assertEquals(List.of("meeting on wednesday"), contents(search(m.uid(), "wednesday").getJsonArray(Field.HITS)));
    assertEquals(0, postings(m.sid(), "tuesday"));
  }

  @Test
  @DisplayName("A deleted message is not found, and its postings are gone")
  void deleteRemoves() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "oops password123");
    service.request(Address.MESSAGE_DELETE, new JsonObject().put(Field.UID, m.uid()).put(Field.SID, m.sid()).put(Field.SEQ, 1));
    assertTrue(search(m.uid(), "password123").getJsonArray(Field.HITS).isEmpty());
    assertEquals(0, postings(m.sid(), "password123"));
  }

  @Test
  @DisplayName("Retention removes the postings of the messages it removes")
  void retentionRemoves() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "ancient history");
    send(m, "c2", "recent history");
    MessageStore store = new MessageStore(service.mongo());
    Retention retention = new Retention(service.vertx(), store, new Mentions(service.mongo()), new SearchIndex(service.mongo()),
        new FileStore(service.mongo()), 0, 60_000, sids -> { });
    long secondAt = store.page(m.sid(), null, null, 10).map(p -> p.messages().get(1).getLong(Field.AT))
        .toCompletionStage().toCompletableFuture().join();
    Await.result(retention.cut(m.sid(), secondAt));
    assertEquals(0, postings(m.sid(), "ancient"));
    assertEquals(List.of("recent history"), contents(search(m.uid(), "history").getJsonArray(Field.HITS)));
  }

  @Test
  @DisplayName("Regex metacharacters and operators are never interpreted: .* and ( are refused, $where and {\"$ne\":1} are plain words")
  void metacharactersLiteral() {
    Member m = NEIGHBOURS.member();
    send(m, "c1", "anything at all");
    send(m, "c2", "where are you");
    assertEquals(400, service.failureCode(Address.MESSAGE_SEARCH, query(m.uid(), ".*")));
    assertEquals(400, service.failureCode(Address.MESSAGE_SEARCH, query(m.uid(), "(")));
    assertEquals(List.of("where are you"), contents(search(m.uid(), "$where").getJsonArray(Field.HITS)));
    assertTrue(search(m.uid(), "{\"$ne\":1}").getJsonArray(Field.HITS).isEmpty());
    assertEquals(400, service.failureCode(Address.MESSAGE_SEARCH, new JsonObject().put(Field.UID, m.uid())
        .put(Field.QUERY, new JsonObject().put("$ne", 1))));
  }

  @Test
  @DisplayName("Bad requests get 400: no q, q too long, too many words, a limit out of range, a forged cursor")
  void badRequests() {
    Member m = NEIGHBOURS.member();
    assertEquals(400, service.failureCode(Address.MESSAGE_SEARCH, new JsonObject().put(Field.UID, m.uid())));
    assertEquals(400, service.failureCode(Address.MESSAGE_SEARCH, query(m.uid(), "x".repeat(201))));
    assertEquals(400, service.failureCode(Address.MESSAGE_SEARCH, query(m.uid(), "a b c d e f g h i")));
    assertEquals(400, service.failureCode(Address.MESSAGE_SEARCH, query(m.uid(), "a").put(Field.LIMIT, 0)));
    assertEquals(400, service.failureCode(Address.MESSAGE_SEARCH, query(m.uid(), "a").put(Field.LIMIT, 51)));
    assertEquals(400, service.failureCode(Address.MESSAGE_SEARCH, query(m.uid(), "a").put(Field.BEFORE, "1.2.{$gt:1}")));
  }

  @Test
  @DisplayName("Notices and change events are not searchable")
  void onlyMessages() {
    Member m = NEIGHBOURS.member();
    service.request(Address.MESSAGE_SYSTEM, new JsonObject().put(Field.UID, m.uid()).put(Field.SID, m.sid())
        .put(Field.CONTENT, new JsonObject().put("event", "joined")));
    send(m, "c1", "first");
    service.request(Address.MESSAGE_EDIT, new JsonObject().put(Field.UID, m.uid()).put(Field.SID, m.sid())
        .put(Field.SEQ, 2).put(Field.CONTENT, "second"));
    JsonArray hits = search(m.uid(), "second").getJsonArray(Field.HITS);
    assertEquals(1, hits.size());
    assertEquals("text", hits.getJsonObject(0).getString(Field.MSG_TYPE));
    assertTrue(search(m.uid(), "joined").getJsonArray(Field.HITS).isEmpty());
    assertFalse(search(m.uid(), "second").getBoolean(Field.MORE));
  }

  // ---- helpers ----


  private static void send(Member m, String cid, String content) {
    service.request(Address.MESSAGE_SEND, Neighbours.text(m, cid, content));
  }

  private static JsonObject query(String uid, String q) {
    return new JsonObject().put(Field.UID, uid).put(Field.QUERY, q);
  }

  private static JsonObject search(String uid, String q) {
    return service.request(Address.MESSAGE_SEARCH, query(uid, q));
  }

  private static List<String> contents(JsonArray hits) {
    return hits.stream().map(h -> ((JsonObject) h).getString(Field.CONTENT)).toList();
  }

  private static long postings(String sid, String term) {
    return Await.result(service.mongo().count(SearchIndex.POSTINGS,
        new JsonObject().put(SearchIndex.TERM, term).put(Field.SID, sid)));
  }
}
