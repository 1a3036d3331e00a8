package palaver.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.runtime.Signatures;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;

/** Webhooks through the real outbox and store to a real HTTP receiver. */
class WebhookOutboxTest {
  private WebhookReceiver receiver;
  private ServiceUnderTest push;

  @BeforeEach
  void start() {
    receiver = new WebhookReceiver();
    push = ServiceUnderTest.start(TestApps.settings(receiver), List.of(), () -> new PushVerticle(TestApps.FAST));
  }

  @AfterEach
  void stop() {
    push.close();
    receiver.close();
  }

  private static JsonObject clientEvent(String data) {
    return new JsonObject().put("app", TestApps.APP).put("events", new JsonArray().add(new JsonObject()
        .put("name", "client_event").put("channel", "private-c").put("event", "client-typing").put("data", data)
        .put("socket_id", "1.1")));
  }

  private long jobsLeft() {
    return Await.result(push.mongo().count(WebhookOutbox.COLLECTION, new JsonObject()));
  }

  @Test
  @DisplayName("A webhook is POSTed as {time_ms, events} with X-Pusher-Key and an X-Pusher-Signature that verifies")
  void signatureVerifies() {
    long before = System.currentTimeMillis();
    push.request(Address.PUSH_WEBHOOK, clientEvent("{\"a\":1}"));
    Await.until("delivered", 3_000, () -> receiver.to("/client").size() == 1);
    WebhookReceiver.Delivery d = receiver.to("/client").get(0);
    assertEquals(TestApps.KEY, d.key());
    assertEquals("application/json", d.contentType());
    assertTrue(Signatures.matches(Signatures.hmacSha256Hex(TestApps.SECRET, d.body()), d.signature()));
    JsonObject body = d.json();
    assertTrue(body.getLong("time_ms") >= before);
    assertEquals(clientEvent("{\"a\":1}").getJsonArray("events"), body.getJsonArray("events"));
  }

  @Test
  @DisplayName("Each webhook URL gets only the event kinds it asked for")
  void onlyWantedKindsAreSent() throws InterruptedException {
    push.request(Address.PUSH_WEBHOOK, new JsonObject().put("app", TestApps.APP).put("events", new JsonArray()
        .add(new JsonObject().put("name", "channel_occupied").put("channel", "c"))));
    Await.until("delivered to /all", 3_000, () -> receiver.to("/all").size() == 1);
    Thread.sleep(300);
    assertEquals(0, receiver.to("/client").size());
  }

  @Test
  @DisplayName("A webhook answered 500 is retried with backoff until it gets a 2xx, then never again")
  void retriedAfterFailureUntilSuccess() throws InterruptedException {
    receiver.statuses("/client").add(500);
    receiver.statuses("/client").add(503);
    push.request(Address.PUSH_WEBHOOK, clientEvent("retry"));
    Await.until("third attempt", 5_000, () -> receiver.to("/client").size() == 3);
    List<WebhookReceiver.Delivery> tries = receiver.to("/client");
    assertEquals(tries.get(0).body(), tries.get(2).body());
    Await.until("job removed", 3_000, () -> jobsLeft() == 0);
    Thread.sleep(500);
    assertEquals(3, receiver.to("/client").size());
  }

  @Test
  @DisplayName("A webhook that keeps failing is given up after the retry period, and removed")
  void givenUpAfterRetryPeriod() {
    for (int i = 0; i < 100; i++) {
      receiver.statuses("/client").add(500);
    }
    push.request(Address.PUSH_WEBHOOK, clientEvent("doomed"));
    Await.until("given up", 8_000, () -> receiver.to("/client").size() >= 3 && jobsLeft() == 0);
    int attempts = receiver.to("/client").size();
    // 100 ms doubling to 400 ms for 3 s: about 9 attempts, never one per tick
    assertTrue(attempts >= 5 && attempts <= 12, "attempts: " + attempts);
  }

  @Test
  @DisplayName("A webhook pending when its instance stops is delivered by the next instance on the same store")
  void pendingWebhookSurvivesRestart() {
    receiver.statuses("/client").add(500);
    push.request(Address.PUSH_WEBHOOK, clientEvent("survivor"));
    Await.until("first attempt failed", 3_000, () -> receiver.to("/client").size() == 1);
    // stop the instance: the job waits in the store only
    List<String> ids = push.vertx().deploymentIDs().stream().toList();
    ids.forEach(id -> Await.result(push.vertx().undeploy(id)));
    assertEquals(1, jobsLeft());
    Await.result(push.vertx().deployVerticle(new PushVerticle(TestApps.FAST),
        new DeploymentOptions().setConfig(push.config())));
    Await.until("delivered by the new instance", 5_000, () -> receiver.to("/client").size() == 2);
    assertEquals("survivor", receiver.to("/client").get(1).json().getJsonArray("events").getJsonObject(0)
        .getString("data"));
    Await.until("job removed", 3_000, () -> jobsLeft() == 0);
  }

  @Test
  @DisplayName("PUSH_WEBHOOK refuses an unknown app (404) and events that are not webhook events (400)")
  void badRequestsAreRefused() {
    assertEquals(404, push.failureCode(Address.PUSH_WEBHOOK, clientEvent("x").put("app", "nope")));
    assertEquals(400, push.failureCode(Address.PUSH_WEBHOOK, new JsonObject().put("app", TestApps.APP)
        .put("events", new JsonArray().add(new JsonObject().put("name", "format_disk")))));
    assertEquals(400, push.failureCode(Address.PUSH_WEBHOOK, new JsonObject().put("app", TestApps.APP)
        .put("events", "all")));
  }
}
