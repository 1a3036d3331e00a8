package palaver.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The set-up of the two-person browser tests: one standalone node and two Chromium pages on its web client,
 * Alice's and Bob's, for the whole class (skipped where Chromium is not installed). When a test fails, both
 * pages' evidence is saved as {@code FAILED-<TestClass>-alice} and {@code -bob}.
 */
abstract class TwoBrowserTest {
  static TestServer server;
  static Browser alice;
  static Browser bob;

  @RegisterExtension
  final TestWatcher evidence = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      String name = "FAILED-" + context.getRequiredTestClass().getSimpleName();
      if (alice != null) {
        alice.saveEvidence(name + "-alice");
      }
      if (bob != null) {
        bob.saveEvidence(name + "-bob");
      }
    }
  };

  @BeforeAll
  static void startServerAndPages() {
    Browser.assumeInstalled();
    server = TestServer.standalone();
    String url = "http://127.0.0.1:" + server.httpPort() + "/";
    alice = new Browser(url);
    bob = new Browser(url);
  }

  @AfterAll
  static void stopServerAndPages() {
    for (AutoCloseable c : new AutoCloseable[] {alice, bob, server}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // keep closing the rest
      }
    }
    alice = null;
    bob = null;
    server = null;
  }
}
