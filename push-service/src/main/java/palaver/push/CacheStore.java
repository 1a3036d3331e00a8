package palaver.push;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import palaver.api.Bus;
import palaver.api.Address;
import palaver.api.Check;
import palaver.api.ErrorCode;

/**
 * Cache channels' last events: the one owner of {@code push_cache}. One
 * document per (app, channel), replaced by each event, kept for
 * {@link #KEEP_MS} (Pusher's 30 minutes). Expiry is checked on read, so an
 * old event is never served even where the store has no TTL monitor (the
 * embedded store); the TTL index lets a real MongoDB delete them too.
 */
final class CacheStore {
  static final String COLLECTION = "push_cache";
  static final long KEEP_MS = 30 * 60_000;
  private static final int MAX_NAME = 200;

  private final Vertx vertx;
  private final MongoClient mongo;

  CacheStore(Vertx vertx, MongoClient mongo) {
    this.vertx = vertx;
    this.mongo = mongo;
  }

  Future<?> serve() {
    return mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("expiresAt", 1),
            new IndexOptions().name("expiresAt_ttl").expireAfter(0L, TimeUnit.SECONDS))
        .compose(v -> Future.all(List.of(
            Bus.serve(vertx, Address.PUSH_CACHE_PUT, this::put),
            Bus.serve(vertx, Address.PUSH_CACHE_GET, this::get))));
  }

  /** {@code {app, channel, event, data}}: replaces the channel's last event. */
  private Future<JsonObject> put(JsonObject body) {
    String app = Check.string(body, "app", 1, 64);
    String channel = Check.string(body, "channel", 1, MAX_NAME);
    String event = Check.string(body, "event", 1, MAX_NAME);
    if (!(body.getValue("data") instanceof String data)) {
      throw ErrorCode.INVALID.exception("data must be a string");
    }
    JsonObject doc = new JsonObject().put("_id", id(app, channel)).put("app", app).put("channel", channel)
        .put("event", event).put("data", data)
        .put("expiresAt", new JsonObject().put("$date", Instant.ofEpochMilli(System.currentTimeMillis() + KEEP_MS).toString()));
    return mongo.save(COLLECTION, doc).map(id -> new JsonObject());
  }

  /** {@code {app, channel}} → {@code {event, data}}, or {@code {}} when there is none or it expired. */
  private Future<JsonObject> get(JsonObject body) {
    String app = Check.string(body, "app", 1, 64);
    String channel = Check.string(body, "channel", 1, MAX_NAME);
    return mongo.findOne(COLLECTION, new JsonObject().put("_id", id(app, channel)), null).map(doc -> {
      if (doc == null || expired(doc.getValue("expiresAt"))) {
        return new JsonObject();
      }
      return new JsonObject().put("event", doc.getString("event")).put("data", doc.getString("data"));
    });
  }

  private static boolean expired(Object expiresAt) {
    Object date = expiresAt instanceof JsonObject d ? d.getValue("$date") : null;
    long at;
    if (date instanceof String iso) {
      at = Instant.parse(iso).toEpochMilli();
    } else if (date instanceof Number ms) {
      at = ms.longValue();
    } else {
      return true;
    }
    return at <= System.currentTimeMillis();
  }

  /** App ids have no ':' (Apps checks them), so the id is unambiguous. */
  private static String id(String app, String channel) {
    return app + ":" + channel;
  }
}
