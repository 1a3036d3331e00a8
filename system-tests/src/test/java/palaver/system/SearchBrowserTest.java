package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** Message search in the web client (search.js), in a real headless Chromium. */
@DisplayName("Message search in the web client in Chromium")
class SearchBrowserTest {
  private static TestServer server;
  private static Http http;
  private static Browser browser;

  @BeforeAll
  static void start() {
    Browser.assumeInstalled();
    server = TestServer.standalone();
    http = server.http();
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

  @Test
  @DisplayName("A hit shows its conversation, sender and time, with the searched word marked")
  void hitShown() {
    browser.register("Seeker");
    browser.createGroup("Harbour crew");
    browser.send("Lunch at the harbour at noon?");
    browser.send("unrelated words");
    browser.waitForText("unrelated words");
    List<WebElement> hits = search("HARBOUR");
    assertEquals(1, hits.size());
    String text = hits.get(0).getText();
    assertTrue(text.contains("Harbour crew"), text);
    assertTrue(text.contains("Seeker"), text);
    assertTrue(text.contains("Lunch at the harbour at noon?"), text);
    assertEquals("harbour", hits.get(0).findElement(By.tagName("mark")).getText());
    browser.screenshot("search-results");
  }

  @Test
  @DisplayName("Clicking a hit opens its conversation at that message, loading older history to reach it")
  void clickJumps() {
    browser.register("Jumper");
    browser.createGroup("Old talk");
    String sid = browser.sid("Old talk");
    String token = browser.token();
    post(sid, token, "the lighthouse keeper waves");
    for (int i = 0; i < 70; i++) {
      post(sid, token, "filler " + i);
    }
    // After a reload nothing of the conversation is loaded: the jump has to page back to seq 1.
    browser.reload();
    browser.session("Old talk");
    List<WebElement> hits = search("lighthouse");
    assertEquals(1, hits.size());
    String seq = hits.get(0).getAttribute("data-seq");
    hits.get(0).findElement(By.tagName("button")).click();
    browser.until(d -> d.findElement(By.id("chat-name")).getText().equals("Old talk"));
    WebElement target = browser.waitFor(By.cssSelector("#message-list [data-seq='" + seq + "']"));
    assertTrue(target.getText().contains("the lighthouse keeper waves"));
    boolean inView = (Boolean) browser.js("const r = arguments[0].getBoundingClientRect();"
        + " const box = document.getElementById('messages').getBoundingClientRect();"
        + " return r.bottom > box.top && r.top < box.bottom;", target);
    assertTrue(inView, "the message is scrolled into view");
  }

  @Test
  @DisplayName("A query of regex characters only gets the server's explanation, not every message")
  void metacharactersExplained() {
    browser.register("Regexer");
    browser.createGroup("Patterns");
    browser.send("anything at all");
    browser.waitForText("anything at all");
    openPanel().sendKeys(".*", Keys.ENTER);
    browser.until(d -> d.findElement(By.cssSelector("#dialog-body .error")).getText().contains("word"));
    assertTrue(browser.driver().findElements(By.cssSelector("#search-results .search-hit")).isEmpty());
  }

  // ---- helpers ----

  private static WebElement openPanel() {
    browser.js("document.getElementById('dialog').open && document.getElementById('dialog').close()");
    browser.driver().findElement(By.id("search-messages")).click();
    return browser.waitFor(By.id("search-input"));
  }

  /** Searches through the panel and answers its hits once they are shown. */
  private static List<WebElement> search(String q) {
    openPanel().sendKeys(q, Keys.ENTER);
    return browser.until(d -> {
      List<WebElement> hits = d.findElements(By.cssSelector("#search-results .search-hit"));
      return hits.isEmpty() ? null : hits;
    });
  }

  private static void post(String sid, String token, String text) {
    Http.Response r = http.post("/sessions/" + sid + "/messages", token, new JsonObject()
        .put("cid", "c-" + System.nanoTime()).put("msgType", "text").put("content", text));
    assertEquals(200, r.status(), r.text());
  }
}
