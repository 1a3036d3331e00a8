package palaver.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;

/** Two push-service instances: the older one acts alone; when it stops, the other takes over. */
class LeadershipTest {
  private WebhookReceiver receiver;
  private ServiceUnderTest push;
  private String older;

  @BeforeEach
  void start() throws InterruptedException {
    receiver = new WebhookReceiver();
    push = ServiceUnderTest.start(TestApps.settings(receiver), List.of(), () -> new PushVerticle(TestApps.FAST));
    older = push.vertx().deploymentIDs().iterator().next();
    Thread.sleep(20); // the second instance starts later: a larger id
    Await.result(push.vertx().deployVerticle(new PushVerticle(TestApps.FAST),
        new DeploymentOptions().setConfig(push.config())));
    Thread.sleep(TestApps.FAST.warmupMs() + 300);
  }

  @AfterEach
  void stop() {
    push.close();
    receiver.close();
  }

  private void join(String channel, String socket, String user) {
    push.vertx().eventBus().publish(Address.PUSH_CHANNELS_REPORT, new JsonObject().put("node", "gw")
        .put("app", TestApps.APP).put("channel", channel).put("socket_id", socket).put("joined", true)
        .put("user_id", user).put("user_info", new JsonObject()));
  }

  /** member_added webhook events received (the silent test node's removal follows later). */
  private long addedHooks() {
    return receiver.to("/all").stream().flatMap(d -> d.json().getJsonArray("events").stream())
        .filter(e -> "member_added".equals(((JsonObject) e).getString("name"))).count();
  }

  private static long count(List<JsonObject> seen) {
    return seen.stream().filter(e -> ChannelRegistry.MEMBER_ADDED.equals(e.getString("event"))).count();
  }

  @Test
  @DisplayName("With two instances, a member is announced once and its webhook sent once")
  void onlyTheLeaderAnnounces() throws InterruptedException {
    List<JsonObject> seen = push.listen(Address.fanoutChannel(TestApps.APP, "presence-l1"));
    join("presence-l1", "1.1", "ann");
    Await.until("announced", 3_000, () -> count(seen) == 1);
    Await.until("webhook", 3_000, () -> addedHooks() == 1);
    Thread.sleep(500);
    assertEquals(1, count(seen));
    assertEquals(1, addedHooks(), receiver.to("/all").toString());
  }

  @Test
  @DisplayName("When the leader stops, the other instance announces the next changes, once")
  void survivorTakesOver() throws InterruptedException {
    Await.result(push.vertx().undeploy(older));
    Thread.sleep(TestApps.FAST.instanceSilenceMs() + 300);
    List<JsonObject> seen = push.listen(Address.fanoutChannel(TestApps.APP, "presence-l2"));
    join("presence-l2", "2.1", "bob");
    Await.until("announced by the survivor", 3_000, () -> count(seen) == 1);
    Thread.sleep(500);
    assertEquals(1, count(seen));
  }
}
