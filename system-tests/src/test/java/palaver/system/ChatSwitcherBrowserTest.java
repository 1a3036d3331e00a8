package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The chat switcher (switcher.js) in a real headless Chromium: one user with
 * three groups; Ctrl+K is pressed where a person would have the focus, in
 * the message input.
 */
@DisplayName("Ctrl+K jumps to a chat in the web client in Chromium")
class ChatSwitcherBrowserTest {
  private static final By SWITCHER = By.id("switcher");
  private static final By OPTIONS = By.cssSelector("#switcher-list li.switcher-option");
  private static TestServer server;
  private static Browser browser;

  @RegisterExtension
  final TestWatcher evidence = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (browser != null) {
        browser.saveEvidence("FAILED-switcher-" + context.getRequiredTestMethod().getName());
      }
    }
  };

  @BeforeAll
  static void start() {
    Browser.assumeInstalled();
    server = TestServer.standalone();
    browser = new Browser("http://127.0.0.1:" + server.httpPort() + "/");
    browser.register("Switcher");
    browser.createGroup("Alpha team");
    browser.createGroup("Beta crew");
    browser.createGroup("Gamma house");
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

  /** Each test starts in Gamma house with the switcher closed and a half-written message in the input. */
  @BeforeEach
  void inGammaHouse() {
    browser.js("const d = document.getElementById('switcher'); if (d.open) d.close();");
    browser.open("Gamma house");
    WebElement input = browser.driver().findElement(By.id("message-input"));
    input.clear();
    browser.type("half a thought");
  }

  private static boolean switcherOpen() {
    return Boolean.TRUE.equals(browser.js("return document.getElementById('switcher').open"));
  }

  private static List<String> listed() {
    return browser.driver().findElements(OPTIONS).stream()
        .map(li -> li.findElement(By.className("switcher-name")).getText()).toList();
  }

  /** Ctrl+K typed into the message input, where the focus is. */
  private static void pressCtrlK() {
    browser.driver().findElement(By.id("message-input")).sendKeys(Keys.chord(Keys.CONTROL, "k"));
    browser.until(d -> switcherOpen() ? true : null);
  }

  private static WebElement filter() {
    return browser.driver().findElement(By.id("switcher-filter"));
  }

  @Test
  @DisplayName("Ctrl+K while typing a message opens the switcher over every chat, its filter box focused, the message kept")
  void ctrlKOpensFromComposer() {
    pressCtrlK();
    browser.until(d -> listed().size() == 3 ? true : null);
    assertEquals(List.of("Alpha team", "Beta crew", "Gamma house"), listed().stream().sorted().toList());
    assertEquals("switcher-filter", browser.js("return document.activeElement.id"));
    assertEquals("half a thought", browser.js("return document.getElementById('message-input').value"),
        "the k went to the switcher, not into the message");
    browser.screenshot("chat-switcher");
  }

  @Test
  @DisplayName("The first choice is never the chat already open, so Ctrl+K then Enter jumps to another")
  void firstChoiceIsAnotherChat() {
    pressCtrlK();
    browser.until(d -> listed().size() == 3 ? true : null);
    String first = chosen();
    assertNotEquals("Gamma house", first);
    filter().sendKeys(Keys.ENTER);
    browser.until(d -> first.equals(d.findElement(By.id("chat-name")).getText()) ? true : null);
  }

  @Test
  @DisplayName("Typing filters the chats and Enter opens the one left")
  void typingFiltersEnterOpens() {
    pressCtrlK();
    filter().sendKeys("bet");
    browser.until(d -> listed().equals(List.of("Beta crew")) ? true : null);
    filter().sendKeys(Keys.ENTER);
    browser.until(d -> "Beta crew".equals(d.findElement(By.id("chat-name")).getText()) ? true : null);
    assertFalse(switcherOpen(), "the switcher closes when a chat is opened");
    assertEquals("message-input", browser.js("return document.activeElement.id"), "ready to write in the chat opened");
  }

  @Test
  @DisplayName("The arrow keys move the choice and Enter opens the chosen chat")
  void arrowsChoose() {
    pressCtrlK();
    filter().sendKeys("a"); // in all three names
    browser.until(d -> listed().size() == 3 ? true : null);
    String first = chosen();
    filter().sendKeys(Keys.ARROW_DOWN);
    String second = browser.until(d -> first.equals(chosen()) ? null : chosen());
    assertNotEquals(first, second);
    filter().sendKeys(Keys.ARROW_UP);
    browser.until(d -> first.equals(chosen()) ? true : null);
    filter().sendKeys(Keys.ARROW_DOWN, Keys.ENTER);
    browser.until(d -> second.equals(d.findElement(By.id("chat-name")).getText()) ? true : null);
  }

  @Test
  @DisplayName("Escape closes the switcher and the open chat stays")
  void escapeCloses() {
    pressCtrlK();
    filter().sendKeys("alp");
    browser.until(d -> listed().equals(List.of("Alpha team")) ? true : null);
    filter().sendKeys(Keys.ESCAPE);
    browser.until(d -> switcherOpen() ? null : true);
    assertEquals("Gamma house", browser.driver().findElement(By.id("chat-name")).getText());
    assertFalse(browser.driver().findElement(SWITCHER).isDisplayed());
  }

  private static String chosen() {
    return browser.driver().findElement(By.cssSelector("#switcher-list li.chosen .switcher-name")).getText();
  }
}
