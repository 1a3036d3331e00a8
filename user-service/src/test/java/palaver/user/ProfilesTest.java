package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static palaver.user.Users.create;
import static palaver.user.Users.uid;
import static palaver.user.Users.unique;

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
import palaver.testing.ServiceUnderTest;
import palaver.user.Users.Account;

/** Profiles: get, update, search and the batch lookup, over the bus. */
class ProfilesTest {
  private static final Set<String> PROFILE_KEYS = Set.of(Field.UID, Field.LOGIN, Field.NICKNAME, Field.GENDER,
      Field.AVATAR);
  private static final Set<String> PUBLIC_KEYS = Set.of(Field.UID, Field.NICKNAME, Field.AVATAR);
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
  @DisplayName("Getting a user answers exactly the profile fields, never the hash or token version")
  void getAnswersProfileOnly() {
    Account alice = create(sut, "Alice");
    JsonObject profile = sut.request(Address.USER_GET, uid(alice.uid()));
    assertEquals(PROFILE_KEYS, profile.fieldNames());
    assertEquals("Alice", profile.getString(Field.NICKNAME));
    assertEquals("", profile.getString(Field.GENDER));
  }

  @Test
  @DisplayName("Getting an unknown user is not found (404)")
  void getUnknown() {
    assertEquals(ErrorCode.NOT_FOUND.status(), sut.failureCode(Address.USER_GET, uid("no-such-user")));
  }

  @Test
  @DisplayName("Updating nickname, gender and avatar answers the new profile and keeps it")
  void updateKeepsChanges() {
    Account alice = create(sut, "Alice");
    JsonObject changes = uid(alice.uid()).put(Field.NICKNAME, "Ally").put(Field.GENDER, "female")
        .put(Field.AVATAR, "file-1");
    JsonObject answer = sut.request(Address.USER_UPDATE, changes);
    assertEquals("Ally", answer.getString(Field.NICKNAME));
    JsonObject stored = sut.request(Address.USER_GET, uid(alice.uid()));
    assertEquals(List.of("Ally", "female", "file-1"),
        List.of(stored.getString(Field.NICKNAME), stored.getString(Field.GENDER), stored.getString(Field.AVATAR)));
  }

  @Test
  @DisplayName("Updating the avatar to null clears it")
  void nullAvatarClears() {
    Account alice = create(sut, "Alice");
    sut.request(Address.USER_UPDATE, uid(alice.uid()).put(Field.AVATAR, "file-1"));
    sut.request(Address.USER_UPDATE, uid(alice.uid()).putNull(Field.AVATAR));
    assertNull(sut.request(Address.USER_GET, uid(alice.uid())).getString(Field.AVATAR));
  }

  @Test
  @DisplayName("Updating any other field, such as the login, is invalid (400)")
  void otherFieldsRefused() {
    Account alice = create(sut, "Alice");
    assertInvalid(Address.USER_UPDATE, uid(alice.uid()).put(Field.LOGIN, "evil@example.org"));
    assertEquals(alice.login(), sut.request(Address.USER_GET, uid(alice.uid())).getString(Field.LOGIN));
  }

  @Test
  @DisplayName("An update that changes nothing is invalid (400)")
  void emptyUpdateRefused() {
    assertInvalid(Address.USER_UPDATE, uid(create(sut, "Alice").uid()));
  }

  @Test
  @DisplayName("A gender outside the allowed values is invalid (400)")
  void unknownGenderRefused() {
    assertInvalid(Address.USER_UPDATE, uid(create(sut, "Alice").uid()).put(Field.GENDER, "robot"));
  }

  @Test
  @DisplayName("Updating an unknown user is not found (404)")
  void updateUnknown() {
    assertEquals(ErrorCode.NOT_FOUND.status(),
        sut.failureCode(Address.USER_UPDATE, uid("no-such-user").put(Field.NICKNAME, "Ghost")));
  }

  @Test
  @DisplayName("Searching finds users whose nickname contains the text anywhere, in any letter case, by nickname")
  void searchAnywhereInTheNickname() {
    String text = unique("Nick");
    Account starts = create(sut, text + "Anne");
    Account middle = create(sut, "Xavier " + text + " Smith");
    create(sut, unique("Other"));
    assertEquals(List.of(starts.uid(), middle.uid()), uids(search(text.toUpperCase())));
  }

