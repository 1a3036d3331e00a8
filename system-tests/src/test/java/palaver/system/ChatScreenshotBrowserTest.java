package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The README's screenshot (docs/screenshot-chat.png): a group chat built through the real server by three
 * people, shown in Maya's Chromium at 1280×960 with a reply and its quote, reactions, an edited message, a
 * deleted one, a pin, an image and a mention of her, and an "@1" badge on another group in the sidebar.
 * Jonas and Priya act over REST; Maya registers in the page and her own messages go over REST with her
 * token. The test checks every one of those is on the page before it saves {@code target/screenshots/chat.png}.
 */
@DisplayName("The web client in Chromium: the README's chat screenshot")
class ChatScreenshotBrowserTest {
  private static TestServer server;
  private static Browser maya;

  @RegisterExtension
  final TestWatcher evidence = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (maya != null) {
        maya.saveEvidence("FAILED-chat-screenshot");
      }
    }
  };

  @BeforeAll
  static void start() {
    Browser.assumeInstalled();
    server = TestServer.standalone();
    maya = new Browser("http://127.0.0.1:" + server.httpPort() + "/");
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {maya, server}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // keep closing the rest
      }
    }
  }

  @Test
  @DisplayName("A group chat with a reply, reactions, an edit, a deletion, a pin, an image and a mention shows them all")
  void chatWithEveryFeature() {
    Http http = server.http();
    Http.User jonas = http.newUser("Jonas");
    Http.User priya = http.newUser("Priya");
    maya.register("Maya"); // not the server's first user, so not its admin: no Admin button in the picture
    Http.User me = new Http.User(maya.uid(), maya.token(), null, "Maya");

    // Older conversations first, so the sidebar lists them below the trip (most recent activity first).
    String bookClub = http.newGroup(priya, "Book club", me, jonas);
    send(priya, bookClub, "Next month: The Left Hand of Darkness?", null, null);
    send(me, bookClub, "Yes! I've wanted to read it for ages", null, null);
    String privateChat = http.createPrivate(jonas, me.uid()).json().getString("sid");
    send(jonas, privateChat, "Thanks for the ride yesterday!", null, null);

    String trip = http.newGroup(jonas, "Cabin weekend", priya, me);
    long booked = send(jonas, trip, "The cabin at Lake Tahoma is booked, Friday to Sunday!\n"
        + "Check-in from 4 pm, key code 2719.", null, null);
    pin(jonas, trip, booked);
    react(priya, trip, booked, "🎉");
    react(me, trip, booked, "🎉");
    react(priya, trip, booked, "👍");
    long view = sendImage(priya, trip, "lake-view.png", lakePicture());
    react(me, trip, view, "❤️");
    react(jonas, trip, view, "❤️");
    react(jonas, trip, view, "🤩");
    long driving = send(jonas, trip, "Who's driving? I can take two people and the food", null, null);
    edit(jonas, trip, driving, "Who's driving? I can take three people and the food");
    long oops = send(priya, trip, "I can't make it on Friday", null, null);
    delete(priya, trip, oops);
    send(me, trip, "I can drive too, leaving around 5 from the office", driving, null);
    long groceries = send(jonas, trip, "@Maya perfect! Can you grab the groceries?",
        null, new JsonArray().add(me.uid()));
    react(priya, trip, groceries, "👍");

    // The @ badge: a mention of Maya in another group, which she has not opened.
    String design = http.newGroup(priya, "Design team", me);
    send(priya, design, "@Maya could you review the new onboarding flow before Thursday?", null,
        new JsonArray().add(me.uid()));

    maya.reload();
    viewport(1280, 960);
    maya.open("Cabin weekend");
    maya.waitForText("@Maya perfect! Can you grab the groceries?");

    assertShows(".reply-quote", "Who's driving? I can take three people and the food");
    assertShows(".reaction", "🎉 2");
    assertShows(".reaction", "❤️ 2");
    assertShows(".reaction", "🤩 1");
    assertShows(".reaction", "👍 1");
    assertShows(".edited", "edited");
    assertShows(".text.deleted", "Message deleted");
    WebElement mention = maya.waitFor(By.cssSelector("#message-list .msg.mentions-me .mention.mention-me"));
    assertEquals("@Maya", mention.getText());
    maya.until(d -> d.findElement(By.id("pin-bar")).getText().contains("1 pinned message"));
    maya.until(d -> d.findElements(By.cssSelector("#message-list img.thumb")).stream()
        .anyMatch(i -> ((Number) maya.js("return arguments[0].complete ? arguments[0].naturalWidth : 0", i)).intValue() > 0)
        ? true : null);
    maya.until(d -> mentionBadge("Design team").equals("@1"));
    assertEquals("", mentionBadge("Book club"));
    assertEquals(List.of("The cabin at Lake Tahoma is booked, Friday to Sunday!\nCheck-in from 4 pm, key code 2719.",
        "Who's driving? I can take three people and the food",
        "Message deleted", "I can drive too, leaving around 5 from the office",
        "@Maya perfect! Can you grab the groceries?"), maya.texts());

    // The newest message at the bottom, nothing hovered or focused, as a person would look at it.
    maya.js("document.activeElement && document.activeElement.blur();"
        + " const box = document.getElementById('messages'); box.scrollTop = box.scrollHeight");
    Path shot = maya.screenshot("chat");
    assertTrue(shot.toFile().length() > 0);
  }

  private static long send(Http.User who, String sid, String text, Long replyTo, JsonArray mentions) {
    JsonObject body = new JsonObject().put("cid", "c-" + System.nanoTime()).put("msgType", "text").put("content", text);
    if (replyTo != null) {
      body.put("replyTo", replyTo);
    }
    if (mentions != null) {
      body.put("mentions", mentions);
    }
    return server.http().post("/sessions/" + sid + "/messages", who.token(), body).seq();
  }

  private static long sendImage(Http.User who, String sid, String name, byte[] png) {
    Http.Response up = server.http().upload(who.token(), name, png, "image/png");
    assertEquals(201, up.status(), up.text());
    return server.http().post("/sessions/" + sid + "/messages", who.token(), new JsonObject().put("cid", "c-" + System.nanoTime())
        .put("msgType", "image").put("fileId", up.json().getString("fileId"))).seq();
  }

  private static void react(Http.User who, String sid, long seq, String emoji) {
    ok(server.http().put("/sessions/" + sid + "/messages/" + seq + "/reactions/"
        + URLEncoder.encode(emoji, StandardCharsets.UTF_8), who.token(), null));
  }

  private static void edit(Http.User who, String sid, long seq, String text) {
    ok(server.http().patch("/sessions/" + sid + "/messages/" + seq, who.token(), new JsonObject().put("content", text)));
  }

  private static void delete(Http.User who, String sid, long seq) {
    ok(server.http().delete("/sessions/" + sid + "/messages/" + seq, who.token()));
  }

  private static void pin(Http.User who, String sid, long seq) {
    ok(server.http().put("/sessions/" + sid + "/pins/" + seq, who.token(), null));
  }

  private static void ok(Http.Response answer) {
    assertEquals(200, answer.status(), answer.text());
  }

  private static void assertShows(String css, String text) {
    maya.until(d -> d.findElements(By.cssSelector("#message-list " + css)).stream()
        .anyMatch(e -> e.getText().contains(text)) ? true : null);
  }

  private static String mentionBadge(String title) {
    List<WebElement> badges = maya.session(title).findElements(By.className("mention-badge"));
    return badges.isEmpty() ? "" : badges.get(0).getText();
  }

  /** Sizes the window so the page itself (what the screenshot holds) is width × height. */
  private static void viewport(int width, int height) {
    maya.resize(width, height);
    for (int i = 0; i < 3; i++) {
      int w = ((Number) maya.js("return window.innerWidth")).intValue();
      int h = ((Number) maya.js("return window.innerHeight")).intValue();
      if (w == width && h == height) {
        return;
      }
      org.openqa.selenium.Dimension now = maya.driver().manage().window().getSize();
      maya.resize(now.getWidth() + width - w, now.getHeight() + height - h);
    }
    assertEquals(height, ((Number) maya.js("return window.innerHeight")).intValue(), "viewport height");
  }

  /** A lake at dusk below pine-covered hills, a 1280×560 panorama, drawn here so the test needs no picture file. */
  private static byte[] lakePicture() {
    int w = 1280;
    int h = 720;
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    int horizon = 430;
    g.setPaint(new GradientPaint(0, 0, new Color(0x2c3e75), 0, horizon, new Color(0xf6a66b)));
    g.fillRect(0, 0, w, horizon);
    g.setColor(new Color(0xffe2a8));
    g.fillOval(820, 250, 130, 130);
    g.setColor(new Color(0x6b5a8a));
    g.fillPolygon(new Polygon(new int[] {0, 180, 380, 560, 760, 980, 1150, 1280, 1280, 0},
        new int[] {330, 240, 300, 200, 290, 220, 280, 250, horizon, horizon}, 10));
    g.setColor(new Color(0x3a4d5c));
    g.fillPolygon(new Polygon(new int[] {0, 240, 470, 700, 940, 1280, 1280, 0},
        new int[] {380, 320, 370, 330, 380, 340, horizon, horizon}, 8));
    g.setPaint(new GradientPaint(0, horizon, new Color(0xd98f6a), 0, h, new Color(0x1f3050)));
    g.fillRect(0, horizon, w, h - horizon);
    g.setColor(new Color(255, 226, 168, 110));
    g.setStroke(new BasicStroke(4));
    for (int y = horizon + 20, i = 0; y < h; y += 26, i++) {
      int half = 70 - i * 3;
      g.drawLine(885 - half, y, 885 + half, y);
    }
    g.setColor(new Color(0x16232b));
    for (int x = -20; x < w; x += 46) {
      int top = 300 + (int) (40 * Math.sin(x / 90.0)) + (x % 3) * 12;
      if (x > 560 && x < 1050) {
        continue; // the view opens onto the lake
      }
      g.fillPolygon(new Polygon(new int[] {x, x + 28, x + 56}, new int[] {horizon + 30, top, horizon + 30}, 3));
    }
    g.fillRect(0, horizon + 24, 560, 14);
    g.fillRect(1050, horizon + 24, 230, 14);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image.getSubimage(0, 120, w, 560), "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
