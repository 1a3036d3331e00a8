package palaver.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Session and membership ids")
class SessionIdsTest {
  @Test
  @DisplayName("The private session of two users has the same id whichever of them asks")
  void pairIdSymmetric() {
    assertEquals(SessionStore.pairId("alice", "bob"), SessionStore.pairId("bob", "alice"));
  }

  @Test
  @DisplayName("Different pairs of users have different private session ids")
  void pairIdDiffers() {
    assertNotEquals(SessionStore.pairId("alice", "bob"), SessionStore.pairId("alice", "carol"));
  }

  @Test
  @DisplayName("Pairs whose uids concatenate alike still have different ids")
  void pairIdSeparatesUids() {
    assertNotEquals(SessionStore.pairId("ab", "c"), SessionStore.pairId("a", "bc"));
  }

  @Test
  @DisplayName("A private session id is a p and 22 URL-safe characters")
  void pairIdShape() {
    assertTrue(SessionStore.pairId("alice", "bob").matches("p[A-Za-z0-9_-]{22}"));
  }

  @Test
  @DisplayName("A membership's id is the session id and the uid")
  void memberId() {
    assertEquals("s1/u1", SessionStore.memberId("s1", "u1"));
  }
}
