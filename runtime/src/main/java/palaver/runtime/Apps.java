package palaver.runtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The configured push-platform apps, by id and by key, checked once at start:
 * a bad entry (duplicate id or key, secret under 32 bytes, bad webhook URL,
 * wrong type) stops the node with a message naming the entry and the field.
 */
public final class Apps {
  public static final int MIN_SECRET_BYTES = 32;
  /** The webhook kinds Pusher defines. */
  public static final Set<String> WEBHOOK_EVENTS = Set.of(
      "channel_occupied", "channel_vacated", "member_added", "member_removed", "client_event");
  /** Ids and keys appear in paths and bus addresses: keep them to URL- and address-safe characters. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  static final int DEFAULT_MAX_PRESENCE_MEMBERS = 100;
  static final int DEFAULT_MAX_EVENT_BYTES = 10 * 1024;
  static final int DEFAULT_CLIENT_EVENTS_PER_SECOND = 10;
  static final int DEFAULT_BACKEND_EVENTS_PER_SECOND = 1_000;
  static final long DEFAULT_RETENTION_SECONDS = 7L * 24 * 3600;

  private final Map<String, App> byId;
  private final Map<String, App> byKey;

  private Apps(Map<String, App> byId, Map<String, App> byKey) {
    this.byId = byId;
    this.byKey = byKey;
  }

  /** The apps of a node's configuration (none when {@code apps} is absent); {@link IllegalArgumentException} on a bad entry. */
  public static Apps from(JsonObject config) {
    Object raw = config.getValue(Setting.APPS.key());
    if (raw == null) {
      return new Apps(Map.of(), Map.of());
    }
    if (raw instanceof String s) {
      raw = Setting.APPS.parse(s);
    }
    if (!(raw instanceof JsonArray list)) {
      throw new IllegalArgumentException("apps must be a JSON array of apps");
    }
    Map<String, App> byId = new LinkedHashMap<>();
    Map<String, App> byKey = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String where = "apps[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject entry)) {
        throw new IllegalArgumentException(where + " must be an object");
      }
      App app = parse(where, entry);
      if (byId.putIfAbsent(app.id(), app) != null) {
        throw new IllegalArgumentException(where + ": duplicate id '" + app.id() + "'");
      }
      if (byKey.putIfAbsent(app.key(), app) != null) {
        throw new IllegalArgumentException(where + ": duplicate key '" + app.key() + "'");
      }
    }
    return new Apps(Map.copyOf(byId), Map.copyOf(byKey));
  }

  public App byId(String id) {
    return id == null ? null : byId.get(id);
  }

  public App byKey(String key) {
    return key == null ? null : byKey.get(key);
  }

  public Collection<App> all() {
    return byId.values();
  }

  public boolean isEmpty() {
    return byId.isEmpty();
  }

  private static App parse(String where, JsonObject e) {
    String id = name(where, e, "id");
    String key = name(where, e, "key");
    Object secretValue = e.getValue("secret");
    if (!(secretValue instanceof String secret) || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(where + " (" + id + "): secret must be a text of at least "
          + MIN_SECRET_BYTES + " bytes (e.g. openssl rand -hex 32)");
    }
    Object nameValue = e.getValue("name", id);
    if (!(nameValue instanceof String name)) {
      throw new IllegalArgumentException(where + " (" + id + "): name must be a text");
    }
    boolean clientMessages = bool(where, e, "enableClientMessages", false);
    int maxConnections = integer(where, e, "maxConnections", -1, -1);
    int maxPresence = integer(where, e, "maxPresenceMembers",
        integer(where, e, "maxPresenceMembersPerChannel", DEFAULT_MAX_PRESENCE_MEMBERS, 1), 1);
    Integer payloadKb = e.containsKey("maxEventPayloadInKb") ? integer(where, e, "maxEventPayloadInKb", 10, 1) : null;
    int maxEventBytes = integer(where, e, "maxEventBytes",
        payloadKb == null ? DEFAULT_MAX_EVENT_BYTES : payloadKb * 1024, 1);
    int clientRate = integer(where, e, "maxClientEventsPerSecond", DEFAULT_CLIENT_EVENTS_PER_SECOND, 1);
    int backendRate = integer(where, e, "maxBackendEventsPerSecond", DEFAULT_BACKEND_EVENTS_PER_SECOND, 1);
    long retention = integer(where, e, "retentionSeconds", (int) DEFAULT_RETENTION_SECONDS, 1);
    return new App(id, key, secret, name, clientMessages, maxConnections, maxPresence, maxEventBytes, clientRate,
        backendRate, retention, webhooks(where + " (" + id + ")", e.getValue("webhooks")),
        origins(where + " (" + id + ")", e.getValue("allowedOrigins")));
  }

  private static String name(String where, JsonObject e, String field) {
    Object v = e.getValue(field);
    if (v instanceof Number n) {
      v = String.valueOf(n);
    }
    if (!(v instanceof String s) || !NAME.matcher(s).matches()) {
      throw new IllegalArgumentException(where + ": " + field + " must be 1 to 64 characters of A-Z a-z 0-9 _ . -");
    }
    return s;
  }

  private static boolean bool(String where, JsonObject e, String field, boolean dflt) {
    Object v = e.getValue(field, dflt);
    if (!(v instanceof Boolean b)) {
      throw new IllegalArgumentException(where + ": " + field + " must be true or false");
    }
    return b;
  }

  private static int integer(String where, JsonObject e, String field, int dflt, int min) {
    Object v = e.getValue(field, dflt);
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min
        || ((Number) v).longValue() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(where + ": " + field + " must be a whole number of at least " + min);
    }
    return ((Number) v).intValue();
  }

  private static List<App.Webhook> webhooks(String where, Object raw) {
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof JsonArray list)) {
      throw new IllegalArgumentException(where + ": webhooks must be an array of {url, event_types}");
    }
    List<App.Webhook> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = where + ": webhooks[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject hook)) {
        throw new IllegalArgumentException(at + " must be an object");
      }
      out.add(new App.Webhook(url(at, hook.getValue("url")), eventTypes(at, hook.getValue("event_types"))));
    }
    return List.copyOf(out);
  }

  private static String url(String at, Object raw) {
    if (raw instanceof String s) {
      try {
        URI uri = new URI(s);
        if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
          return s;
        }
      } catch (URISyntaxException ignored) {
        // reported below
      }
    }
    throw new IllegalArgumentException(at + ": url must be an absolute http or https URL, got " + raw);
  }

  private static Set<String> eventTypes(String at, Object raw) {
    if (!(raw instanceof JsonArray list) || list.isEmpty()) {
      throw new IllegalArgumentException(at + ": event_types must be a non-empty array of " + WEBHOOK_EVENTS);
    }
    Set<String> out = new HashSet<>();
    for (Object t : list) {
      if (!(t instanceof String s) || !WEBHOOK_EVENTS.contains(s)) {
        throw new IllegalArgumentException(at + ": unknown event type " + t + "; known: " + WEBHOOK_EVENTS);
      }
      out.add(s);
    }
    return Set.copyOf(out);
  }

  private static Set<String> origins(String where, Object raw) {
    if (raw == null) {
      return Set.of();
    }
    if (!(raw instanceof JsonArray list) || !list.stream().allMatch(o -> o instanceof String)) {
      throw new IllegalArgumentException(where + ": allowedOrigins must be an array of origins (or \"*\")");
    }
    Set<String> out = new HashSet<>();
    list.forEach(o -> out.add((String) o));
    return Set.copyOf(out);
  }
}
