package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Frames;

/**
 * Who is online. Gateways publish on {@code palaver.user.presence.report}
 * which users they have connected: a change when a user's first connection
 * opens or last one closes, and every few seconds a full snapshot as a
 * heartbeat. Every user-service instance keeps the same table (gateway node →
 * users, last heard) in memory; a node not heard from for {@link Expiry#afterMs}
 * is dropped, so the users of a crashed gateway go offline within about 22 s,
 * without any TTL in the store.
 *
 * <p>A user is live while at least one node lists them. What others see is
 * the state the user chose (stored in their record, it survives reconnects)
 * while live, {@code offline} otherwise, and {@code offline} for
 * {@code invisible}. When that visible state changes, the instances race on a
 * compare-and-set of {@code shown} in the user record, and only the winner
 * tells friends and co-members, so several instances never announce twice.
 */
final class Presence {
  private static final Logger LOG = LoggerFactory.getLogger(Presence.class);
  static final String OFFLINE = "offline";
  static final String INVISIBLE = "invisible";
  static final String[] CHOSEN = {"online", "away", "busy", INVISIBLE};
  static final int MAX_QUERY = 1000;
  /** A report's flag: the gateway is stopping cleanly. */
  static final String GONE = "gone";
  /**
   * How often the stored {@code shown} states are checked against the table,
   * first once a new instance has heard every live gateway: catches users
   * still shown online after a restart of the whole deployment.
   */
  static final long RECONCILE_MS = 60_000;
  static final int RECONCILE_BATCH = 1000;

  private static final class Node {
    final Set<String> uids = new HashSet<>();
    long lastHeard;
  }

  /**
   * How long a gateway may stay silent before its users go offline, and how
   * often that is checked. Gateways heartbeat every 5 s; four missed
   * heartbeats mean the node is gone.
   */
  record Expiry(long afterMs, long sweepMs) {
    static final Expiry DEFAULT = new Expiry(20_000, 2_000);
  }

  private final Vertx vertx;
  private final UserStore users;
  private final FriendStore friends;
  private final Expiry expiry;
  private final Map<String, Node> nodes = new HashMap<>();
  /** uid → how many gateway nodes have at least one connection of that user. */
  private final Map<String, Integer> liveNodes = new HashMap<>();

  Presence(Vertx vertx, UserStore users, FriendStore friends, Expiry expiry) {
    this.vertx = vertx;
    this.users = users;
    this.friends = friends;
    this.expiry = expiry;
  }

  Future<?> serve() {
    MessageConsumer<Object> reports = vertx.eventBus().consumer(Address.USER_PRESENCE_REPORT,
        msg -> onReport(msg.body()));
    vertx.setPeriodic(expiry.sweepMs(), id -> sweep());
    vertx.setPeriodic(expiry.afterMs() + expiry.sweepMs(), RECONCILE_MS, id -> reconcile());
    return Future.all(List.of(
        reports.completion(),
        Bus.serve(vertx, Address.USER_PRESENCE, body -> choose(Check.string(body, Field.UID, 1, 64),
            Check.oneOf(body, Field.STATE, null, CHOSEN))),
        Bus.serve(vertx, Address.USER_PRESENCE_QUERY, body -> query(validUids(body)))));
  }

  /** uid → how many gateway nodes have at least one connection of that user, as this instance heard. */
  Map<String, Integer> connected() {
    return Map.copyOf(liveNodes);
  }

  /** How many gateway nodes this instance hears from. */
  int nodeCount() {
    return nodes.size();
  }

  /** What {@code uids} look like to others: online|away|busy|offline each. */
  Future<Map<String, String>> visible(Collection<String> uids) {
    List<String> live = uids.stream().filter(liveNodes::containsKey).distinct().toList();
    Map<String, String> out = new HashMap<>();
    uids.forEach(u -> out.put(u, OFFLINE));
    if (live.isEmpty()) {
      return Future.succeededFuture(out);
    }
    return users.chosenPresences(live).map(chosen -> {
      chosen.forEach((uid, choice) -> out.put(uid, shownAs(choice, true)));
      return out;
    });
  }

  /** {@code {uid, state}}: the state the user chose, kept until they choose another. */
  private Future<JsonObject> choose(String uid, String state) {
    return users.choosePresence(uid, state)
        .compose(before -> {
          if (before == null) {
            return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"));
          }
          announceIfChanged(uid, state);
          return Future.succeededFuture(new JsonObject().put(Field.STATE, state));
        });
  }

  /** {@code {uids:[...]}} → {@code {presence:{uid: state}}}. */
  private Future<JsonObject> query(List<String> uids) {
    return visible(uids).map(states -> new JsonObject().put(Field.PRESENCE, new JsonObject(new HashMap<>(states))));
  }

  private static List<String> validUids(JsonObject body) {
    JsonArray uids = body.getValue(Field.UIDS) instanceof JsonArray a ? a : null;
    if (uids == null || uids.size() > MAX_QUERY || !uids.stream().allMatch(u -> u instanceof String)) {
      throw ErrorCode.INVALID.exception("uids must be an array of at most " + MAX_QUERY + " strings");
    }
    return uids.stream().map(String.class::cast).toList();
  }

