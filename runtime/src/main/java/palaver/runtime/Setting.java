package palaver.runtime;

import java.util.Locale;

/**
 * Every configuration setting, with its flag, environment variable and
 * default. One table drives the command line, the env mapping, the defaults
 * and the configuration reference in the README. Secrets have no default and
 * no flag (flags show in {@code ps}); give them by env or config file.
 */
public enum Setting {
  HTTP_PORT("httpPort", "--http-port", Integer.class, 8080, "HTTP and WebSocket port of the gateway", false),
  HTTP_HOST("httpHost", "--http-host", String.class, "0.0.0.0", "interface the gateway listens on", false),
  DATA_DIR("dataDir", "--data-dir", String.class, "./data", "where the embedded store keeps its data", false),
  MONGO_URI("mongoUri", "--mongo-uri", String.class, null,
      "MongoDB connection string; without it the standalone jar runs its embedded store", false),
  MONGO_DB("mongoDb", "--mongo-db", String.class, "palaver", "database name", false),
  MONGO_TIMEOUT_MS("mongoTimeoutMs", "--mongo-timeout-ms", Integer.class, 10_000,
      "how long to wait for the store at start and per operation before failing", false),
  CLUSTER("cluster", "--cluster", Boolean.class, false, "join a Hazelcast cluster", false),
  CLUSTER_NAME("clusterName", "--cluster-name", String.class, "palaver", "Hazelcast cluster name", false),
  CLUSTER_HOST("clusterHost", "--cluster-host", String.class, "127.0.0.1",
      "address Hazelcast and the event bus bind to", false),
  CLUSTER_PORT("clusterPort", "--cluster-port", Integer.class, 5701, "Hazelcast member port", false),
  SEEDS("seeds", "--seeds", String.class, "", "Hazelcast members to join, host:port,host:port", false),
  PUBLIC_HOST("publicHost", "--public-host", String.class, null,
      "address other members reach this one at, when it differs from --cluster-host (NAT, containers)", false),
  KUBERNETES_SERVICE("kubernetesService", "--kubernetes-service", String.class, null,
      "join by Kubernetes DNS discovery of this headless service (e.g. palaver-hz.chat.svc.cluster.local)"
          + " instead of --seeds", false),
  CLUSTER_SECRET("clusterSecret", null, String.class, null,
      "shared secret of the cluster's members, >= 16 bytes (e.g. openssl rand -base64 32): a member without it"
          + " can't join (the Hazelcast cluster name is derived from it); without it a clustered node warns at start",
      false),
  BUS_TLS_CERT("busTlsCert", "--bus-tls-cert", String.class, null,
      "PEM certificate of this node for TLS on the event bus between nodes (with --bus-tls-key and --bus-tls-ca;"
          + " every node must have them)", false),
  BUS_TLS_KEY("busTlsKey", "--bus-tls-key", String.class, null, "PEM private key of --bus-tls-cert", false),
  BUS_TLS_CA("busTlsCa", "--bus-tls-ca", String.class, null,
      "PEM certificate(s) of the authority the other nodes' bus certificates must be signed by", false),
  METRICS_TOKEN("metricsToken", null, String.class, null,
      "bearer token, >= 16 bytes, that opens GET /metrics on the gateway's public port; without it that path is 404"
          + " (scrape the management port instead)", false),
  MANAGEMENT_PORT("managementPort", "--management-port", Integer.class, null,
      "port of /live, /ready and /metrics of this node, any service (off when absent; 0: any free port)", false),
  BUS_PORT("busPort", "--bus-port", Integer.class, 0, "event-bus TCP port (0: any free port)", false),
  STORE_PORT("storePort", "--store-port", Integer.class, null,
      "also serve the embedded store on port N (of --store-host) to other processes", true),
  STORE_HOST("storeHost", "--store-host", String.class, "127.0.0.1",
      "interface the served embedded store listens on (0.0.0.0 in a store container)", true),
  STORE_TLS("storeTls", "--store-tls", Boolean.class, true,
      "the embedded store speaks TLS only and requires the client certificate kept in <data-dir>/store-tls"
          + " (always, also when served with --store-port, unless --store-insecure)", true),
  STORE_INSECURE("storeInsecure", "--store-insecure", Boolean.class, false,
      "serve the embedded store on --store-port without TLS or authentication: any process that reaches the port"
          + " reads and writes everything (only on a network nobody else is on)", true),
  STORE_TLS_DIR("storeTlsDir", "--store-tls-dir", String.class, null,
      "directory with store.crt and store.key of a served embedded store (its <data-dir>/store-tls): how the other"
          + " processes connect to it", false),
  STORE_CACHE_MB("storeCacheMb", "--store-cache-mb", Integer.class, 16,
      "heap the embedded store may use as its page cache, in MiB", true),
  ALLOWED_ORIGINS("allowedOrigins", "--allowed-origins", String.class, "",
      "extra WebSocket/browser origins allowed, comma separated (same origin is always allowed)", false),
  TLS_CERT("tlsCert", "--tls-cert", String.class, null,
      "PEM certificate chain; with --tls-key the gateway serves HTTPS and WSS only, with HSTS, and reloads"
          + " both files when they change", false),
  TLS_KEY("tlsKey", "--tls-key", String.class, null, "PEM private key of --tls-cert", false),
  TRUSTED_PROXIES("trustedProxies", "--trusted-proxies", String.class, "",
      "reverse proxies whose X-Forwarded-For / Forwarded header names the client (IPs or CIDR networks,"
          + " comma separated); empty: the TCP peer is the client", false),
  MAX_FILE_SIZE("maxFileSize", "--max-file-size", Integer.class, 25 * 1024 * 1024,
      "largest file upload in bytes (larger ones are refused with 413)", false),
  STORAGE_QUOTA_MB("storageQuotaMb", "--storage-quota-mb", Integer.class, 1024,
      "bytes of original files each user may keep, in MiB (an upload past it is refused with 413 too_large); 0 = no quota",
      false),
  RETENTION_DAYS("retentionDays", "--retention-days", Integer.class, 0,
      "chat messages older than this many days are removed (with their files); 0 = kept forever; a group's owner or"
          + " admin may set a shorter retention of its own", false),
  RETENTION_SWEEP_SECONDS("retentionSweepSeconds", "--retention-sweep-seconds", Integer.class, 600,
      "how often message-service removes the messages past their retention", false),
  SIGN_UPS_PER_IP_PER_MINUTE("signUpsPerIpPerMinute", "--sign-ups-per-ip-per-minute", Integer.class, 10,
      "sign-ups one client address may make per minute (that many at once, then refilled evenly); 429 with Retry-After beyond",
      false),
  HTTP_IDLE_TIMEOUT_MS("httpIdleTimeoutMs", "--http-idle-timeout-ms", Integer.class, 120_000,
      "an HTTP connection that neither sends nor receives anything this long is closed (slowloris); never less than"
          + " wsIdleTimeoutMs + 2 x wsPingIntervalMs, so sockets the server pings when silent stay open", false),
  HTTP_HEADER_TIMEOUT_MS("httpHeaderTimeoutMs", "--http-header-timeout-ms", Integer.class, 10_000,
      "a connection that has not sent a complete request head this long after connecting is closed, however"
          + " slowly it dribbles bytes (slowloris); later requests on it: httpKeepAliveTimeoutMs", false),
  HTTP_KEEP_ALIVE_TIMEOUT_MS("httpKeepAliveTimeoutMs", "--http-keep-alive-timeout-ms", Integer.class, 65_000,
      "a kept-alive connection must complete its next request head this long after its previous answer, else it is"
          + " closed (above the 60 s HTTP clients such as Vert.x keep idle connections pooled)", false),
  HTTP_BODY_TIMEOUT_MS("httpBodyTimeoutMs", "--http-body-timeout-ms", Integer.class, 30_000,
      "a request body (an upload too) that brings no byte this long is answered 408 timeout and its connection closed",
      false),
  MAX_CONNECTIONS_PER_IP("maxConnectionsPerIp", "--max-connections-per-ip", Integer.class, 200,
      "HTTP and WebSocket connections one TCP peer address may hold on a gateway; one more is closed at once."
          + " Trusted proxies are not capped; 0 = no cap", false),
  WS_FRAMES_PER_SECOND("wsFramesPerSecond", "--ws-frames-per-second", Integer.class, 50,
      "frames a WebSocket may send per second (token bucket); over it: error rate_limited", false),
  WS_FRAME_BURST("wsFrameBurst", "--ws-frame-burst", Integer.class, 100, "burst size of that bucket", false),
  WS_USER_FRAMES_PER_SECOND("wsUserFramesPerSecond", "--ws-user-frames-per-second", Integer.class, 100,
      "frames one user's sockets on a gateway may send per second together (REST sends count too)", false),
  WS_USER_FRAME_BURST("wsUserFrameBurst", "--ws-user-frame-burst", Integer.class, 200,
      "burst size of the per-user bucket", false),
  WS_MAX_REJECTED_FRAMES("wsMaxRejectedFrames", "--ws-max-rejected-frames", Integer.class, 100,
      "rate-limited frames per 10 s before the socket is closed with 4429", false),
  WS_TYPING_INTERVAL_MS("wsTypingIntervalMs", "--ws-typing-interval-ms", Integer.class, 1_000,
      "at most one typing event per session per this interval", false),
  WS_OUTBOUND_QUEUE_BYTES("wsOutboundQueueBytes", "--ws-outbound-queue-bytes", Integer.class, 1024 * 1024,
      "unsent bytes one socket may hold before it is closed with 4008 (slow consumer)", false),
  WS_PING_INTERVAL_MS("wsPingIntervalMs", "--ws-ping-interval-ms", Integer.class, 20_000,
      "how often the server pings each socket", false),
  WS_IDLE_TIMEOUT_MS("wsIdleTimeoutMs", "--ws-idle-timeout-ms", Integer.class, 60_000,
      "a socket silent this long (no frame, no pong) is closed with 4408", false),
  WS_MAX_SOCKETS_PER_USER("wsMaxSocketsPerUser", "--ws-max-sockets-per-user", Integer.class, 20,
      "authenticated sockets one user may hold on a gateway; one more is closed with 4409", false),
  WS_RECHECK_INTERVAL_MS("wsRecheckIntervalMs", "--ws-recheck-interval-ms", Integer.class, 60_000,
      "how often each socket re-checks its token and memberships (also after every cluster topology change)", false),
  ADMINS("admins", "--admins", String.class, "",
      "logins (emails) of server admins, comma separated, besides the first account registered", false),
  REGISTRATION("registration", "--registration", String.class, "open",
      "who may sign up: open (anyone), invite (with an admin's single-use invite code) or closed", false),
  JWT_SECRET("jwtSecret", null, String.class, null,
      "JWT signing key, a text of >= 32 bytes (e.g. openssl rand -base64 32); when absent, from jwtSecretFile, else generated and kept in the store", false),
  JWT_SECRET_FILE("jwtSecretFile", "--jwt-secret-file", String.class, null,
      "file holding the JWT signing key (created 0600 with a new key when absent, never copied into the store);"
          + " the standalone jar's default is <data-dir>/jwt.secret. Ignored when jwtSecret is given", false),
  APPS("apps", null, io.vertx.core.json.JsonArray.class, null,
      "push-platform apps, a JSON array of {id, key, secret, ...} with Soketi's field names (see docs/push.md);"
          + " checked at start", false),
  ICE_SERVERS("iceServers", "--ice-servers", String.class, null,
      "STUN/TURN servers for the web client's calls, a JSON array of RTCIceServer objects {urls, username?, credential?}"
          + " handed to every signed-in client (a JSON array in a config file, its text as flag or env); none: calls only where the two browsers reach each other directly (a LAN)",
      false),
  CONFIG("config", "--config", String.class, null, "JSON configuration file", false);

