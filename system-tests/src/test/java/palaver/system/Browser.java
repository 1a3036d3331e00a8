package palaver.system;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.remote.RemoteWebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian Chromium driven through {@code /usr/bin/chromedriver}, with
 * the page helpers the web-client tests share. The driver process is started
 * here and the session opened with {@link RemoteWebDriver}, so Selenium
 * Manager never runs and nothing is downloaded.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger USERS = new AtomicInteger();

  private final ChromeDriverService service;
  private final RemoteWebDriver driver;
  private final Path profile;
  private final String homeUrl;
  private String baseUrl;

  /** Skips the calling test class when Chromium or chromedriver is not installed. */
  static void assumeInstalled() {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Browser tests skipped: " + CHROMIUM + " or " + CHROMEDRIVER
            + " is missing (apt-get install -y chromium chromium-driver; CI installs them)");
  }

  Browser(String baseUrl) {
    this.homeUrl = baseUrl;
    this.baseUrl = baseUrl;
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    try {
      profile = Files.createTempDirectory("palaver-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    try {
      service.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1280,820", "--user-data-dir=" + profile,
        // A synthetic microphone, allowed without a prompt, for voice messages.
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream");
    // The page's console, saved next to the screenshots when a test fails.
    options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
    driver = new RemoteWebDriver(service.getUrl(), options);
    driver.manage().window().setSize(new Dimension(1280, 820));
  }

  WebDriver driver() {
    return driver;
  }

  /** Where {@link #openFresh} (and so {@link #register}) goes from now on, e.g. through a proxy. */
  void useUrl(String url) {
    baseUrl = url;
  }

  /** Back to the test node's own address. */
  void useHomeUrl() {
    baseUrl = homeUrl;
  }

  /** A fresh start on the login screen: nothing remembered from an earlier test. */
  void openFresh() {
    driver.get(baseUrl);
    js("localStorage.clear(); sessionStorage.clear()");
    driver.get(baseUrl);
    waitFor(By.id("login-form"));
  }

  void reload() {
    driver.navigate().refresh();
  }

  /** Registers a new user through the form; returns the login (an email). */
  String register(String nickname) {
    openFresh();
    driver.findElement(By.id("tab-register")).click();
    String login = nickname.toLowerCase().replaceAll("[^a-z0-9]", "") + "-" + System.nanoTime() + "-"
        + USERS.incrementAndGet() + "@web.palaver";
    WebElement form = driver.findElement(By.id("register-form"));
    form.findElement(By.name("login")).sendKeys(login);
    form.findElement(By.name("nickname")).sendKeys(nickname);
    form.findElement(By.name("password")).sendKeys("plover-kettle-41");
    form.findElement(By.cssSelector("button[type=submit]")).click();
    waitFor(By.id("app-view"));
    until(d -> nickname.equals(d.findElement(By.id("me-name")).getText()));
    return login;
  }

  /** The token the page holds (for REST set-up steps the UI offers no way to do on this server). */
  String token() {
    return (String) js("return JSON.parse(sessionStorage.getItem('palaver.auth')).token");
  }

  String uid() {
    return (String) js("return JSON.parse(sessionStorage.getItem('palaver.auth')).uid");
  }

  void createGroup(String name) {
    driver.findElement(By.id("new-group")).click();
    WebElement dialog = waitFor(By.id("dialog"));
    dialog.findElement(By.name("name")).sendKeys(name);
    dialog.findElement(By.cssSelector("button[type=submit]")).click();
    until(d -> name.equals(d.findElement(By.id("chat-name")).getText()));
  }

  /** The sidebar entry of a conversation, by its title. */
  WebElement session(String title) {
    return until(d -> findSession(title));
  }

  private WebElement findSession(String title) {
    return driver.findElements(By.cssSelector("#session-list li.session")).stream()
        .filter(li -> li.findElement(By.className("session-name")).getText().endsWith(title))
        .findFirst().orElse(null);
  }

  String sid(String title) {
    return until(d -> {
      WebElement li = findSession(title);
      return li == null ? null : li.getAttribute("data-sid");
    });
  }

  /** Opens a conversation; the list re-renders often, so finding and clicking is one retried step. */
  void open(String title) {
    until(d -> {
      WebElement li = findSession(title);
      if (li == null) {
        return null;
      }
      li.click();
      return true;
    });
    until(d -> d.findElement(By.id("chat-name")).getText().equals(title));
  }

  /** The unread badge of a conversation ("" when none). */
  String badge(String title) {
    return until(d -> {
      WebElement li = findSession(title);
      if (li == null) {
        return null;
      }
      List<WebElement> badges = li.findElements(By.className("badge"));
      return badges.isEmpty() ? "" : badges.get(0).getText();
    });
  }

  /** Types a message (a newline as Shift+Enter, as a person would) and sends it with Enter. */
  void send(String text) {
    type(text);
    driver.findElement(By.id("message-input")).sendKeys(Keys.ENTER);
  }

  /** Types into the message input without sending. */
  void type(String text) {
    WebElement input = driver.findElement(By.id("message-input"));
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        input.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
      }
      typeLine(input, lines[i]);
    }
  }

  /**
   * chromedriver types only characters of the Basic Multilingual Plane ("ChromeDriver only supports
   * characters in the BMP" since Chromium ~120); emoji such as 👋 are inserted at the caret by script, with
   * the input event a keyboard's insertion fires, and everything else is typed.
   */
  private void typeLine(WebElement input, String line) {
    StringBuilder run = new StringBuilder();
    line.codePoints().forEach(c -> {
      if (Character.isBmpCodePoint(c)) {
        run.appendCodePoint(c);
        return;
      }
      if (run.length() > 0) {
        input.sendKeys(run.toString());
        run.setLength(0);
      }
      js("const el = arguments[0], text = arguments[1];"
          + "el.setRangeText(text, el.selectionStart, el.selectionEnd, 'end');"
          + "el.dispatchEvent(new InputEvent('input', {bubbles: true, data: text, inputType: 'insertText'}));",
          input, new String(Character.toChars(c)));
    });
    if (run.length() > 0) {
      input.sendKeys(run.toString());
    }
  }

  /** Texts of the stored (acknowledged or received) messages of the open chat, in order. */
  List<String> texts() {
    return driver.findElements(By.cssSelector("#message-list .msg .text")).stream().map(WebElement::getText).toList();
  }

  void waitForText(String text) {
    until(d -> texts().contains(text));
  }

  long count(String text) {
    return texts().stream().filter(text::equals).count();
  }

  WebElement waitFor(By by) {
    return until(d -> {
      List<WebElement> found = d.findElements(by);
      return !found.isEmpty() && found.get(0).isDisplayed() ? found.get(0) : null;
    });
  }

  <T> T until(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition::apply);
  }

  <T> T until(Duration timeout, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition::apply);
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Runs an async script: it finishes by calling {@code arguments[arguments.length - 1]} with its result. */
  Object jsAsync(Duration timeout, String script, Object... args) {
    driver.manage().timeouts().scriptTimeout(timeout);
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /** Saves a PNG under target/screenshots/. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
      Files.write(file, png);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** On failure: a screenshot, the page's console and its visible text, for the CI log. */
  void saveEvidence(String name) {
    try {
      screenshot(name);
      StringBuilder log = new StringBuilder();
      driver.manage().logs().get("browser").forEach(e -> log.append(e).append('\n'));
      log.append("\n--- page text ---\n").append(driver.findElement(By.tagName("body")).getText());
      Files.writeString(SCREENSHOTS.resolve(name + ".log"), log);
    } catch (RuntimeException | IOException e) {
      // evidence is best effort; the test failure itself is what matters
    }
  }

  static final int PHONE_WIDTH = 360;

  /** A 360×740 phone viewport (the narrowest the layout promises to fit). */
  void phone() {
    resize(PHONE_WIDTH, 740);
    until(d -> ((Number) js("return window.innerWidth")).intValue() == PHONE_WIDTH ? true : null);
  }

  /** Back to the desktop size the browser starts with. */
  void desktop() {
    resize(1280, 820);
  }

  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      deleteQuietly(profile);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException ignored) {
      // a temp dir left behind is harmless
    }
  }
}
