package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event-bus consumer per fan-out address for as long as at least one
 * local connection listens to it (reference counted), dropped when the last
 * one leaves so subscriptions don't leak across the cluster. Each delivery is
 * encoded to text once and handed to every listening connection.
 * Used only from the gateway's event loop.
 */
final class FanoutHub {
  private static final Logger LOG = LoggerFactory.getLogger(FanoutHub.class);

  /** What a listening connection receives. */
  interface Listener {
    void onFanout(String address, JsonObject body, String encoded);
  }

  private static final class Topic {
    final Set<Listener> listeners = new LinkedHashSet<>();
    MessageConsumer<JsonObject> consumer;
    Future<Void> ready;
  }

  private final Vertx vertx;
  private final Map<String, Topic> topics = new HashMap<>();
  private final GatewayMetrics metrics = GatewayMetrics.get();

  FanoutHub(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Completes once the address is registered in the cluster, so nothing published after is missed. */
  Future<Void> join(String address, Listener listener) {
    Topic topic = topics.get(address);
    if (topic == null) {
      Topic created = new Topic();
      created.consumer = vertx.eventBus().consumer(address, msg -> deliver(address, created, msg.body()));
      created.ready = created.consumer.completion();
      topics.put(address, created);
      metrics.subscribed();
      topic = created;
    }
    topic.listeners.add(listener);
    return topic.ready;
  }

  void leave(String address, Listener listener) {
    Topic topic = topics.get(address);
    if (topic != null && topic.listeners.remove(listener) && topic.listeners.isEmpty()) {
      topics.remove(address);
      metrics.unsubscribed();
      topic.consumer.unregister();
    }
  }

  private void deliver(String address, Topic topic, JsonObject body) {
    if (topic.listeners.isEmpty()) {
      return;
    }
    String encoded = body.encode();
    // Copy: a listener may leave (or close) while we iterate.
    for (Listener l : topic.listeners.toArray(new Listener[0])) {
      deliverTo(l, address, body, encoded);
    }
  }

  /** One listener's failure (a socket throwing mid-close) must not cost the listeners after it the frame. */
  private void deliverTo(Listener l, String address, JsonObject body, String encoded) {
    try {
      l.onFanout(address, body, encoded);
      metrics.delivered();
    } catch (RuntimeException e) {
      LOG.warn("fan-out to one connection on {} failed, delivering to the others", address, e);
    }
  }
}
