package palaver.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Field;

@DisplayName("The membership cache")
class MembershipCacheTest {
  private static final long TTL = 1_000;

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final MembershipCache cache = new MembershipCache(3, TTL, now::get);

  /** Store reads a test started through the cache, in order, each completed by the test. */
  private final List<Promise<List<JsonObject>>> reads = new ArrayList<>();

  private final Supplier<Future<List<JsonObject>>> read = () -> {
    Promise<List<JsonObject>> p = Promise.promise();
    reads.add(p);
    return p.future();
  };

  private void putRole(String sid, String uid, String role) {
    cache.put(sid, uid, role, cache.generation());
  }

  private static List<JsonObject> memberships(String uid, String... sids) {
    List<JsonObject> out = new ArrayList<>();
    for (String sid : sids) {
      out.add(SessionStore.newMember(sid, uid, SessionStore.MEMBER, 0));
    }
    return out;
  }

  @Test
  @DisplayName("A role put is answered from the cache")
  void roleHit() {
    putRole("s1", "u1", SessionStore.ADMIN);
    assertEquals(SessionStore.ADMIN, cache.role("s1", "u1"));
  }

  @Test
  @DisplayName("A role never put is unknown")
  void roleMiss() {
    putRole("s1", "u1", SessionStore.ADMIN);
    assertNull(cache.role("s1", "u2"));
  }

  @Test
  @DisplayName("A membership change drops that member's role")
  void invalidateRole() {
    putRole("s1", "u1", SessionStore.MEMBER);
    cache.invalidate("s1", "u1");
    assertNull(cache.role("s1", "u1"));
  }

  @Test
  @DisplayName("A membership change keeps other members' roles")
  void invalidateOnlyThatMember() {
    putRole("s1", "u1", SessionStore.MEMBER);
    putRole("s1", "u2", SessionStore.OWNER);
    cache.invalidate("s1", "u1");
    assertEquals(SessionStore.OWNER, cache.role("s1", "u2"));
  }

  @Test
  @DisplayName("A membership change drops the user's cached session ids")
  void invalidateSessions() {
    cache.putSessions("u1", List.of("s1"), cache.generation());
    cache.invalidate("s2", "u1");
    assertNull(cache.sessionsOf("u1"));
  }

  @Test
  @DisplayName("An answer read before a membership change is not cached")
  void staleReadNotCached() {
    long startedAt = cache.generation();
    cache.invalidate("s1", "u1");
    cache.put("s1", "u1", SessionStore.MEMBER, startedAt);
    cache.putSessions("u1", List.of("s1"), startedAt);
    assertNull(cache.role("s1", "u1"));
    assertNull(cache.sessionsOf("u1"));
  }

  @Test
  @DisplayName("Clearing (a cluster topology change) drops every role and session list, and answers of reads in flight")
  void clearDropsEverything() {
    long startedAt = cache.generation();
    putRole("s1", "u1", SessionStore.MEMBER);
    cache.putSessions("u2", List.of("s1"), cache.generation());
    cache.clear();
    cache.put("s2", "u3", SessionStore.MEMBER, startedAt);
    assertNull(cache.role("s1", "u1"));
    assertNull(cache.sessionsOf("u2"));
    assertNull(cache.role("s2", "u3"));
  }

  @Test
  @DisplayName("An entry is answered until its TTL has passed")
  void withinTtl() {
    putRole("s1", "u1", SessionStore.MEMBER);
    now.addAndGet(TTL);
    assertEquals(SessionStore.MEMBER, cache.role("s1", "u1"));
  }

  @Test
  @DisplayName("An entry older than its TTL is dropped")
  void expired() {
    putRole("s1", "u1", SessionStore.MEMBER);
    cache.putSessions("u1", List.of("s1"), cache.generation());
    now.addAndGet(TTL + 1);
    assertNull(cache.role("s1", "u1"));
    assertNull(cache.sessionsOf("u1"));
  }

  @Test
  @DisplayName("Beyond its bound the cache drops the least recently used entry")
  void lruBound() {
    putRole("s1", "a", SessionStore.MEMBER);
    putRole("s1", "b", SessionStore.MEMBER);
    putRole("s1", "c", SessionStore.MEMBER);
    cache.role("s1", "a");
    putRole("s1", "d", SessionStore.MEMBER);
    assertNull(cache.role("s1", "b"));
    assertEquals(SessionStore.MEMBER, cache.role("s1", "a"));
    assertEquals(SessionStore.MEMBER, cache.role("s1", "c"));
    assertEquals(SessionStore.MEMBER, cache.role("s1", "d"));
  }

  @Test
  @DisplayName("Concurrent reads of a user's memberships share one store read")
  void sharedRead() {
    Future<List<JsonObject>> first = cache.sharedRead("u1", read);
    Future<List<JsonObject>> second = cache.sharedRead("u1", read);
    assertEquals(1, reads.size());
    assertSame(first, second);
  }

  @Test
  @DisplayName("Different users' reads are not shared")
  void notSharedAcrossUsers() {
    cache.sharedRead("u1", read);
    cache.sharedRead("u2", read);
    assertEquals(2, reads.size());
  }

  @Test
  @DisplayName("A read asked for after a membership change does not share the read started before it")
  void notSharedAcrossChange() {
    Future<List<JsonObject>> before = cache.sharedRead("u1", read);
    cache.invalidate("s1", "u1");
    Future<List<JsonObject>> after = cache.sharedRead("u1", read);
    assertEquals(2, reads.size());
    assertNotSame(before, after);
  }

  @Test
  @DisplayName("A read asked for after the shared one completed reads again")
  void notSharedAfterCompletion() {
    cache.sharedRead("u1", read);
    reads.get(0).complete(memberships("u1", "s1"));
    cache.sharedRead("u1", read);
    assertEquals(2, reads.size());
  }

  @Test
  @DisplayName("A completed read's session ids are cached")
  void readCachesSessions() {
    cache.sharedRead("u1", read);
    reads.get(0).complete(memberships("u1", "s1", "s2"));
    assertEquals(List.of("s1", "s2"), cache.sessionsOf("u1"));
  }

  @Test
  @DisplayName("A read that completes after a membership change does not cache its session ids")
  void readAcrossChangeNotCached() {
    cache.sharedRead("u1", read);
    cache.invalidate("s9", "u1");
    reads.get(0).complete(memberships("u1", "s1"));
    assertNull(cache.sessionsOf("u1"));
  }

  @Test
  @DisplayName("A failed read caches nothing and the next asker reads again")
  void failedRead() {
    cache.sharedRead("u1", read);
    reads.get(0).fail(new RuntimeException("store down"));
    cache.sharedRead("u1", read);
    assertNull(cache.sessionsOf("u1"));
    assertEquals(2, reads.size());
  }

  @Test
  @DisplayName("The cached session ids are those of the memberships read")
  void sessionIdsFromMemberships() {
    cache.sharedRead("u1", read);
    List<JsonObject> members = memberships("u1", "s3");
    reads.get(0).complete(members);
    assertEquals(members.get(0).getString(Field.SID), cache.sessionsOf("u1").get(0));
  }
}
