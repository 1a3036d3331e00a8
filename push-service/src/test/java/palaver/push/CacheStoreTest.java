package palaver.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;

/** Cache channels' last events over the real bus and store. */
class CacheStoreTest {
  private static WebhookReceiver receiver;
  private static ServiceUnderTest push;

  @BeforeAll
  static void start() {
    receiver = new WebhookReceiver();
    push = ServiceUnderTest.start(TestApps.settings(receiver), List.of(), () -> new PushVerticle(TestApps.FAST));
  }

  @AfterAll
  static void stop() {
    push.close();
    receiver.close();
  }

  private static JsonObject key(String app, String channel) {
    return new JsonObject().put("app", app).put("channel", channel);
  }

  @Test
  @DisplayName("PUSH_CACHE_GET answers the channel's last event put, per app")
  void lastEventIsKept() {
    push.request(Address.PUSH_CACHE_PUT, key(TestApps.APP, "cache-a").put("event", "e1").put("data", "1"));
    push.request(Address.PUSH_CACHE_PUT, key(TestApps.APP, "cache-a").put("event", "e2").put("data", "2"));
    assertEquals(new JsonObject().put("event", "e2").put("data", "2"),
        push.request(Address.PUSH_CACHE_GET, key(TestApps.APP, "cache-a")));
    assertEquals(new JsonObject(), push.request(Address.PUSH_CACHE_GET, key("app2", "cache-a")));
  }

  @Test
  @DisplayName("PUSH_CACHE_GET answers {} for a channel without an event")
  void missIsEmpty() {
    assertEquals(new JsonObject(), push.request(Address.PUSH_CACHE_GET, key(TestApps.APP, "cache-none")));
  }

  @Test
  @DisplayName("An event older than 30 minutes is not served, even where the store keeps it")
  void expiredEventIsNotServed() {
    Await.result(push.mongo().save(CacheStore.COLLECTION, new JsonObject().put("_id", TestApps.APP + ":cache-old")
        .put("app", TestApps.APP).put("channel", "cache-old").put("event", "e").put("data", "d")
        .put("expiresAt", new JsonObject().put("$date", Instant.now().minusSeconds(1).toString()))));
    assertEquals(new JsonObject(), push.request(Address.PUSH_CACHE_GET, key(TestApps.APP, "cache-old")));
  }

  @Test
  @DisplayName("push_cache has the TTL index on expiresAt a real MongoDB expires documents with")
  void ttlIndexExists() {
    JsonArray indexes = Await.result(push.mongo().listIndexes(CacheStore.COLLECTION));
    assertTrue(indexes.stream().map(JsonObject.class::cast).anyMatch(i ->
        new JsonObject().put("expiresAt", 1).equals(i.getJsonObject("key"))
            && Long.valueOf(0).equals(((Number) i.getValue("expireAfterSeconds", -1)).longValue())), indexes.encode());
  }

  @Test
  @DisplayName("A put whose data is not a string is refused as invalid")
  void badPutIsInvalid() {
    assertEquals(400, push.failureCode(Address.PUSH_CACHE_PUT,
        key(TestApps.APP, "cache-b").put("event", "e").put("data", new JsonObject())));
  }
}
