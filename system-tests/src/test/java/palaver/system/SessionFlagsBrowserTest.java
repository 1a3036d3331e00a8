package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Mute, archive and pinned messages in the web client (pins.js, sidebar.js), in a real headless Chromium. */
@DisplayName("Mute, archive and pins in the web client in Chromium")
class SessionFlagsBrowserTest {
  private static TestServer server;
  private static Browser browser;

  @BeforeAll
  static void start() {
    Browser.assumeInstalled();
    server = TestServer.standalone();
    browser = new Browser("http://127.0.0.1:" + server.httpPort() + "/");
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** The toggles show on hover; a script click is what a mouse would do without the hover step. */
  private static void click(WebElement element) {
    browser.js("arguments[0].click()", element);
  }

  @Test
  @DisplayName("The owner pins a message from its bubble; the bar counts it and its list shows the message")
  void pinFromBubble() {
    browser.register("Pinner");
    browser.createGroup("Pins room");
    browser.send("pin me please");
    browser.waitForText("pin me please");
    WebElement toggle = browser.until(d -> d.findElements(By.cssSelector("#message-list .pin-toggle")).stream()
        .reduce((first, last) -> last).orElse(null));
    click(toggle);
    browser.until(d -> d.findElement(By.id("pin-bar")).getText().contains("1 pinned message"));
    assertEquals("true", browser.driver().findElement(By.cssSelector("#message-list .pin-toggle")).getAttribute("aria-pressed"));
    browser.driver().findElement(By.cssSelector("#pin-bar .pin-open")).click();
    browser.until(d -> d.findElement(By.id("pin-list")).getText().contains("pin me please"));
    browser.screenshot("pinned-messages");
  }

  @Test
  @DisplayName("Muting marks the conversation in the list and the header, and survives a reload")
  void muteShows() {
    browser.register("Muter");
    browser.createGroup("Noisy room");
    click(browser.waitFor(By.id("chat-mute")));
    browser.until(d -> "true".equals(d.findElement(By.id("chat-mute")).getAttribute("aria-pressed")));
    browser.until(d -> browser.session("Noisy room").getAttribute("class").contains("muted"));
    browser.reload();
    browser.until(d -> browser.session("Noisy room").getAttribute("class").contains("muted"));
  }

  @Test
  @DisplayName("An archived conversation leaves the list, is found under Archived, and stays archived after a reload")
  void archiveHides() {
    browser.register("Archiver");
    browser.createGroup("Old room");
    browser.createGroup("Current room");
    browser.open("Old room");
    click(browser.waitFor(By.id("chat-archive")));
    By oldRoom = By.cssSelector("#session-list li[aria-label^='Old room']");
    browser.until(d -> d.findElements(oldRoom).isEmpty());
    WebElement toggle = browser.waitFor(By.id("show-archived"));
    browser.until(d -> toggle.getText().equals("Archived (1)"));
    toggle.click();
    browser.until(d -> !d.findElements(oldRoom).isEmpty());
    browser.reload();
    browser.until(d -> d.findElement(By.id("show-archived")).getText().equals("Archived (1)"));
    assertTrue(browser.driver().findElements(oldRoom).isEmpty(), "still out of the main list after a reload");
  }
}
