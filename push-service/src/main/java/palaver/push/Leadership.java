package palaver.push;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Which push-service instance acts on the channel table. Every instance keeps
 * the same table, but only one may announce {@code member_added}/{@code removed}
 * and enqueue webhooks, or each change would be told once per instance.
 *
 * <p>The choice: every instance publishes its id on {@link #ADDRESS} every
 * {@link PushTimings#beatMs}; an instance not heard for
 * {@link PushTimings#instanceSilenceMs} no longer counts; the leader is the
 * live instance with the smallest id. Ids start with the instance's start time,
 * so the oldest instance leads and starting another one does not move the
 * leadership. A new instance only listens for {@link PushTimings#warmupMs}
 * before it may lead: by then it has heard the others and every gateway's
 * heartbeat, so it neither competes with a live leader nor announces the
 * existing channels as new.
 *
 * <p>The window: when the leader dies, changes in the next
 * {@code instanceSilenceMs} (3 s) are announced by nobody; when instances
 * cannot hear each other (a split cluster) each side has a leader. No store
 * round trip per change, which a lock or compare-and-set would cost.
 */
final class Leadership {
  /** Internal to push-service: {@code {instance}} beats. */
  static final String ADDRESS = "palaver.push.instances";
  private static final String INSTANCE = "instance";

  private final Vertx vertx;
  private final PushTimings timings;
  private final String self;
  private final long startedAt = System.currentTimeMillis();
  private final Map<String, Long> heard = new HashMap<>();

  Leadership(Vertx vertx, PushTimings timings) {
    this.vertx = vertx;
    this.timings = timings;
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    this.self = String.format("%013d-%s", startedAt, HexFormat.of().formatHex(random));
  }

  Future<?> start() {
    MessageConsumer<JsonObject> beats = vertx.eventBus().consumer(ADDRESS, msg -> onBeat(msg.body()));
    vertx.setPeriodic(0, timings.beatMs(), id -> beat());
    return beats.completion();
  }

  String self() {
    return self;
  }

  /** True when this instance is warmed up and no live instance has a smaller id. */
  boolean leads() {
    long now = System.currentTimeMillis();
    if (now - startedAt < timings.warmupMs()) {
      return false;
    }
    heard.values().removeIf(at -> now - at > timings.instanceSilenceMs());
    return heard.keySet().stream().allMatch(other -> self.compareTo(other) <= 0);
  }

  private void beat() {
    vertx.eventBus().publish(ADDRESS, new JsonObject().put(INSTANCE, self));
  }

  private void onBeat(JsonObject body) {
    if (body != null && body.getValue(INSTANCE) instanceof String id && !id.equals(self)) {
      heard.put(id, System.currentTimeMillis());
    }
  }
}
