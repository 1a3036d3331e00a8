package palaver.runtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * One push-platform application, as configured under {@code apps}. The field
 * names are Soketi's (so a Soketi app list maps across); {@code key} is also
 * xlvein's {@code app_key}, {@code secret} its {@code app_secret}. Built and
 * checked only by {@link Apps}.
 *
 * @param maxConnections sockets of this app across one gateway; -1 for no limit
 * @param maxPresenceMembers members one presence channel may hold (Pusher's limit is 100)
 * @param maxEventBytes largest {@code data} of one event, in bytes (Pusher's limit is 10 KiB)
 * @param maxClientEventsPerSecond client events one socket may send per second; over it the socket is closed with 4301
 * @param maxBackendEventsPerSecond HTTP API requests this app may make per second on one gateway; over it 429
 * @param retentionSeconds how long a push to an offline user is kept for its next connection
 */
public record App(String id, String key, String secret, String name, boolean enableClientMessages,
    int maxConnections, int maxPresenceMembers, int maxEventBytes, int maxClientEventsPerSecond,
    int maxBackendEventsPerSecond, long retentionSeconds, List<Webhook> webhooks, Set<String> allowedOrigins) {

  /** A webhook target and the Pusher event kinds it wants. */
  public record Webhook(String url, Set<String> eventTypes) {
    public JsonObject toJson() {
      return new JsonObject().put("url", url).put("event_types", new JsonArray(eventTypes.stream().sorted().toList()));
    }
  }

  /** The webhooks that want {@code eventType}. */
  public List<Webhook> webhooksFor(String eventType) {
    return webhooks.stream().filter(w -> w.eventTypes().contains(eventType)).toList();
  }

  /** Safe to log and to put on the bus: everything but the secret. */
  @Override
  public String toString() {
    return "App[id=" + id + ", key=" + key + ", name=" + name + "]";
  }
}
