package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import palaver.testing.Await;
import palaver.testing.Ports;

/**
 * Presence after a gateway process dies without warning: a pusher-js client
 * on the surviving node sees the dead node's member removed within 30 s, and
 * the app's webhook hears of it.
 */
@DisplayName("Push presence after kill -9 of a gateway")
class PushPresenceKillIT {
  private static final String APP = "presence-app";
  private static final String KEY = "presence-key";
  private static final String SECRET = "presence-secret-0123456789abcdef0123456789";
  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final List<JsonObject> webhooks = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    vertx.close();
  }

  @Test
  @DisplayName("A member whose gateway is killed is removed, with member_removed and its webhook, within 30 s")
  void deadGatewaysMembersRemoved() throws Exception {
    HttpServer receiver = Await.result(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      webhooks.add(body.toJsonObject());
      req.response().end();
    })).listen(0, "127.0.0.1"));
    Path config = dir.resolve("palaver.json");
    Files.writeString(config, new JsonObject().put("apps", new JsonArray().add(new JsonObject()
        .put("id", APP).put("key", KEY).put("secret", SECRET)
        .put("webhooks", new JsonArray().add(new JsonObject()
            .put("url", "http://127.0.0.1:" + receiver.actualPort() + "/hook")
            .put("event_types", new JsonArray().add("member_removed")))))).encode());
    TestCluster cluster = new TestCluster(2);
    int storePort = Ports.free();
    int http1 = Ports.free();
    int http2 = Ports.free();
    try (JarProcess main = JarProcess.start("push-presence-main", JarProcess.STANDALONE_JAR, "--config", config.toString(),
            "--cluster", "--cluster-name", cluster.name(), "--cluster-port", "" + cluster.port(0),
            "--seeds", cluster.seeds(), "--store-port", "" + storePort,
            "--data-dir", dir.resolve("data").toString(), "--http-port", "" + http1).awaitHealthy(http1, 90_000);
        JarProcess gateway = JarProcess.start("push-presence-gateway", Path.of("..", "gateway", "target", "palaver-gateway.jar"),
            "--config", config.toString(), "--cluster", "--cluster-name", cluster.name(),
            "--cluster-port", "" + cluster.port(1), "--seeds", cluster.seeds(), "--http-port", "" + http2)
            .awaitHealthy(http2, 90_000);
        NodeScript onMain = NodeScript.start("pusher-client.js", String.valueOf(http1), KEY, SECRET);
        NodeScript onGateway = NodeScript.start("pusher-client.js", String.valueOf(http2), KEY, SECRET)) {
      onMain.next("ready", 20_000);
      onGateway.next("ready", 20_000);
      Thread.sleep(8_000); // push-service only listens for its first 7 s (docs/push.md, leader choice)
      onMain.send(new JsonObject().put("cmd", "connect").put("name", "alice").put("user_id", "alice"));
      onMain.next("connected", 20_000);
      onMain.send(new JsonObject().put("cmd", "subscribe").put("name", "alice").put("channel", "presence-lobby"));
      onMain.next("subscribed", 20_000);
      onGateway.send(new JsonObject().put("cmd", "connect").put("name", "bob").put("user_id", "bob"));
      onGateway.next("connected", 20_000);
      onGateway.send(new JsonObject().put("cmd", "subscribe").put("name", "bob").put("channel", "presence-lobby"));
      assertEquals(new JsonArray().add("alice").add("bob"), onGateway.next("subscribed", 20_000).getJsonArray("members"));
      assertEquals("bob", onMain.next("member_added", 20_000).getString("user_id"));

      gateway.kill9();
      long killedAt = System.currentTimeMillis();
      JsonObject removed = onMain.next("member_removed", 40_000);
      long took = System.currentTimeMillis() - killedAt;
      assertEquals("bob", removed.getString("user_id"));
      assertTrue(took <= 30_000, "member_removed after " + took + " ms");
      Await.until("the member_removed webhook", 20_000, () -> webhooks.stream().anyMatch(w ->
          w.getJsonArray("events").stream().anyMatch(e -> "bob".equals(((JsonObject) e).getString("user_id"))
              && "member_removed".equals(((JsonObject) e).getString("name")))));
    }
  }
}
