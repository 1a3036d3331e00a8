package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.runtime.Setting;
import palaver.testing.Await;
import palaver.testing.Ports;

/**
 * push-service's webhooks received by an app server that checks them with the
 * official {@code pusher} SDK's {@code webhook(...).isValid()}: Palaver's
 * body and X-Pusher-Key/X-Pusher-Signature are what the SDK expects.
 */
class PusherWebhookSdkTest {
  private static final String APP = "hook-app";
  private static final String KEY = "hook-key";
  private static final String SECRET = "hook-secret-0123456789abcdef01234567";
  /** push-service's warm-up (7 s) plus margin: before it, a lone new instance does not announce. */
  private static final long LEADER_READY_MS = 8_500;

  @Test
  @DisplayName("A client_event webhook and the registry's channel_occupied and member_added verify with the pusher SDK")
  void webhooksVerifyWithTheSdk() throws InterruptedException {
    int port = Ports.free();
    try (NodeScript receiver = NodeScript.start("pusher-webhook.js", APP, KEY, SECRET, String.valueOf(port))) {
      receiver.next("listening", 30_000);
      JsonArray everything = new JsonArray().add("client_event").add("channel_occupied").add("member_added");
      try (TestServer server = TestServer.standalone(new JsonObject().put(Setting.APPS.key(), new JsonArray()
          .add(new JsonObject().put("id", APP).put("key", KEY).put("secret", SECRET).put("webhooks", new JsonArray()
              .add(new JsonObject().put("url", "http://127.0.0.1:" + port + "/pusher").put("event_types", everything))))))) {
        JsonObject clientEvent = new JsonObject().put("name", "client_event").put("channel", "private-chat")
            .put("event", "client-typing").put("data", "{\"who\":\"ann\"}").put("socket_id", "1.1");
        Await.result(Bus.request(server.node().vertx(), Address.PUSH_WEBHOOK,
            new JsonObject().put("app", APP).put("events", new JsonArray().add(clientEvent))));
        JsonObject first = receiver.next("webhook", 10_000);
        assertTrue(first.getBoolean("valid"), first.encode());
        assertEquals(new JsonArray().add(clientEvent), first.getJsonArray("events"));

        Thread.sleep(LEADER_READY_MS);
        server.node().vertx().eventBus().publish(Address.PUSH_CHANNELS_REPORT, new JsonObject()
            .put("node", "hook-gateway").put("app", APP).put("channel", "presence-lobby").put("socket_id", "2.1")
            .put("joined", true).put("user_id", "ann").put("user_info", new JsonObject()));
        JsonObject second = receiver.next("webhook", 10_000);
        assertTrue(second.getBoolean("valid"), second.encode());
        assertEquals(new JsonArray()
                .add(new JsonObject().put("name", "channel_occupied").put("channel", "presence-lobby"))
                .add(new JsonObject().put("name", "member_added").put("channel", "presence-lobby").put("user_id", "ann")),
            second.getJsonArray("events"));
      }
    }
  }
}
