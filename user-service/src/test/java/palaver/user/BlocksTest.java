package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static palaver.user.Users.create;
import static palaver.user.Users.uid;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Field;
import palaver.testing.ServiceUnderTest;
import palaver.user.Users.Account;

/** Blocking another user, what a block refuses in user-service, and the per-user limit on friend requests. */
class BlocksTest {
  private static ServiceUnderTest sut;

  @BeforeAll
  static void start() {
    sut = Users.start(Users.sessionService());
  }

  @AfterAll
  static void stop() {
    sut.close();
  }

  private static JsonObject pair(Account from, Account to) {
    return new JsonObject().put(Field.UID, from.uid()).put(Field.PEER, to.uid());
  }

  private static void block(Account from, Account to) {
    sut.request(Address.USER_BLOCK, pair(from, to));
  }

  private static JsonArray blocked(Account account) {
    return sut.request(Address.USER_BLOCKED, uid(account.uid())).getJsonArray(Field.BLOCKED);
  }

  private static JsonObject relation(Account a, Account b) {
    return sut.request(Address.USER_RELATION, pair(a, b));
  }

  @Test
  @DisplayName("A blocked user is in the blocker's list of blocked users")
  void listed() {
    Account ann = create(sut, "Ann");
    Account eve = create(sut, "Eve");
    block(ann, eve);
    assertEquals(eve.uid(), blocked(ann).getJsonObject(0).getString(Field.UID));
  }

  @Test
  @DisplayName("Unblocking removes the user from the list")
  void unblock() {
    Account ann = create(sut, "Ann");
    Account eve = create(sut, "Eve");
    block(ann, eve);
    sut.request(Address.USER_UNBLOCK, pair(ann, eve));
    assertTrue(blocked(ann).isEmpty());
  }

  @Test
  @DisplayName("The list of blocked users shows their nickname and avatar only, no login or gender")
  void listShowsPublicProfiles() {
    Account ann = create(sut, "Ann");
    Account eve = create(sut, "Eve");
    block(ann, eve);
    assertEquals(java.util.Set.of(Field.UID, Field.NICKNAME, Field.AVATAR), blocked(ann).getJsonObject(0).fieldNames());
  }

  @Test
  @DisplayName("Unblocking someone not blocked is 404")
  void unblockUnknown() {
    assertEquals(404, sut.failureCode(Address.USER_UNBLOCK, pair(create(sut, "Ann"), create(sut, "Eve"))));
  }

  @Test
  @DisplayName("Blocking oneself is 400")
  void blockSelf() {
    Account ann = create(sut, "Ann");
    assertEquals(400, sut.failureCode(Address.USER_BLOCK, pair(ann, ann)));
  }

  @Test
  @DisplayName("Blocking a user that does not exist is 404")
  void blockNobody() {
    assertEquals(404, sut.failureCode(Address.USER_BLOCK,
        new JsonObject().put(Field.UID, create(sut, "Ann").uid()).put(Field.PEER, "nobody")));
  }

  @Test
  @DisplayName("A blocked user's friend request is refused with 403 and the blocker gets no notification")
  void blockedFriendRequest() {
    Account ann = create(sut, "Ann");
    Account eve = create(sut, "Eve");
    block(ann, eve);
    assertEquals(403, sut.failureCode(Address.USER_FRIEND_ADD, pair(eve, ann)));
    assertTrue(sut.request(Address.USER_NOTIFICATIONS, uid(ann.uid())).getJsonArray(Field.NOTIFICATIONS).isEmpty());
  }

  @Test
  @DisplayName("The relation tells session-service a block either way")
  void relationBothWays() {
    Account ann = create(sut, "Ann");
    Account eve = create(sut, "Eve");
    block(ann, eve);
    assertTrue(relation(eve, ann).getBoolean(Field.BLOCKED));
    assertTrue(relation(ann, eve).getBoolean(Field.BLOCKED));
  }

  @Test
  @DisplayName("The relation tells whether the two are friends")
  void relationFriends() {
    Account ann = create(sut, "Ann");
    Account bob = create(sut, "Bob");
    assertFalse(relation(ann, bob).getBoolean(Field.FRIENDS));
    sut.request(Address.USER_FRIEND_ADD, pair(ann, bob));
    sut.request(Address.USER_FRIEND_ADD, pair(bob, ann));
    assertTrue(relation(ann, bob).getBoolean(Field.FRIENDS));
  }

  @Test
  @DisplayName("A block is announced on palaver.user.blockChanged for session-services' caches")
  void announced() {
    Account ann = create(sut, "Ann");
    Account eve = create(sut, "Eve");
    List<JsonObject> seen = sut.listen(Address.USER_BLOCK_CHANGED);
    block(ann, eve);
    palaver.testing.Await.until("the block is announced", Users.PUBLISH_WAIT_MS,
        () -> seen.stream().anyMatch(c -> eve.uid().equals(c.getString(Field.PEER))));
  }

  @Test
  @DisplayName("More friend requests than the burst at once are refused with 429 and a retry hint")
  void friendRequestsLimited() {
    Account eve = create(sut, "Eve");
    for (int i = 0; i < Friends.MAX_REQUESTS_BURST; i++) {
      sut.request(Address.USER_FRIEND_ADD, pair(eve, create(sut, "Victim")));
    }
    assertEquals(429, sut.failureCode(Address.USER_FRIEND_ADD, pair(eve, create(sut, "Victim"))));
  }
}