  private final String key;
  private final String flag;
  private final Class<?> type;
  private final Object defaultValue;
  private final String description;
  private final boolean standaloneOnly;

  Setting(String key, String flag, Class<?> type, Object defaultValue, String description, boolean standaloneOnly) {
    this.key = key;
    this.flag = flag;
    this.type = type;
    this.defaultValue = defaultValue;
    this.description = description;
    this.standaloneOnly = standaloneOnly;
  }

  public String key() {
    return key;
  }

  /** The command-line flag, or null for settings that must not be on a command line. */
  public String flag() {
    return flag;
  }

  public Class<?> type() {
    return type;
  }

  public Object defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  public boolean standaloneOnly() {
    return standaloneOnly;
  }

  /** {@code httpPort} → {@code PALAVER_HTTP_PORT}. */
  public String env() {
    return "PALAVER_" + name().toUpperCase(Locale.ROOT);
  }

  /** Converts a string from env or a flag to this setting's type. */
  public Object parse(String raw) {
    if (type == Integer.class) {
      try {
        return Integer.parseInt(raw.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(env() + "/" + key + ": '" + raw + "' is not a number");
      }
    }
    if (type == Boolean.class) {
      String v = raw.trim().toLowerCase(Locale.ROOT);
      if (v.equals("true") || v.equals("1") || v.equals("yes") || v.isEmpty()) {
        return true;
      }
      if (v.equals("false") || v.equals("0") || v.equals("no")) {
        return false;
      }
      throw new IllegalArgumentException(env() + "/" + key + ": '" + raw + "' is not true or false");
    }
    if (type == io.vertx.core.json.JsonArray.class) {
      try {
        return new io.vertx.core.json.JsonArray(raw);
      } catch (io.vertx.core.json.DecodeException e) {
        throw new IllegalArgumentException(env() + "/" + key + ": not a JSON array: " + e.getMessage());
      }
    }
    return raw;
  }
}
