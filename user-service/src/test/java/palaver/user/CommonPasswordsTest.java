package palaver.user;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CommonPasswordsTest {

  @Test
  @DisplayName("The bundled list is loaded: tens of thousands of breached passwords")
  void listLoaded() {
    assertTrue(CommonPasswords.size() > 40_000, "size " + CommonPasswords.size());
  }

  @Test
  @DisplayName("A password on the list is common in any letter case")
  void caseInsensitive() {
    assertTrue(CommonPasswords.isCommon("password"));
    assertTrue(CommonPasswords.isCommon("PASSWORD"));
    assertTrue(CommonPasswords.isCommon("Qwertyuiop"));
  }

  @Test
  @DisplayName("Separators, letter-for-digit swaps and trailing digits don't make a listed password uncommon")
  void simpleVariants() {
    assertTrue(CommonPasswords.isCommon("password-123"));
    assertTrue(CommonPasswords.isCommon("P@ssw0rd!"));
    assertTrue(CommonPasswords.isCommon("dragon2024"));
    assertTrue(CommonPasswords.isCommon("i love you"));
  }

  @Test
  @DisplayName("Passphrases and random passwords are not common, also ones with a few letters among many symbols")
  void strongOnesPass() {
    assertFalse(CommonPasswords.isCommon(Users.PASSWORD));
    assertFalse(CommonPasswords.isCommon("plover kettle 41"));
    assertFalse(CommonPasswords.isCommon("x7#Qp!v9Lm2$"));
    assertFalse(CommonPasswords.isCommon("%%%%%%%%%%12"));
  }
}
