package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.examples.EchoBotVerticle;
import palaver.system.Http.User;
import palaver.testing.Await;

/** The example of docs/examples, deployed as documented next to a running Palaver. */
@DisplayName("The documented example verticle posts into a session over the event bus")
class ExampleVerticleTest extends OneNodeTest {

  @Test
  @DisplayName("The echo bot answers !echo in the session as its own user, once per message, and ignores the rest")
  void echoBot() {
    User alice = http.newUser("Alice");
    User bot = http.newUser("Echo bot");
    String sid = server.group("with a bot", alice, bot);
    String deployment = Await.result(server.node().vertx().deployVerticle(new EchoBotVerticle(),
        new DeploymentOptions().setConfig(new JsonObject().put("uid", bot.uid()).put("sid", sid))));
    try (WsClient ws = server.ws(alice)) {
      ws.send(sid, "plain", "just chatting");
      ws.send(sid, "cmd", "!echo hello there");
      JsonObject command = ws.next(m -> "message".equals(m.getString("type")) && "!echo hello there".equals(m.getString("content")));
      JsonObject answer = ws.next(m -> "message".equals(m.getString("type")) && bot.uid().equals(m.getString("uid")));
      assertEquals("hello there", answer.getString("content"));
      assertEquals("Echo bot", answer.getString("nickname"));
      assertEquals(command.getLong("seq") + 1, answer.getLong("seq"));

      // A redelivered command: the bot answers it again with the same cid, so nothing new is stored.
      // The next command's answer is stored after that retry, so waiting for it is waiting for the retry.
      server.node().vertx().eventBus().publish(Address.fanoutSession(sid), command);
      ws.send(sid, "cmd-2", "!echo again");
      ws.next(m -> "message".equals(m.getString("type")) && "again".equals(m.getString("content")));
      List<JsonObject> stored = http.history(alice, sid);
      assertEquals(List.of("hello there", "again"), stored.stream().filter(m -> bot.uid().equals(m.getString("uid"))
          && "text".equals(m.getString("msgType"))).map(m -> m.getString("content")).toList(),
          "a redelivered command is answered once");
      assertTrue(stored.stream().noneMatch(m -> "just chatting".equals(m.getString("content"))
          && bot.uid().equals(m.getString("uid"))));
    } finally {
      Await.result(server.node().vertx().undeploy(deployment));
    }
  }
}
