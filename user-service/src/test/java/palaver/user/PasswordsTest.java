package palaver.user;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PasswordsTest {
  @Test
  @DisplayName("A password verifies against its own hash")
  void verifiesItsOwnHash() {
    assertTrue(Passwords.verify("correct horse", Passwords.hash("correct horse")));
  }

  @Test
  @DisplayName("Another password does not verify against the hash")
  void wrongPasswordFails() {
    assertFalse(Passwords.verify("correct horsf", Passwords.hash("correct horse")));
  }

  @Test
  @DisplayName("The hash is an Argon2id PHC string with OWASP's parameters m=19 MiB, t=2, p=1")
  void argon2idParameters() {
    String hash = Passwords.hash("correct horse");
    assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
  }

  @Test
  @DisplayName("Two hashes of the same password differ, because each has its own salt")
  void saltedPerHash() {
    assertNotEquals(Passwords.hash("correct horse"), Passwords.hash("correct horse"));
  }

  @Test
  @DisplayName("A malformed stored hash makes verification fail instead of throwing")
  void malformedHashFails() {
    assertFalse(Passwords.verify("correct horse", "$argon2id$v=19$m=x$salt$hash"));
    assertFalse(Passwords.verify("correct horse", "plain text"));
  }

  @Test
  @DisplayName("A hash of another Argon2 variant is refused even when it is well formed")
  void otherVariantFails() {
    String hash = Passwords.hash("correct horse").replace("$argon2id$", "$argon2i$");
    assertFalse(Passwords.verify("correct horse", hash));
  }
}
