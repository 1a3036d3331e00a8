package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Field;

/**
 * Senders' nickname and avatar, asked from user-service and kept for a
 * minute, so a burst of sends costs one lookup, not one per message.
 */
final class Profiles {
  private static final long TTL_MS = 60_000;
  private static final int MAX = 10_000;

  private record Entry(JsonObject profile, long at) {
  }

  private final Vertx vertx;
  private final Map<String, Entry> cache = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > MAX;
    }
  };

  Profiles(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<JsonObject> of(String uid) {
    Entry e = cache.get(uid);
    long now = System.currentTimeMillis();
    if (e != null && now - e.at < TTL_MS) {
      return Future.succeededFuture(e.profile);
    }
    return Bus.request(vertx, Address.USER_GET, new JsonObject().put(Field.UID, uid))
        .onSuccess(p -> cache.put(uid, new Entry(p, now)));
  }
}
