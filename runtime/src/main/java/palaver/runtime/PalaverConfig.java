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
