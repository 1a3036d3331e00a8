package palaver.push;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.runtime.App;
import palaver.runtime.Apps;

/**
 * Who is in which app channel, cluster-wide. Gateways publish on
 * {@link Address#PUSH_CHANNELS_REPORT} each join and leave and, every 5 s, a
 * snapshot of all their channel sockets as a heartbeat; a node not heard from
 * for {@link PushTimings#nodeSilenceMs} is dropped (its sockets leave). Every
 * instance keeps the same table (node → sockets, as user-service's presence
 * does for chat users) and answers the queries; only the {@link Leadership}
 * leader tells of changes: {@code channel_occupied}/{@code vacated} (first
 * socket in, last out) and, on presence channels, {@code member_added}/
 * {@code removed} (a user's first socket in, last out), as
 * {@code pusher_internal:} events on the channel's fan-out address and as
 * webhooks for the apps that want them.
 */
final class ChannelRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelRegistry.class);
  static final String PRESENCE_PREFIX = "presence-";
  static final String MEMBER_ADDED = "pusher_internal:member_added";
  static final String MEMBER_REMOVED = "pusher_internal:member_removed";
  private static final int MAX_NAME = 200;

  /** One socket in one channel, as a gateway reported it. */
  private record Entry(String app, String channel, String socketId, String userId, Object userInfo) {
    String key() {
      return app + "\u0000" + channel + "\u0000" + socketId;
    }
  }

  private static final class Node {
    final Map<String, Entry> sockets = new HashMap<>();
    long lastHeard;
  }

  /** A channel's sockets (node + socket id → user id or "") and its users' socket counts and infos. */
  private static final class Channel {
    final Map<String, String> sockets = new HashMap<>();
    final Map<String, Integer> userSockets = new LinkedHashMap<>();
    final Map<String, Object> userInfo = new HashMap<>();
  }

  /** What a report changed, told by the leader only. */
  private record Change(String app, String channel, String kind, String userId, Object userInfo, String socketId) {
  }

  private final Vertx vertx;
  private final Apps apps;
  private final PushTimings timings;
  private final Leadership leadership;
  private final WebhookOutbox outbox;
  private final Map<String, Node> nodes = new HashMap<>();
  /** app → channel → state. */
  private final Map<String, Map<String, Channel>> channels = new HashMap<>();

  ChannelRegistry(Vertx vertx, Apps apps, PushTimings timings, Leadership leadership, WebhookOutbox outbox) {
    this.vertx = vertx;
    this.apps = apps;
    this.timings = timings;
    this.leadership = leadership;
    this.outbox = outbox;
  }

  Future<?> serve() {
    MessageConsumer<Object> reports = vertx.eventBus().consumer(Address.PUSH_CHANNELS_REPORT,
        msg -> onReport(msg.body()));
    vertx.setPeriodic(timings.sweepMs(), id -> sweep());
    return Future.all(List.of(
        reports.completion(),
        Bus.serve(vertx, Address.PUSH_MEMBERS, this::members),
        Bus.serve(vertx, Address.PUSH_CHANNELS, this::channelList),
        Bus.serve(vertx, Address.PUSH_CHANNEL, this::channel)));
  }

  // ---- reports

  /** join/leave, heartbeat snapshot, or clean stop; malformed reports are dropped. */
  private void onReport(Object raw) {
    List<Change> changes = new ArrayList<>();
    try {
      JsonObject report = Check.object(raw);
      String nodeId = Check.string(report, Field.NODE, 1, 64);
      if (Boolean.TRUE.equals(report.getValue("gone"))) {
        Node gone = nodes.remove(nodeId);
        if (gone != null) {
          gone.sockets.values().forEach(e -> leave(nodeId, e, changes));
        }
      } else if (report.getValue("sockets") instanceof JsonArray list) {
        snapshot(nodeId, node(nodeId), list, changes);
      } else {
        Entry entry = entry(report);
        Node node = node(nodeId);
        if (Boolean.TRUE.equals(report.getValue("joined"))) {
          if (node.sockets.putIfAbsent(entry.key(), entry) == null) {
            join(nodeId, entry, changes);
          }
        } else {
          Entry left = node.sockets.remove(entry.key());
          if (left != null) {
            leave(nodeId, left, changes);
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("dropped a malformed channels report: {}", e.getMessage());
    }
    tell(changes);
  }

  private static Entry entry(JsonObject json) {
    String app = Check.string(json, "app", 1, 64);
    String channel = Check.string(json, "channel", 1, MAX_NAME);
    String socketId = Check.string(json, "socket_id", 1, 64);
    String userId = channel.startsWith(PRESENCE_PREFIX) ? Check.optionalString(json, "user_id", MAX_NAME) : null;
    return new Entry(app, channel, socketId, userId, userId == null ? null : json.getValue("user_info"));
  }

  private Node node(String nodeId) {
    Node node = nodes.computeIfAbsent(nodeId, id -> new Node());
    node.lastHeard = System.currentTimeMillis();
    return node;
  }

  /** A heartbeat: the node's full list replaces what it had. */
  private void snapshot(String nodeId, Node node, JsonArray list, List<Change> changes) {
    Map<String, Entry> now = new LinkedHashMap<>();
    for (Object o : list) {
      try {
        Entry e = entry(Check.object(o));
        now.put(e.key(), e);
      } catch (RuntimeException ignored) {
        // one bad entry does not void the rest of the heartbeat
      }
    }
    for (Entry had : new ArrayList<>(node.sockets.values())) {
      if (!now.containsKey(had.key())) {
        node.sockets.remove(had.key());
        leave(nodeId, had, changes);
      }
    }
    now.values().forEach(e -> {
      if (node.sockets.putIfAbsent(e.key(), e) == null) {
        join(nodeId, e, changes);
      }
    });
  }

  private void join(String nodeId, Entry e, List<Change> changes) {
    Channel ch = channels.computeIfAbsent(e.app(), a -> new HashMap<>()).computeIfAbsent(e.channel(), c -> new Channel());
    if (ch.sockets.isEmpty()) {
      changes.add(new Change(e.app(), e.channel(), "channel_occupied", null, null, null));
    }
    ch.sockets.put(nodeId + "\u0000" + e.socketId(), e.userId() == null ? "" : e.userId());
    if (e.userId() != null) {
      ch.userInfo.putIfAbsent(e.userId(), e.userInfo());
      if (ch.userSockets.merge(e.userId(), 1, Integer::sum) == 1) {
        changes.add(new Change(e.app(), e.channel(), "member_added", e.userId(), e.userInfo(), e.socketId()));
      }
    }
  }

  private void leave(String nodeId, Entry e, List<Change> changes) {
    Map<String, Channel> ofApp = channels.get(e.app());
    Channel ch = ofApp == null ? null : ofApp.get(e.channel());
    if (ch == null || ch.sockets.remove(nodeId + "\u0000" + e.socketId()) == null) {
      return;
    }
    if (e.userId() != null && ch.userSockets.computeIfPresent(e.userId(), (u, n) -> n <= 1 ? null : n - 1) == null) {
      ch.userInfo.remove(e.userId());
      changes.add(new Change(e.app(), e.channel(), "member_removed", e.userId(), null, null));
    }
    if (ch.sockets.isEmpty()) {
      ofApp.remove(e.channel());
      changes.add(new Change(e.app(), e.channel(), "channel_vacated", null, null, null));
    }
  }

  /** Drops gateway nodes not heard from within the bound: their sockets leave. */
  private void sweep() {
    long deadline = System.currentTimeMillis() - timings.nodeSilenceMs();
    List<Change> changes = new ArrayList<>();
    new ArrayList<>(nodes.entrySet()).forEach(n -> {
      if (n.getValue().lastHeard < deadline) {
        LOG.info("gateway {} not heard from for {} ms: its channel sockets leave", n.getKey(), timings.nodeSilenceMs());
        nodes.remove(n.getKey());
        n.getValue().sockets.values().forEach(e -> leave(n.getKey(), e, changes));
      }
    });
    tell(changes);
  }

  // ---- telling (leader only)

  private void tell(List<Change> changes) {
    if (changes.isEmpty() || !leadership.leads()) {
      return;
    }
    Map<String, JsonArray> hooks = new LinkedHashMap<>();
    long now = System.currentTimeMillis();
    for (Change c : changes) {
      if ("member_added".equals(c.kind())) {
        JsonObject member = new JsonObject().put("user_id", c.userId()).put("user_info", c.userInfo());
        publish(c, MEMBER_ADDED, member.encode(), c.socketId());
      } else if ("member_removed".equals(c.kind())) {
        publish(c, MEMBER_REMOVED, new JsonObject().put("user_id", c.userId()).encode(), null);
      }
      App app = apps.byId(c.app());
      if (app != null && !app.webhooksFor(c.kind()).isEmpty()) {
        JsonObject event = new JsonObject().put("name", c.kind()).put("channel", c.channel());
        if (c.userId() != null) {
          event.put("user_id", c.userId());
        }
        hooks.computeIfAbsent(c.app(), a -> new JsonArray()).add(event);
      }
    }
    hooks.forEach((app, events) -> outbox.enqueue(app, events, now)
        .onFailure(t -> LOG.warn("webhooks of app {} not stored: {}", app, t.getMessage())));
  }

  private void publish(Change c, String event, String data, String exceptSocket) {
    JsonObject body = new JsonObject().put("event", event).put("channel", c.channel()).put("data", data);
    if (exceptSocket != null) {
      body.put("socket_id", exceptSocket);
    }
    vertx.eventBus().publish(Address.fanoutChannel(c.app(), c.channel()), body);
  }

  // ---- queries (any instance)

  private Channel existing(String app, String channel) {
    Map<String, Channel> ofApp = channels.get(app);
    return ofApp == null ? null : ofApp.get(channel);
  }

  /** {@code {app, channel}} → {@code {members: {user_id: user_info}}}. */
  private Future<JsonObject> members(JsonObject body) {
    String app = Check.string(body, "app", 1, 64);
    String channel = Check.string(body, "channel", 1, MAX_NAME);
    JsonObject members = new JsonObject();
    Channel ch = existing(app, channel);
    if (ch != null) {
      ch.userSockets.keySet().forEach(u -> members.put(u, ch.userInfo.get(u)));
    }
    return Future.succeededFuture(new JsonObject().put("members", members));
  }

  /** {@code {app, filter_by_prefix?, info?}} → {@code {channels: {name: {subscription_count?, user_count?}}}}. */
  private Future<JsonObject> channelList(JsonObject body) {
    String app = Check.string(body, "app", 1, 64);
    String prefix = Check.optionalString(body, "filter_by_prefix", MAX_NAME);
    List<String> info = info(body);
    JsonObject out = new JsonObject();
    new TreeMap<>(channels.getOrDefault(app, Map.of())).forEach((name, ch) -> {
      if (prefix == null || name.startsWith(prefix)) {
        out.put(name, attributes(name, ch, info));
      }
    });
    return Future.succeededFuture(new JsonObject().put("channels", out));
  }

  /** {@code {app, channel, info?}} → {@code {occupied, subscription_count?, user_count?}}. */
  private Future<JsonObject> channel(JsonObject body) {
    String app = Check.string(body, "app", 1, 64);
    String channel = Check.string(body, "channel", 1, MAX_NAME);
    List<String> info = info(body);
    Channel ch = existing(app, channel);
    JsonObject out = new JsonObject().put("occupied", ch != null);
    if (info.contains("subscription_count")) {
      out.put("subscription_count", ch == null ? 0 : ch.sockets.size());
    }
    if (info.contains("user_count") && channel.startsWith(PRESENCE_PREFIX)) {
      out.put("user_count", ch == null ? 0 : ch.userSockets.size());
    }
    return Future.succeededFuture(out);
  }

  private static JsonObject attributes(String name, Channel ch, List<String> info) {
    JsonObject attrs = new JsonObject();
    if (info.contains("subscription_count")) {
      attrs.put("subscription_count", ch.sockets.size());
    }
    if (info.contains("user_count") && name.startsWith(PRESENCE_PREFIX)) {
      attrs.put("user_count", ch.userSockets.size());
    }
    return attrs;
  }

  /** {@code info}: Pusher's comma-separated attribute list. */
  private static List<String> info(JsonObject body) {
    String info = Check.optionalString(body, "info", 200);
    if (info == null || info.isBlank()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String a : info.split(",")) {
      if (!a.isBlank()) {
        out.add(a.trim());
      }
    }
    if (out.stream().anyMatch(a -> !a.equals("subscription_count") && !a.equals("user_count"))) {
      throw ErrorCode.INVALID.exception("info may only list subscription_count and user_count");
    }
    return out;
  }
}
