package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static palaver.user.Users.create;
import static palaver.user.Users.uid;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;
import palaver.user.Users.Account;

/** Friend requests, acceptance and removal, with their notifications and events, over the bus. */
class FriendsTest {
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
  @DisplayName("A request answers requested and shows as outgoing for the asker and incoming for the peer")
  void requestIsPending() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    assertEquals(FriendStore.REQUESTED, add(alice, bob).getString(Field.STATUS));
    assertEquals(List.of(bob.uid()), uids(friends(alice), Field.OUTGOING));
    assertEquals(List.of(alice.uid()), uids(friends(bob), Field.INCOMING));
  }

  @Test
  @DisplayName("Friend lists show the other side's nickname and avatar only: a request to a stranger doesn't reveal their email or gender")
  void listsShowPublicProfiles() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    sut.request(Address.USER_UPDATE, uid(bob.uid()).put(Field.GENDER, "male"));
    add(alice, bob);
    JsonObject outgoing = friends(alice).getJsonArray(Field.OUTGOING).getJsonObject(0);
    JsonObject incoming = friends(bob).getJsonArray(Field.INCOMING).getJsonObject(0);
    assertEquals(Set.of(Field.UID, Field.NICKNAME, Field.AVATAR), outgoing.fieldNames());
    assertEquals(Set.of(Field.UID, Field.NICKNAME, Field.AVATAR), incoming.fieldNames());
    add(bob, alice);
    assertEquals(Set.of(Field.UID, Field.NICKNAME, Field.AVATAR, Field.PRESENCE),
        friends(alice).getJsonArray(Field.FRIENDS).getJsonObject(0).fieldNames());
  }

  @Test
  @DisplayName("A request notifies the peer with joinFriend, stored and pushed live")
  void requestNotifiesPeer() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    List<JsonObject> seen = sut.listen(Address.fanoutUser(bob.uid()));
    add(alice, bob);
    JsonObject pushed = Users.awaitEvent(seen, Field.NOTIFICATION).getJsonObject(Field.NOTIFICATION);
    assertEquals(Friends.JOIN_FRIEND, pushed.getString(Field.KIND));
    assertEquals(alice.uid(), pushed.getJsonObject(Field.DATA).getString(Field.UID));
    assertEquals(FriendStore.REQUESTED, pushed.getJsonObject(Field.DATA).getString(Field.STATUS));
    assertEquals(1, notificationsOf(bob).size());
  }

  @Test
  @DisplayName("Asking again while the request is pending changes nothing")
  void repeatedRequest() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    add(alice, bob);
    assertEquals(FriendStore.REQUESTED, add(alice, bob).getString(Field.STATUS));
    assertEquals(1, notificationsOf(bob).size());
    assertEquals(1L, Await.result(sut.mongo().count(FriendStore.FRIENDS, uid(alice.uid()))));
  }

  @Test
  @DisplayName("The peer asking back accepts: both list each other as friends")
  void askingBackAccepts() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    add(alice, bob);
    assertEquals("friends", add(bob, alice).getString(Field.STATUS));
    assertEquals(List.of(bob.uid()), uids(friends(alice), Field.FRIENDS));
    assertEquals(List.of(alice.uid()), uids(friends(bob), Field.FRIENDS));
    assertEquals(List.of(), uids(friends(bob), Field.INCOMING));
  }

  @Test
  @DisplayName("Accepting publishes an added friend event to both users' connections")
  void acceptingTellsBoth() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    List<JsonObject> toAlice = sut.listen(Address.fanoutUser(alice.uid()));
    List<JsonObject> toBob = sut.listen(Address.fanoutUser(bob.uid()));
    add(alice, bob);
    add(bob, alice);
    JsonObject aliceSees = Users.awaitEvent(toAlice, Friends.FRIEND_EVENT);
    JsonObject bobSees = Users.awaitEvent(toBob, Friends.FRIEND_EVENT);
    assertEquals(List.of("added", bob.uid(), Presence.OFFLINE), List.of(aliceSees.getString(Field.ACTION),
        aliceSees.getString(Field.UID), aliceSees.getString(Field.PRESENCE)));
    assertEquals(List.of("added", alice.uid()), List.of(bobSees.getString(Field.ACTION), bobSees.getString(Field.UID)));
  }

  @Test
  @DisplayName("Accepting notifies the asker with joinFriend in state accepted")
  void acceptingNotifiesAsker() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    add(alice, bob);
    add(bob, alice);
    JsonObject notification = notificationsOf(alice).getJsonObject(0);
    assertEquals(Friends.JOIN_FRIEND, notification.getString(Field.KIND));
    assertEquals(FriendStore.ACCEPTED, notification.getJsonObject(Field.DATA).getString(Field.STATUS));
  }

  @Test
  @DisplayName("Friends are listed with their presence, offline while not connected")
  void friendsListedWithPresence() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    add(alice, bob);
    add(bob, alice);
    JsonObject listed = friends(alice).getJsonArray(Field.FRIENDS).getJsonObject(0);
    assertEquals(List.of("Bob", Presence.OFFLINE), List.of(listed.getString(Field.NICKNAME),
        listed.getString(Field.PRESENCE)));
  }

  @Test
  @DisplayName("Asking a friend again is a conflict (409)")
  void alreadyFriends() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    add(alice, bob);
    add(bob, alice);
    assertEquals(ErrorCode.CONFLICT.status(), sut.failureCode(Address.USER_FRIEND_ADD, pair(alice, bob)));
  }

  @Test
  @DisplayName("Befriending yourself is invalid (400)")
  void notYourself() {
    Account alice = create(sut, "Alice");
    assertEquals(ErrorCode.INVALID.status(), sut.failureCode(Address.USER_FRIEND_ADD, pair(alice, alice)));
  }

  @Test
  @DisplayName("Befriending an unknown or malformed uid is not found (404)")
  void unknownPeer() {
    Account alice = create(sut, "Alice");
    assertEquals(ErrorCode.NOT_FOUND.status(),
        sut.failureCode(Address.USER_FRIEND_ADD, uid(alice.uid()).put(Field.PEER, "no-such-user")));
    assertEquals(ErrorCode.NOT_FOUND.status(),
        sut.failureCode(Address.USER_FRIEND_ADD, uid(alice.uid()).put(Field.PEER, "a:b")));
  }

  @Test
  @DisplayName("Removing a friend unfriends both ways")
  void removeUnfriendsBothWays() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    add(alice, bob);
    add(bob, alice);
    assertEquals("none", sut.request(Address.USER_FRIEND_REMOVE, pair(bob, alice)).getString(Field.STATUS));
    assertEquals(List.of(), uids(friends(alice), Field.FRIENDS));
    assertEquals(List.of(), uids(friends(bob), Field.FRIENDS));
  }

  @Test
  @DisplayName("Removing publishes a removed friend event to both sides and notifies the other with removeFriend")
  void removeTellsBoth() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    add(alice, bob);
    add(bob, alice);
    List<JsonObject> toAlice = sut.listen(Address.fanoutUser(alice.uid()));
    List<JsonObject> toBob = sut.listen(Address.fanoutUser(bob.uid()));
    sut.request(Address.USER_FRIEND_REMOVE, pair(bob, alice));
    assertEquals(List.of("removed", bob.uid()), actionAndUid(Users.awaitEvent(toAlice, Friends.FRIEND_EVENT)));
    assertEquals(List.of("removed", alice.uid()), actionAndUid(Users.awaitEvent(toBob, Friends.FRIEND_EVENT)));
    assertEquals(Friends.REMOVE_FRIEND, notificationsOf(alice).getJsonObject(0).getString(Field.KIND));
  }

  @Test
  @DisplayName("Removing a pending request declines it")
  void removeDeclines() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    add(alice, bob);
    sut.request(Address.USER_FRIEND_REMOVE, pair(bob, alice));
    assertEquals(List.of(), uids(friends(bob), Field.INCOMING));
    assertEquals(List.of(), uids(friends(alice), Field.OUTGOING));
  }

  @Test
  @DisplayName("Removing someone who is neither friend nor asking is not found (404)")
  void removeNothing() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    assertEquals(ErrorCode.NOT_FOUND.status(), sut.failureCode(Address.USER_FRIEND_REMOVE, pair(alice, bob)));
  }

  private static JsonObject add(Account from, Account to) {
    return sut.request(Address.USER_FRIEND_ADD, pair(from, to));
  }

  private static JsonObject pair(Account from, Account to) {
    return uid(from.uid()).put(Field.PEER, to.uid());
  }

  private static JsonObject friends(Account account) {
    return sut.request(Address.USER_FRIENDS, uid(account.uid()));
  }

  private static JsonArray notificationsOf(Account account) {
    return sut.request(Address.USER_NOTIFICATIONS, uid(account.uid())).getJsonArray(Field.NOTIFICATIONS);
  }

  private static List<String> uids(JsonObject list, String which) {
    return list.getJsonArray(which).stream().map(p -> ((JsonObject) p).getString(Field.UID)).toList();
  }

  private static List<String> actionAndUid(JsonObject event) {
    return List.of(event.getString(Field.ACTION), event.getString(Field.UID));
  }
}
