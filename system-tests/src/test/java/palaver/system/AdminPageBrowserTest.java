package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import palaver.api.CloseCode;
import palaver.system.Http.User;

/** The web client's admin page (admin.js) in a real headless Chromium against a standalone node. */
@DisplayName("The web client's admin page in Chromium")
class AdminPageBrowserTest {
  private static TestServer server;
  private static Browser browser;
  /** Registered first on this server: the admin. */
  private static User admin;

  @BeforeAll
  static void start() {
    Browser.assumeInstalled();
    server = TestServer.standalone();
    admin = server.http().newUser("Admin");
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

  private static void logIn(User who) {
    browser.openFresh();
    WebElement form = browser.driver().findElement(By.id("login-form"));
    form.findElement(By.name("login")).sendKeys(who.login());
    form.findElement(By.name("password")).sendKeys("plover-kettle-41");
    form.findElement(By.cssSelector("button[type=submit]")).click();
    browser.waitFor(By.id("app-view"));
    browser.until(d -> who.nickname().equals(d.findElement(By.id("me-name")).getText()));
  }

  @Test
  @DisplayName("An admin deactivates a user from the admin page: the user's live socket closes with 4401 and the row says deactivated")
  void adminDeactivatesFromPage() {
    User victim = server.http().newUser("Victim");
    WsClient victimSocket = server.ws(victim);
    logIn(admin);
    browser.waitFor(By.id("admin-button")).click();
    By row = By.cssSelector("#admin-users li[data-uid='" + victim.uid() + "']");
    browser.waitFor(row).findElement(By.cssSelector("button[data-action=deactivate]")).click();
    assertEquals(CloseCode.UNAUTHENTICATED.code(), victimSocket.awaitClose());
    browser.until(d -> d.findElement(row).getText().contains("deactivated"));
    browser.screenshot("admin-page");
    assertEquals(403, server.http().post("/auth/login", null, new io.vertx.core.json.JsonObject()
        .put("login", victim.login()).put("password", "plover-kettle-41")).status());
  }

  @Test
  @DisplayName("A user who is not an admin sees no Admin button")
  void nonAdminSeesNoEntry() {
    browser.register("Plain");
    assertFalse(browser.driver().findElement(By.id("admin-button")).isDisplayed());
  }

  @Test
  @DisplayName("A user deletes their own account from the profile dialog with their password and is back at the login form")
  void selfDeletionFromProfile() {
    String login = browser.register("Quitter");
    browser.waitFor(By.id("me-button")).click();
    WebElement form = browser.waitFor(By.id("delete-account"));
    form.findElement(By.name("delete-password")).sendKeys("plover-kettle-41");
    browser.js("window.confirm = () => true");
    form.findElement(By.cssSelector("button[type=submit]")).click();
    browser.until(d -> d.findElement(By.id("login-form")).isDisplayed());
    // The socket closes (4401) as the deletion starts; the account record goes last: 403 deactivated until then.
    palaver.testing.Await.until("account deleted", 20_000, () -> server.http().post("/auth/login", null,
        new io.vertx.core.json.JsonObject().put("login", login).put("password", "plover-kettle-41")).status() == 401);
  }
}