  @Test
  @DisplayName("Searching for a login (an email), whole or its start, finds nobody: search can't confirm an address")
  void searchNeverMatchesLogins() {
    Account alice = create(sut, "Alice");
    assertEquals(List.of(), uids(search(alice.login())));
    assertEquals(List.of(), uids(search(alice.login().substring(0, 10))));
  }

  @Test
  @DisplayName("Search text with regex characters matches only literally")
  void searchIsLiteral() {
    String prefix = unique("re");
    Account dotted = create(sut, prefix + ".x");
    create(sut, prefix + "yx");
    assertEquals(List.of(dotted.uid()), uids(search(prefix + ".")));
  }

  @Test
  @DisplayName("Search results come a page at a time, with more telling whether another page exists")
  void searchPages() {
    String prefix = unique("page");
    for (int i = 0; i < 3; i++) {
      create(sut, prefix + i);
    }
    JsonObject first = sut.request(Address.USER_SEARCH, new JsonObject().put(Field.QUERY, prefix).put(Field.LIMIT, 2));
    JsonObject last = sut.request(Address.USER_SEARCH, new JsonObject().put(Field.QUERY, prefix).put(Field.LIMIT, 2)
        .put(Field.OFFSET, 2));
    assertEquals(List.of(2, true, 1, false), List.of(first.getJsonArray(Field.USERS).size(), first.getBoolean(Field.MORE),
        last.getJsonArray(Field.USERS).size(), last.getBoolean(Field.MORE)));
  }

  @Test
  @DisplayName("Search results carry the nickname and avatar only: never the hash, nor another user's login (an email) or gender")
  void searchAnswersPublicProfilesOnly() {
    String prefix = unique("hash");
    create(sut, prefix);
    JsonObject found = search(prefix).getJsonObject(0);
    assertEquals(PUBLIC_KEYS, found.fieldNames());
  }

  @Test
  @DisplayName("Blank search text is invalid (400)")
  void blankSearchRefused() {
    assertInvalid(Address.USER_SEARCH, new JsonObject().put(Field.QUERY, "   "));
  }

  @Test
  @DisplayName("Looking up several uids answers the profiles of those that exist, keyed by uid")
  void profilesOfExisting() {
    Account alice = create(sut, "Alice");
    Account bob = create(sut, "Bob");
    JsonObject profiles = sut.request(Address.USER_PROFILES, new JsonObject().put(Field.UIDS,
        new JsonArray().add(alice.uid()).add(bob.uid()).add("no-such-user"))).getJsonObject(Field.PROFILES);
    assertEquals(Set.of(alice.uid(), bob.uid()), profiles.fieldNames());
    assertEquals("Bob", profiles.getJsonObject(bob.uid()).getString(Field.NICKNAME));
    assertFalse(profiles.getJsonObject(bob.uid()).containsKey(UserStore.HASH));
  }

  @Test
  @DisplayName("Looked-up profiles (what member lists show) carry the nickname and avatar only, no login or gender")
  void profilesArePublic() {
    Account bob = create(sut, "Bob");
    JsonObject profiles = sut.request(Address.USER_PROFILES, new JsonObject().put(Field.UIDS,
        new JsonArray().add(bob.uid()))).getJsonObject(Field.PROFILES);
    assertEquals(PUBLIC_KEYS, profiles.getJsonObject(bob.uid()).fieldNames());
  }

  @Test
  @DisplayName("Looking up uids that are not an array of strings is invalid (400)")
  void profilesNeedStrings() {
    assertInvalid(Address.USER_PROFILES, new JsonObject().put(Field.UIDS, new JsonArray().add(1)));
    assertInvalid(Address.USER_PROFILES, new JsonObject().put(Field.UIDS, "alice"));
  }

  private static JsonArray search(String q) {
    JsonObject answer = sut.request(Address.USER_SEARCH, new JsonObject().put(Field.QUERY, q));
    assertTrue(answer.containsKey(Field.MORE));
    return answer.getJsonArray(Field.USERS);
  }

  private static List<String> uids(JsonArray profiles) {
    return profiles.stream().map(p -> ((JsonObject) p).getString(Field.UID)).toList();
  }

  private static void assertInvalid(String address, JsonObject body) {
    assertEquals(ErrorCode.INVALID.status(), sut.failureCode(address, body));
  }
}