  /**
   * A report: {@code {node, uids:[...]}} replaces the node's list (heartbeat),
   * {@code {node, uid, online}} adds or removes one user, {@code {node, gone:true}}
   * is a gateway stopping cleanly. Malformed reports are dropped.
   */
  private void onReport(Object raw) {
    try {
      JsonObject report = Check.object(raw);
      String nodeId = Check.string(report, Field.NODE, 1, 64);
      Set<String> touched = new HashSet<>();
      if (Boolean.TRUE.equals(report.getValue(GONE))) {
        Node gone = nodes.remove(nodeId);
        if (gone != null) {
          gone.uids.forEach(u -> release(u, touched));
        }
      } else if (report.getValue(Field.UIDS) instanceof JsonArray list) {
        snapshot(node(nodeId), list, touched);
      } else {
        String uid = Check.string(report, Field.UID, 1, 64);
        Node node = node(nodeId);
        if (Boolean.TRUE.equals(report.getValue(Field.ONLINE))) {
          if (node.uids.add(uid)) {
            hold(uid, touched);
          }
        } else if (node.uids.remove(uid)) {
          release(uid, touched);
        }
      }
      touched.forEach(this::announceIfChanged);
    } catch (RuntimeException e) {
      LOG.debug("dropped a malformed presence report: {}", e.getMessage());
    }
  }

  private Node node(String nodeId) {
    Node node = nodes.computeIfAbsent(nodeId, id -> new Node());
    node.lastHeard = System.currentTimeMillis();
    return node;
  }

  private void snapshot(Node node, JsonArray list, Set<String> touched) {
    Set<String> now = new HashSet<>();
    list.forEach(u -> {
      if (u instanceof String s) {
        now.add(s);
      }
    });
    for (String uid : new ArrayList<>(node.uids)) {
      if (!now.contains(uid)) {
        node.uids.remove(uid);
        release(uid, touched);
      }
    }
    for (String uid : now) {
      if (node.uids.add(uid)) {
        hold(uid, touched);
      }
    }
  }

  private void hold(String uid, Set<String> touched) {
    if (liveNodes.merge(uid, 1, Integer::sum) == 1) {
      touched.add(uid);
    }
  }

  private void release(String uid, Set<String> touched) {
    Integer left = liveNodes.computeIfPresent(uid, (u, n) -> n <= 1 ? null : n - 1);
    if (left == null) {
      touched.add(uid);
    }
  }

  /** Drops gateways not heard from within the bound: their users go offline. */
  private void sweep() {
    long deadline = System.currentTimeMillis() - expiry.afterMs();
    Set<String> touched = new HashSet<>();
    nodes.entrySet().removeIf(e -> {
      if (e.getValue().lastHeard >= deadline) {
        return false;
      }
      LOG.info("gateway {} not heard from for {} ms: its users go offline", e.getKey(), expiry.afterMs());
      e.getValue().uids.forEach(u -> release(u, touched));
      return true;
    });
    touched.forEach(this::announceIfChanged);
  }

  /** Users the store shows as present whom no live gateway holds get their offline announced. */
  private void reconcile() {
    users.shownPresent(RECONCILE_BATCH)
        .onSuccess(uids -> uids.stream().filter(uid -> !liveNodes.containsKey(uid)).forEach(this::announceIfChanged))
        .onFailure(t -> LOG.warn("presence reconciliation failed: {}", t.getMessage()));
  }

  private void announceIfChanged(String uid) {
    announceIfChanged(uid, null);
  }

  /** Computes what others see, claims the change in the store, and the winner announces it. */
  private void announceIfChanged(String uid, String knownChoice) {
    Future<String> chosen = knownChoice != null ? Future.succeededFuture(knownChoice) : users.chosenPresence(uid);
    chosen.compose(choice -> {
      if (choice == null) {
        return Future.succeededFuture();
      }
      String state = shownAs(choice, liveNodes.containsKey(uid));
      return users.claimShown(uid, state)
          .compose(claimed -> claimed ? announce(uid, state) : Future.succeededFuture());
    }).onFailure(t -> LOG.warn("presence of {} not announced: {}", uid, t.getMessage()));
  }

  /** To every friend's connections, and to every session the user is a member of. */
  private Future<Void> announce(String uid, String state) {
    JsonObject event = Frames.event(Field.PRESENCE).put(Field.UID, uid).put(Field.STATE, state);
    Future<Void> toFriends = friends.acceptedOf(uid).map(list -> {
      list.forEach(f -> vertx.eventBus().publish(Address.fanoutUser(f), event));
      return null;
    });
    Bus.request(vertx, Address.SESSION_MEMBERSHIPS, new JsonObject().put(Field.UID, uid))
        .onSuccess(m -> m.getJsonArray(Field.SESSIONS, new JsonArray()).forEach(s -> {
          String sid = ((JsonObject) s).getString(Field.SID);
          vertx.eventBus().publish(Address.fanoutSession(sid), event.copy().put(Field.SID, sid));
        }))
        .onFailure(t -> LOG.debug("co-members of {} not told about presence: {}", uid, t.getMessage()));
    return toFriends;
  }

  static String shownAs(String chosen, boolean live) {
    if (!live || INVISIBLE.equals(chosen)) {
      return OFFLINE;
    }
    return chosen == null ? "online" : chosen;
  }
}
