package palaver.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The README's configuration reference")
class ReadmeTest {
  @Test
  @DisplayName("lists every setting with its flag and environment variable")
  void everySettingDocumented() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    for (Setting s : Setting.values()) {
      assertTrue(readme.contains("| " + s.key() + " |"), s.key() + " in README");
      assertTrue(readme.contains(s.env()), s.env() + " in README");
      if (s.flag() != null) {
        assertTrue(readme.contains("`" + s.flag() + "`"), s.flag() + " in README");
      }
    }
  }
}
