package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import palaver.store.EmbeddedStore;
import palaver.system.Http.User;

/**
 * Voice and video calls in two real (headless) Chromiums with fake camera and microphone, against
 * two clustered nodes: Alice's page is served by node A (every service), Bob's by node B (a gateway
 * only), so every signal crosses the event bus. Media goes browser to browser (host candidates on
 * this machine; no STUN/TURN configured).
 */
@DisplayName("Calls in the web client, in Chromium, across two clustered nodes")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CallBrowserTest {
  /** Alice's page rings this long before it gives up (the ?ringMs= knob of js/call.js). */
  private static final int RING_MS = 4000;
  private static EmbeddedStore store;
  private static TestServer a;
  private static TestServer b;
  private static Browser alice;
  private static Browser bob;

  @RegisterExtension
  final TestWatcher evidence = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      String test = context.getRequiredTestMethod().getName();
      if (alice != null) {
        alice.saveEvidence("FAILED-call-" + test + "-alice");
      }
      if (bob != null) {
        bob.saveEvidence("FAILED-call-" + test + "-bob");
      }
    }
  };

  @BeforeAll
  static void start() {
    Browser.assumeInstalled();
    store = TestServer.newStore();
    TestCluster cluster = new TestCluster(2);
    a = cluster.start(0, store);
    b = cluster.start(1, store, "gateway");
    alice = new Browser("http://127.0.0.1:" + a.httpPort() + "/?ringMs=" + RING_MS);
    bob = new Browser("http://127.0.0.1:" + b.httpPort() + "/");
    alice.register("Alice");
    bob.register("Bob");
    User caller = new User(alice.uid(), alice.token(), null, "Alice");
    Http.Response chat = a.http().createPrivate(caller, bob.uid());
    assertTrue(chat.status() == 200 || chat.status() == 201, chat.text());
    alice.open("Bob");
    bob.open("Alice");
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {alice, bob, b, a, store}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // keep closing the rest
      }
    }
  }

  private static Object phase(Browser browser) {
    return browser.js("return window.palaver.call.phase");
  }

  private static long bytesReceived(Browser browser) {
    return ((Number) browser.js("return window.palaver.call.bytesReceived()")).longValue();
  }

  private static void waitForNoCall(Browser browser) {
    browser.until(d -> phase(browser) == null ? true : null);
    browser.until(d -> d.findElement(By.id("call")).isDisplayed() ? null : true);
  }

  @Test
  @Order(1)
  @DisplayName("A video call from Alice's private chat rings Bob on the other node; once he accepts, media flows both ways and her hang-up ends it on both sides")
  void videoCallConnects() {
    alice.driver().findElement(By.id("chat-call-video")).click();
    bob.waitFor(By.id("call-accept"));
    assertEquals("Incoming call (video)", bob.driver().findElement(By.id("call-status")).getText());
    assertEquals("Alice", bob.driver().findElement(By.id("call-name")).getText());
    assertEquals("ringing", phase(alice));
    bob.driver().findElement(By.id("call-accept")).click();

    alice.until(d -> "active".equals(phase(alice)) ? true : null);
    bob.until(d -> "active".equals(phase(bob)) ? true : null);
    bob.until(d -> bytesReceived(bob) > 0 ? true : null);
    alice.until(d -> bytesReceived(alice) > 0 ? true : null);
    // The fake camera's picture, decoded on Bob's side.
    bob.until(d -> ((Number) bob.js("return document.getElementById('call-remote').videoWidth")).intValue() > 0 ? true : null);
    bob.screenshot("call-01-video");

    alice.driver().findElement(By.id("call-hangup")).click();
    waitForNoCall(alice);
    waitForNoCall(bob);
  }

  @Test
  @Order(2)
  @DisplayName("A voice call Bob declines ends on Alice's side with 'Call declined'")
  void declinedCallEnds() {
    alice.driver().findElement(By.id("chat-call-voice")).click();
    bob.waitFor(By.id("call-decline"));
    assertEquals("Incoming call (voice)", bob.driver().findElement(By.id("call-status")).getText());
    bob.driver().findElement(By.id("call-decline")).click();
    waitForNoCall(bob);
    waitForNoCall(alice);
    alice.until(d -> d.findElement(By.id("toasts")).getText().contains("Call declined.") ? true : null);
  }

  @Test
  @Order(3)
  @DisplayName("A call nobody answers stops ringing on both sides after the caller's ring timeout")
  void unansweredCallTimesOut() {
    alice.driver().findElement(By.id("chat-call-voice")).click();
    bob.waitFor(By.id("call-accept"));
    long rang = System.currentTimeMillis();
    waitForNoCall(alice);
    assertTrue(System.currentTimeMillis() - rang >= RING_MS - 1000, "stopped ringing before the timeout");
    waitForNoCall(bob);
    bob.until(Duration.ofSeconds(5), d -> d.findElement(By.id("toasts")).getText().contains("Missed call.") ? true : null);
  }

  @Test
  @Order(4)
  @DisplayName("A ring from someone else while Bob is in a call is answered busy by Bob's page, which keeps its call")
  void busyWhileInACall() {
    alice.driver().findElement(By.id("chat-call-voice")).click();
    bob.waitFor(By.id("call-accept")).click();
    bob.until(d -> "active".equals(phase(bob)) ? true : null);
    User carol = a.http().newUser("Carol");
    Http.Response chat = a.http().createPrivate(carol, bob.uid());
    assertTrue(chat.status() == 200 || chat.status() == 201, chat.text());
    String sid = chat.json().getString("sid");
    try (WsClient carolSocket = a.ws(carol)) {
      carolSocket.send(new JsonObject().put("type", "call").put("sid", sid).put("callId", "carol-1").put("signal", "ring"));
      JsonObject busy = carolSocket.next(f -> "call".equals(f.getString("type")) && "carol-1".equals(f.getString("callId")));
      assertEquals("busy", busy.getString("signal"));
      assertEquals(bob.uid(), busy.getString("from"));
    }
    assertEquals("active", phase(bob));
    alice.driver().findElement(By.id("call-hangup")).click();
    waitForNoCall(bob);
  }
}
