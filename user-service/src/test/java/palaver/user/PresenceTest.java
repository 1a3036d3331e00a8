package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.testing.Await;
import palaver.testing.FakeNeighbour;
import palaver.testing.ServiceUnderTest;
import palaver.user.Users.Account;

/** Presence from gateway reports, the chosen state, and who is told, over the bus. */
class PresenceTest {
  private static FakeNeighbour sessionService;
  private static ServiceUnderTest sut;

  @BeforeAll
  static void start() {
    sessionService = Users.sessionService();
    sut = Users.start(sessionService);
  }

  @AfterAll
  static void stop() {
    sut.close();
  }

  @Test
  @DisplayName("A user no gateway has connected is offline")
  void unconnectedIsOffline() {
    assertEquals(Presence.OFFLINE, presenceOf(create(sut, "Alice")));
  }

  @Test
  @DisplayName("A user a gateway reports connected is online")
  void connectedIsOnline() {
    Account alice = create(sut, "Alice");
    connect("gw-1", alice);
    awaitPresence(alice, "online");
  }

  @Test
  @DisplayName("Choosing a state answers it and keeps it in the user's record")
  void chooseKeepsState() {
    Account alice = create(sut, "Alice");
    assertEquals("away", choose(alice, "away").getString(Field.STATE));
    JsonObject stored = Await.result(sut.mongo().findOne(UserStore.USERS, new JsonObject().put(UserStore.ID,
        alice.uid()), null));
    assertEquals("away", stored.getString(UserStore.CHOSEN));
  }

  @Test
  @DisplayName("A connected user shows the state they chose")
  void chosenStateShows() {
    Account alice = create(sut, "Alice");
    choose(alice, "busy");
    connect("gw-1", alice);
    awaitPresence(alice, "busy");
  }

  @Test
  @DisplayName("A connected user who chose invisible shows as offline")
  void invisibleShowsOffline() {
    Account alice = create(sut, "Alice");
    connect("gw-1", alice);
    awaitPresence(alice, "online");
    choose(alice, Presence.INVISIBLE);
    assertEquals(Presence.OFFLINE, presenceOf(alice));
  }

  @Test
  @DisplayName("Choosing a state outside online, away, busy and invisible is invalid (400)")
  void chooseUnknownState() {
    assertEquals(ErrorCode.INVALID.status(), sut.failureCode(Address.USER_PRESENCE,
        uid(create(sut, "Alice").uid()).put(Field.STATE, "asleep")));
  }

  @Test
  @DisplayName("Choosing a state for an unknown user is not found (404)")
  void chooseUnknownUser() {
    assertEquals(ErrorCode.NOT_FOUND.status(), sut.failureCode(Address.USER_PRESENCE,
        uid("no-such-user").put(Field.STATE, "away")));
  }

  @Test
  @DisplayName("Querying presence with uids that are not an array of strings is invalid (400)")
  void queryNeedsStrings() {
    assertEquals(ErrorCode.INVALID.status(), sut.failureCode(Address.USER_PRESENCE_QUERY,
        new JsonObject().put(Field.UIDS, new JsonArray().add(new JsonObject()))));
  }

