package palaver.push;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import palaver.runtime.Setting;

/** The apps of push-service tests, and clocks that run in milliseconds. */
final class TestApps {
  static final String APP = "app1";
  static final String KEY = "key1";
  static final String SECRET = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t";

  static final PushTimings FAST = new PushTimings(800, 100, 100, 400, 400, 50, 1_000, 100, 400, 3_000, 2_000);

  private TestApps() {
  }

  /** {@code apps} with app1, whose webhooks go to the receiver: /all wants everything, /client only client_event. */
  static JsonObject settings(WebhookReceiver receiver) {
    JsonArray all = new JsonArray().add("channel_occupied").add("channel_vacated").add("member_added")
        .add("member_removed").add("client_event");
    JsonObject app = new JsonObject().put("id", APP).put("key", KEY).put("secret", SECRET)
        .put("webhooks", new JsonArray()
            .add(new JsonObject().put("url", receiver.url("/all")).put("event_types", all))
            .add(new JsonObject().put("url", receiver.url("/client")).put("event_types", new JsonArray().add("client_event"))));
    JsonObject other = new JsonObject().put("id", "app2").put("key", "key2").put("secret", SECRET + "-other");
    return new JsonObject().put(Setting.APPS.key(), new JsonArray().add(app).add(other));
  }
}
