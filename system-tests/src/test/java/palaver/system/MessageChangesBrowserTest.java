package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** Editing, reacting to, replying to and deleting a message in the web client, two people in two Chromiums. */
@DisplayName("The web client in Chromium: edit, react, reply, delete")
class MessageChangesBrowserTest extends TwoBrowserTest {
  /** Clicks one of a message's action buttons (shown on hover) by its label, in the bubble holding {@code text}. */
  private static void action(Browser who, String text, String label) {
    who.until(d -> {
      for (WebElement msg : d.findElements(By.cssSelector("#message-list .msg"))) {
        if (msg.findElements(By.className("text")).stream().anyMatch(t -> t.getText().equals(text))) {
          who.js("arguments[0].click()", msg.findElement(By.cssSelector("[aria-label='" + label + "']")));
          return true;
        }
      }
      return null;
    });
  }

  private static boolean shows(Browser who, String css, String text) {
    return who.driver().findElements(By.cssSelector(css)).stream().anyMatch(e -> e.getText().contains(text));
  }

  @Test
  @DisplayName("Alice edits her message with Up-arrow, Bob sees it edited and reacts, Alice replies to it and then deletes it")
  void editReactReplyDelete() {
    alice.register("Alice");
    alice.createGroup("Changes");
    String sid = alice.sid("Changes");
    bob.register("Bob");
    server.http().join(new Http.User(bob.uid(), bob.token(), null, "Bob"), sid);
    bob.open("Changes");

    alice.send("helo wrld");
    bob.waitForText("helo wrld");

    WebElement input = alice.driver().findElement(By.id("message-input"));
    input.sendKeys(Keys.ARROW_UP);
    alice.until(d -> d.findElement(By.id("composer-context")).isDisplayed());
    assertEquals("helo wrld", input.getAttribute("value"));
    input.clear();
    alice.send("hello world");
    bob.waitForText("hello world");
    bob.until(d -> shows(bob, "#message-list .msg .edited", "edited"));
    assertEquals(List.of("hello world"), bob.texts());

    action(bob, "hello world", "React 👍");
    alice.until(d -> shows(alice, "#message-list .reaction", "👍 1"));

    action(alice, "hello world", "Reply");
    alice.send("glad you agree");
    bob.waitForText("glad you agree");
    bob.until(d -> shows(bob, "#message-list .reply-quote", "hello world"));
    bob.screenshot("changes-bob");

    alice.js("window.confirm = () => true");
    action(alice, "hello world", "Delete message");
    for (Browser who : new Browser[] {alice, bob}) {
      who.until(d -> who.texts().contains("Message deleted"));
      who.until(d -> !shows(who, "#message-list .reaction", "👍"));
    }
    assertEquals(List.of("Message deleted", "glad you agree"), bob.texts());
  }
}