  @Test
  @DisplayName("Coming online is announced to the user's friends")
  void announcedToFriends() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    sut.request(Address.USER_FRIEND_ADD, uid(alice.uid()).put(Field.PEER, bob.uid()));
    sut.request(Address.USER_FRIEND_ADD, uid(bob.uid()).put(Field.PEER, alice.uid()));
    List<JsonObject> toBob = sut.listen(Address.fanoutUser(bob.uid()));
    connect("gw-1", alice);
    JsonObject event = Users.awaitEvent(toBob, Field.PRESENCE);
    assertEquals(List.of(alice.uid(), "online"), List.of(event.getString(Field.UID), event.getString(Field.STATE)));
  }

  @Test
  @DisplayName("Coming online is announced in every session the user is a member of, as session-service lists them")
  void announcedToCoMembers() {
    Account alice = create(sut, "Alice");
    String sid = Users.sessionOf(alice.uid());
    List<JsonObject> inSession = sut.listen(Address.fanoutSession(sid));
    connect("gw-1", alice);
    JsonObject event = Users.awaitEvent(inSession, Field.PRESENCE);
    assertEquals(List.of(alice.uid(), "online", sid), List.of(event.getString(Field.UID),
        event.getString(Field.STATE), event.getString(Field.SID)));
    assertEquals(alice.uid(), sessionService.requests(Address.SESSION_MEMBERSHIPS).stream()
        .map(r -> r.getString(Field.UID)).filter(alice.uid()::equals).findFirst().orElseThrow());
  }

  @Test
  @DisplayName("A user goes offline when their last connection closes")
  void lastConnectionClosing() {
    Account alice = create(sut, "Alice");
    connect("gw-1", alice);
    awaitPresence(alice, "online");
    report(new JsonObject().put(Field.NODE, "gw-1").put(Field.UID, alice.uid()).put(Field.ONLINE, false));
    awaitPresence(alice, Presence.OFFLINE);
  }

  @Test
  @DisplayName("A user stays online while another gateway still holds a connection")
  void otherGatewayKeepsOnline() {
    Account alice = create(sut, "Alice");
    connect("gw-1", alice);
    connect("gw-2", alice);
    report(new JsonObject().put(Field.NODE, "gw-1").put(Field.UID, alice.uid()).put(Field.ONLINE, false));
    settled();
    assertEquals("online", presenceOf(alice));
  }

  @Test
  @DisplayName("A gateway stopping cleanly takes its users offline")
  void gatewayGone() {
    Account alice = create(sut, "Alice");
    String node = Users.unique("gw-");
    connect(node, alice);
    awaitPresence(alice, "online");
    report(new JsonObject().put(Field.NODE, node).put(Presence.GONE, true));
    awaitPresence(alice, Presence.OFFLINE);
  }

  @Test
  @DisplayName("A heartbeat snapshot that no longer lists a user takes them offline and keeps the others")
  void snapshotReplacesList() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    String node = Users.unique("gw-");
    report(new JsonObject().put(Field.NODE, node).put(Field.UIDS, new JsonArray().add(alice.uid()).add(bob.uid())));
    awaitPresence(alice, "online");
    report(new JsonObject().put(Field.NODE, node).put(Field.UIDS, new JsonArray().add(bob.uid())));
    awaitPresence(alice, Presence.OFFLINE);
    assertEquals("online", presenceOf(bob));
  }

  @Test
  @DisplayName("A malformed report is dropped and the reports after it still count")
  void malformedReportDropped() {
    Account alice = create(sut, "Alice");
    report(new JsonObject().put(Field.UID, alice.uid()).put(Field.ONLINE, true));
    connect("gw-1", alice);
    awaitPresence(alice, "online");
  }

  private static void connect(String node, Account account) {
    report(new JsonObject().put(Field.NODE, node).put(Field.UID, account.uid()).put(Field.ONLINE, true));
  }

  private static void report(JsonObject report) {
    sut.vertx().eventBus().publish(Address.USER_PRESENCE_REPORT, report);
  }

  /** Reports are handled in order: once a later one shows, every earlier one was handled. */
  private static void settled() {
    Account probe = create(sut, "Probe");
    connect("gw-probe", probe);
    awaitPresence(probe, "online");
  }

  private static JsonObject choose(Account account, String state) {
    return sut.request(Address.USER_PRESENCE, uid(account.uid()).put(Field.STATE, state));
  }

  private static String presenceOf(Account account) {
    return sut.request(Address.USER_PRESENCE_QUERY, new JsonObject().put(Field.UIDS, new JsonArray().add(account.uid())))
        .getJsonObject(Field.PRESENCE).getString(account.uid());
  }

  private static void awaitPresence(Account account, String state) {
    Await.until(account.nickname() + " " + state, Users.PUBLISH_WAIT_MS, () -> state.equals(presenceOf(account)));
  }
}
