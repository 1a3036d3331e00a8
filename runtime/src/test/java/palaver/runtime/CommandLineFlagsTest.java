package palaver.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The command line")
class CommandLineFlagsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLineFlags.Parsed parse(boolean standalone, String... args) {
    return CommandLineFlags.parse("palaver", "test", standalone, args, new PrintWriter(out, true),
        new PrintWriter(err, true));
  }

  @Test
  @DisplayName("--help lists every flag with its env variable and exits 0")
  void help() {
    CommandLineFlags.Parsed parsed = parse(true, "--help");
    assertFalse(parsed.run());
    assertEquals(0, parsed.exitCode());
    for (String flag : new String[] {"--http-port", "--data-dir", "--mongo-uri", "--cluster", "--cluster-host",
        "--cluster-port", "--seeds", "--public-host", "--store-port", "PALAVER_HTTP_PORT"}) {
      assertTrue(out.toString().contains(flag), flag + " in help");
    }
  }

  @Test
  @DisplayName("--store-port belongs to the standalone jar only")
  void storePortStandaloneOnly() {
    assertEquals(2, parse(false, "--store-port", "27017").exitCode());
    assertTrue(parse(true, "--store-port", "27017").run());
  }

  @Test
  @DisplayName("An unknown flag is a clear error with exit code 2")
  void unknownFlag() {
    CommandLineFlags.Parsed parsed = parse(true, "--bogus");
    assertEquals(2, parsed.exitCode());
    assertTrue(err.toString().contains("--bogus"), err.toString());
  }

  @Test
  @DisplayName("A non-numeric port is a clear error with exit code 2")
  void badNumber() {
    assertEquals(2, parse(true, "--http-port", "eighty").exitCode());
    assertTrue(err.toString().contains("eighty"), err.toString());
  }

  @Test
  @DisplayName("Flags become typed configuration keys; --cluster needs no value")
  void typedFlags() {
    CommandLineFlags.Parsed parsed = parse(true, "--http-port", "9000", "--cluster", "--seeds", "a:1,b:2");
    assertTrue(parsed.run());
    assertEquals(9000, parsed.flags().getInteger("httpPort"));
    assertEquals(true, parsed.flags().getBoolean("cluster"));
    assertEquals("a:1,b:2", parsed.flags().getString("seeds"));
  }

  @Test
  @DisplayName("--version prints the version Maven built, not null")
  void version() {
    CommandLineFlags.Parsed parsed = parse(true, "--version");
    assertFalse(parsed.run());
    assertEquals(0, parsed.exitCode());
    assertTrue(out.toString().matches("(?s)palaver \\(Palaver\\) \\d+\\.\\d+\\.\\d+.*"), out.toString());
  }
}
