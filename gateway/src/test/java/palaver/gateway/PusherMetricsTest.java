package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.Setting;
import palaver.testing.Await;

/** The Pusher endpoint's metrics on /metrics, labelled by app. */
class PusherMetricsTest {
  private final PusherUnderTest pusher =
      new PusherUnderTest(new JsonObject().put(Setting.METRICS_TOKEN.key(), PublicMetricsTest.TOKEN));
  private final HttpClient http = pusher.sut.vertx().createHttpClient();

  @AfterEach
  void stop() {
    Await.result(http.close());
    pusher.close();
  }

  private String metrics() {
    return Await.result(http.request(new RequestOptions().setHost("127.0.0.1").setPort(pusher.sut.httpPort())
        .setURI("/metrics").putHeader("Authorization", "Bearer " + PublicMetricsTest.TOKEN)).compose(r -> r.send()).compose(r -> r.body())).toString();
  }

  private boolean hasLine(String regex) {
    return metrics().lines().anyMatch(l -> l.matches(regex));
  }

  @Test
  @DisplayName("palaver_push_connections counts the app's open sockets")
  void connections() {
    try (PusherSocket a = pusher.connect("key1"); PusherSocket b = pusher.connect("key1")) {
      Await.until("the gauge at 2", 5_000, () -> hasLine("palaver_push_connections\\{app=\"app1\",?\\} 2\\.0"));
    }
  }

  @Test
  @DisplayName("palaver_push_events_in_total counts the frames the app's sockets sent")
  void eventsIn() {
    try (PusherSocket a = pusher.connect("key1")) {
      a.send(new io.vertx.core.json.JsonObject().put("event", "pusher:ping"));
      a.next();
      assertTrue(hasLine("palaver_push_events_in_total\\{app=\"app1\",?\\} 1\\.0"), metrics());
    }
  }

  @Test
  @DisplayName("palaver_push_deliveries_total counts the events written to the app's sockets")
  void deliveries() {
    try (PusherSocket a = pusher.connect("key1"); PusherSocket b = pusher.connect("key1")) {
      pusher.subscribed(a, "news");
      pusher.subscribed(b, "news");
      pusher.sut.vertx().eventBus().publish(palaver.api.Address.fanoutChannel(PusherUnderTest.APP, "news"),
          new io.vertx.core.json.JsonObject().put("event", "e").put("channel", "news").put("data", "{}"));
      a.next();
      b.next();
      Await.until("two deliveries counted", 5_000, () -> hasLine("palaver_push_deliveries_total\\{app=\"app1\",?\\} 2\\.0"));
    }
  }

  @Test
  @DisplayName("palaver_push_refusals_total counts refusals by reason, an unknown key as app \"unknown\"")
  void refusals() {
    try (PusherSocket s = pusher.open("/app/nope?protocol=7", null)) {
      s.closeCode();
      assertTrue(hasLine("palaver_push_refusals_total\\{app=\"unknown\",reason=\"unknown_app\",?\\} 1\\.0"), metrics());
    }
  }
}
