package palaver.standalone;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import palaver.gateway.GatewayVerticle;
import palaver.message.FileVerticle;
import palaver.message.MessageVerticle;
import palaver.push.PushVerticle;
import palaver.runtime.Launcher;
import palaver.runtime.PalaverNode;
import palaver.runtime.Setting;
import palaver.runtime.StoreBackup;
import palaver.session.SessionVerticle;
import palaver.store.EmbeddedStore;
import palaver.user.UserVerticle;

/** {@code java -jar palaver.jar}: every service, and the embedded store unless {@code --mongo-uri} is given. */
public final class StandaloneMain {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StandaloneMain.class);
  private StandaloneMain() {
  }

  /** The services of a standalone node, in start order (the gateway last, once everything answers). */
  public static List<PalaverNode.Service> services() {
    return List.of(
        new PalaverNode.Service("user-service", UserVerticle::new),
        new PalaverNode.Service("session-service", SessionVerticle::new),
        new PalaverNode.Service("message-service", MessageVerticle::new),
        new PalaverNode.Service("message-files", FileVerticle::new),
        new PalaverNode.Service("push-service", PushVerticle::new),
        new PalaverNode.Service("gateway", GatewayVerticle::new));
  }

  public static void main(String[] args) {
    if (args.length > 0 && StoreCommands.NAMES.contains(args[0])) {
      System.exit(StoreCommands.run(args));
    }
    Launcher.main("palaver", "Palaver: chat server and push platform, every service in one JVM.",
        true, args, new StorePreparation(), services());
  }

  /** What {@code POST /backup} of the management port copies: the running embedded store. */
  public static StoreBackup backupOf(EmbeddedStore store) {
    return new StoreBackup() {
      @Override
      public String token() throws java.io.IOException {
        return store.backupToken();
      }

      @Override
      public Path workDir() {
        return store.dataDir();
      }

      @Override
      public void writeTo(java.io.OutputStream out) throws java.io.IOException {
        store.backup(out);
      }
    };
  }

  /** Starts the embedded store when no MongoDB is configured (or when asked to serve it). */
  static final class StorePreparation implements Launcher.Preparation {
    /** The signing key's file in the data dir, when neither jwtSecret nor jwtSecretFile is given. */
    static final String JWT_SECRET_FILE = "jwt.secret";
    private EmbeddedStore store;

    @Override
    public JsonObject prepare(JsonObject config) throws Exception {
      Integer storePort = config.getInteger(Setting.STORE_PORT.key());
      if (config.getString(Setting.MONGO_URI.key()) != null) {
        if (storePort != null) {
          throw new IllegalArgumentException("--store-port serves the embedded store; it can't be used with --mongo-uri");
        }
        return config;
      }
      // The store always requires our credential; the other processes a served one (--store-port) is for
      // get it through --store-tls-dir. Only an explicit --store-insecure serves it open.
      boolean tls = storePort == null || !Boolean.TRUE.equals(config.getBoolean(Setting.STORE_INSECURE.key()));
      if (!tls) {
        LOG.warn("the embedded store on port {} is served WITHOUT authentication (--store-insecure): any process"
            + " that reaches it can read password hashes and write anything", storePort);
      }
      store = EmbeddedStore.start(Path.of(config.getString(Setting.DATA_DIR.key())),
          config.getString(Setting.STORE_HOST.key()), storePort,
          config.getInteger(Setting.STORE_CACHE_MB.key()), tls);
      if (store.tls() != null) {
        config.put(Setting.STORE_TLS_DIR.key(), store.tls().dir().toString());
      }
      // The signing key stays beside the store, not in it: a holder of the store credential can't mint tokens.
      if (config.getString(Setting.JWT_SECRET.key()) == null && config.getString(Setting.JWT_SECRET_FILE.key()) == null) {
        config.put(Setting.JWT_SECRET_FILE.key(),
            Path.of(config.getString(Setting.DATA_DIR.key())).resolve(JWT_SECRET_FILE).toString());
      }
      return config.put(Setting.MONGO_URI.key(), store.connectionString());
    }

    @Override
    public StoreBackup backup() {
      return store == null ? null : backupOf(store);
    }

    @Override
    public void close() {
      if (store != null) {
        store.close();
      }
    }
  }
}
