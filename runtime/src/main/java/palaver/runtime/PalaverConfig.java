package palaver.runtime;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Loads the configuration with vertx-config from four layers:
 * defaults &lt; file &lt; env {@code PALAVER_*} &lt; flags.
 */
public final class PalaverConfig {
  private PalaverConfig() {
  }

  public static JsonObject defaults() {
    JsonObject json = new JsonObject();
    for (Setting s : Setting.values()) {
      if (s.defaultValue() != null) {
        json.put(s.key(), s.defaultValue());
      }
    }
    return json;
  }

  public static JsonObject fromEnv(Map<String, String> env) {
    JsonObject json = new JsonObject();
    for (Setting s : Setting.values()) {
      String raw = env.get(s.env());
      if (raw != null) {
        json.put(s.key(), s.parse(raw));
      }
    }
    return json;
  }

  public static Future<JsonObject> load(Vertx vertx, JsonObject flags, Map<String, String> env) {
    JsonObject envLayer;
    try {
      envLayer = fromEnv(env);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    String file = flags.getString(Setting.CONFIG.key(), envLayer.getString(Setting.CONFIG.key()));
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(-1)
        .addStore(json(defaults()));
    if (file != null) {
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("json")
          .setConfig(new JsonObject().put("path", file)));
    }
    options.addStore(json(envLayer)).addStore(json(flags));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .recover(t -> Future.failedFuture(new IllegalArgumentException(
            "cannot read configuration" + (file == null ? "" : " file " + file) + ": " + rootMessage(t))))
        .map(PalaverConfig::normalize)
        .compose(PalaverConfig::refuseUnknownKeys)
        .onComplete(ar -> retriever.close());
  }

  /** File values may be strings where numbers belong; settle the types once. */
  static JsonObject normalize(JsonObject config) {
    for (Setting s : Setting.values()) {
      Object v = config.getValue(s.key());
      if (v instanceof String str && s.type() != String.class) {
        config.put(s.key(), s.parse(str));
      } else if (v != null && s.type() == String.class && !(v instanceof String)) {
        config.put(s.key(), String.valueOf(v));
      }
    }
    return config;
  }

  /**
   * Every layer but the file holds known keys only, so an unknown key is a typo (or a setting of
   * another version) in the file: refused, naming the closest known setting, instead of silently ignored.
   */
  static Future<JsonObject> refuseUnknownKeys(JsonObject config) {
    java.util.Set<String> known = new java.util.HashSet<>();
    for (Setting s : Setting.values()) {
      known.add(s.key());
    }
    java.util.List<String> unknown = config.fieldNames().stream().filter(k -> !known.contains(k)).sorted().toList();
    if (unknown.isEmpty()) {
      return Future.succeededFuture(config);
    }
    StringBuilder msg = new StringBuilder("unknown setting");
    msg.append(unknown.size() == 1 ? " " : "s ");
    for (int i = 0; i < unknown.size(); i++) {
      String key = unknown.get(i);
      msg.append(i == 0 ? "" : ", ").append('\'').append(key).append('\'');
      String near = closest(key, known);
      if (near != null) {
        msg.append(" (did you mean '").append(near).append("'?)");
      }
    }
    return Future.failedFuture(new IllegalArgumentException(msg.append(" in the configuration file").toString()));
  }

  /** The known key within edit distance 3 of {@code key}, case-insensitively, if any. */
  private static String closest(String key, java.util.Set<String> known) {
    String best = null;
    int bestDistance = 4;
    for (String k : known) {
      int d = distance(key.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static ConfigStoreOptions json(JsonObject json) {
    return new ConfigStoreOptions().setType("json").setConfig(json);
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
