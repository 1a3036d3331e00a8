package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Mentions in the web client, two people in two Chromiums: '@' offers the group's members, the picked
 * one is sent by uid, and the mentioned user, who muted the group, sees the "@1" badge, a notification,
 * and the mention highlighted as theirs.
 */
@DisplayName("The web client in Chromium: @ mentions")
class MentionsBrowserTest extends TwoBrowserTest {
  /** The options of the composer's @ list, as shown ("@Bob"). */
  private static List<String> options(Browser who) {
    return who.driver().findElements(By.cssSelector("#mention-list .mention-option .mention-name")).stream()
        .map(WebElement::getText).toList();
  }

  /** The mention badge of a conversation in the sidebar ("" when none). */
  private static String mentionBadge(Browser who, String title) {
    List<WebElement> badges = who.session(title).findElements(By.className("mention-badge"));
    return badges.isEmpty() ? "" : badges.get(0).getText();
  }

  /** Bob in Alice's group, which he muted, looking at a chat of his own (so the group is not read). */
  private static String bobInMutedGroup(String group) {
    alice.register("Alice");
    alice.createGroup(group);
    String sid = alice.sid(group);
    bob.register("Bob");
    Http.User bobUser = new Http.User(bob.uid(), bob.token(), null, "Bob");
    server.http().join(bobUser, sid);
    assertEquals(200, server.http().patch("/sessions/" + sid + "/preferences", bob.token(),
        new JsonObject().put("muted", true)).status());
    bob.createGroup("Bobs desk");
    bob.until(d -> bob.session(group).getAttribute("class").contains("muted"));
    return sid;
  }

  @Test
  @DisplayName("Alice types @, picks Bob, sends; Bob, who muted the group, sees @1, a notification, and the mention highlighted")
  void pickMentionAndSee() {
    bobInMutedGroup("Mention room");
    WebElement input = alice.driver().findElement(By.id("message-input"));
    alice.type("lunch? @Bo");
    alice.until(d -> options(alice).contains("@Bob") ? true : null);
    input.sendKeys(Keys.ENTER); // picks the highlighted option, does not send
    assertEquals("lunch? @Bob ", input.getAttribute("value"));
    assertTrue(alice.driver().findElement(By.id("mention-list")).getAttribute("hidden") != null, "the list closed");
    alice.send("at noon");
    alice.waitForText("lunch? @Bob at noon");

    bob.until(d -> "@1".equals(mentionBadge(bob, "Mention room")));
    bob.until(d -> "1".equals(d.findElement(By.id("notif-badge")).getText()));
    bob.screenshot("mentions-sidebar");
    bob.reload();
    bob.until(d -> "@1".equals(mentionBadge(bob, "Mention room"))); // counted by the server too

    bob.open("Mention room");
    bob.waitForText("lunch? @Bob at noon");
    WebElement mine = bob.waitFor(By.cssSelector("#message-list .msg.mentions-me .mention.mention-me"));
    assertEquals("@Bob", mine.getText());
    bob.screenshot("mentions-highlight");
    bob.open("Bobs desk");
    bob.until(d -> "".equals(mentionBadge(bob, "Mention room"))); // read past it
    WebElement theirs = alice.waitFor(By.cssSelector("#message-list .msg.mine .mention"));
    assertEquals("@Bob", theirs.getText());
    assertTrue(alice.driver().findElements(By.cssSelector("#message-list .mention.mention-me")).isEmpty(),
        "Alice's own page does not show the mention as hers");
  }

  @Test
  @DisplayName("The owner is offered @all and Bob gets the mention; Bob, a plain member, is not offered @all")
  void mentionAll() {
    bobInMutedGroup("All hands");
    WebElement input = alice.driver().findElement(By.id("message-input"));
    alice.type("@al");
    alice.until(d -> options(alice).stream().anyMatch(o -> o.startsWith("@all")) ? true : null);
    input.sendKeys(Keys.ENTER);
    alice.send("standup now");
    alice.waitForText("@all standup now");
    bob.until(d -> "@1".equals(mentionBadge(bob, "All hands")));

    bob.open("All hands");
    bob.waitFor(By.cssSelector("#message-list .msg.mentions-me .mention.mention-me"));
    bob.type("@");
    bob.until(d -> options(bob).contains("@Alice") ? true : null);
    assertTrue(options(bob).stream().noneMatch(o -> o.startsWith("@all")), options(bob).toString());
  }
}
