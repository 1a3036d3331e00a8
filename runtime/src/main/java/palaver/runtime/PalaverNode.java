package palaver.runtime;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Bus;

/**
 * One running Palaver process: a Vert.x instance (clustered or not) with a
 * set of service verticles deployed on it. Tests start several of these in
 * one JVM; the jars start one each through {@link Launcher}.
 */
public final class PalaverNode {
  private static final Logger LOG = LoggerFactory.getLogger(PalaverNode.class);

  /** A verticle of a service; {@code instances} > 1 spreads it over event loops. */
  public record Service(String name, Supplier<? extends Deployable> verticle, int instances) {
    public Service(String name, Supplier<? extends Deployable> verticle) {
      this(name, verticle, 1);
    }
  }

  private final Vertx vertx;
  private final JsonObject config;
  private final List<String> deployments = new ArrayList<>();
  private HttpServer management;
  private volatile boolean stopping;
  private volatile StoreBackup backup;

  private PalaverNode(Vertx vertx, JsonObject config) {
    this.vertx = vertx;
    this.config = config;
  }

  public Vertx vertx() {
    return vertx;
  }

  public JsonObject config() {
    return config;
  }

  /** The HTTP methods that keep their own {@code http_method} label value; any other is counted as {@link #OTHER_METHOD}. */
  static final String KNOWN_METHODS = "GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|TRACE|CONNECT";
  static final String OTHER_METHOD = "OTHER";

  /**
   * Prometheus metrics with the HTTP method label bounded: a client may send any token as the
   * method, and each new value would be a new series kept forever (made-up methods filled a node's heap).
   */
  static MicrometerMetricsOptions metricsOptions() {
    Match unknownMethod = new Match().setLabel(Label.HTTP_METHOD.toString()).setType(MatchType.REGEX)
        .setValue("(?!(?:" + KNOWN_METHODS + ")$).*").setAlias(OTHER_METHOD);
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .addLabelMatch(unknownMethod)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
  }

  /** Starts Vert.x and deploys {@code services} in order; fails (and cleans up) if any fails. */
  public static Future<PalaverNode> start(JsonObject config, List<Service> services) {
    VertxOptions options = new VertxOptions().setMetricsOptions(metricsOptions());
    boolean clustered = config.getBoolean(Setting.CLUSTER.key(), false);
    try {
      Apps.from(config); // a bad app entry stops every kind of node at once, before it joins anything
      if (clustered) {
        ClusterSetup.vertxOptions(config, options);
        warnIfOpen(config);
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Future<Vertx> vertxFuture;
    if (clustered) {
      vertxFuture = Vertx.builder()
          .with(options)
          .withClusterManager(ClusterSetup.clusterManager(config))
          .buildClustered();
    } else {
      vertxFuture = Future.succeededFuture(Vertx.builder().with(options).build());
    }
    return vertxFuture.compose(vertx -> {
      ClusterTopology.announce(vertx);
      PalaverNode node = new PalaverNode(vertx, config);
      return node.migrateSchema()
          .compose(v -> node.deployAll(services))
          .compose(v -> node.startManagement())
          .map(node)
          .recover(t -> {
            // Not after close: its completion would be dispatched to this Vert.x's stopped event loop and
            // never reach the caller (the launcher would hang instead of printing why it can't start).
            vertx.close().onFailure(e -> LOG.warn("close after a failed start: {}", e.getMessage()));
            return Future.failedFuture(t);
          });
    });
  }

  /**
   * A clustered node without a cluster secret lets any host that reaches its Hazelcast port join (and then
   * read subscriptions and send on the bus); without bus TLS any host that reaches the bus port can send
   * requests that act for any user. Both are said loudly at every start (docs/operations.md, Cluster security).
   */
  private static void warnIfOpen(JsonObject config) {
    if (ClusterSetup.clusterSecret(config) == null) {
      SecurityLog.event("cluster_without_secret", "hint",
          "any host that reaches the cluster port can join this cluster: give every member the same PALAVER_CLUSTER_SECRET");
    }
    if (!ClusterSetup.busTlsOn(config)) {
      SecurityLog.event("bus_without_tls", "hint",
          "any host that reaches the event-bus port can send requests as any user: use busTlsCert, busTlsKey and busTlsCa");
    }
  }

  /** Nodes with a store bring its schema up to date (or refuse a newer one) before any service uses it. */
  private Future<Void> migrateSchema() {
    if (config.getString(Setting.MONGO_URI.key()) == null) {
      return Future.succeededFuture();
    }
    io.vertx.ext.mongo.MongoClient mongo = Store.client(vertx, config);
    return Store.ping(mongo, config)
        .compose(v -> Schema.migrate(mongo))
        .onSuccess(version -> LOG.info("store schema version {}", version))
        .eventually(mongo::close)
        .mapEmpty();
  }

  private Future<Void> deployAll(List<Service> services) {
    Future<Void> chain = Future.succeededFuture();
    for (Service service : services) {
      chain = chain.compose(v -> vertx.deployVerticle(service.verticle(),
              new DeploymentOptions().setConfig(config.copy()).setInstances(service.instances()))
          .onSuccess(id -> {
            deployments.add(id);
            LOG.info("{} started", service.name());
          })
          .recover(t -> Future.failedFuture(new IllegalStateException(
              service.name() + " did not start: " + t.getMessage(), t)))
          .mapEmpty());
    }
    return chain;
  }

  /**
   * The management port of every kind of node ({@code --management-port}, off when absent):
   * {@code GET /live} 200 while the process answers; {@code GET /ready} 200 once its services
   * are deployed and, when clustered, while it is an active cluster member, 503 once it stops;
   * {@code GET /metrics} Prometheus text. It needs nothing from other services, so one service
   * being down never takes another out of rotation.
   */
  private Future<Void> startManagement() {
    Integer port = config.getInteger(Setting.MANAGEMENT_PORT.key());
    if (port == null || port < 0) {
      return Future.succeededFuture();
    }
    management = vertx.createHttpServer().requestHandler(this::manage);
    return management.listen(port, config.getString(Setting.HTTP_HOST.key(), "0.0.0.0"))
        .onSuccess(server -> LOG.info("management on port {}", server.actualPort()))
        .mapEmpty();
  }

  private void manage(HttpServerRequest req) {
    switch (req.path()) {
      case "/live" -> req.response().putHeader("content-type", "text/plain").end("UP\n");
      case "/ready" -> {
        var cluster = ((VertxInternal) vertx).clusterManager();
        boolean ready = !stopping && (cluster == null || cluster.isActive());
        req.response().setStatusCode(ready ? 200 : 503).putHeader("content-type", "text/plain")
            .end(ready ? "READY\n" : "NOT READY\n");
      }
      case "/backup" -> backup(req);
      case "/metrics" -> {
        if (BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry prometheus) {
          req.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(prometheus.scrape());
        } else {
          req.response().setStatusCode(404).end();
        }
      }
      default -> req.response().setStatusCode(404).end();
    }
  }

  /** Lets {@code POST /backup} on the management port copy this node's embedded store (null: none). */
  public void serveBackup(StoreBackup backup) {
    this.backup = backup;
  }

  /**
   * {@code POST /backup} with the data dir's token in {@link StoreBackup#TOKEN_HEADER}: the running
   * store's consistent copy (a zip), written on a worker to a file in the data dir and then sent; 404
   * on a node without an embedded store, 403 without the right token.
   */
  private void backup(HttpServerRequest req) {
    StoreBackup source = backup;
    if (source == null) {
      req.response().setStatusCode(404).end("this node runs no embedded store: back up its MongoDB (mongodump)\n");
      return;
    }
    if (req.method() != io.vertx.core.http.HttpMethod.POST) {
      req.response().setStatusCode(405).putHeader("allow", "POST").end();
      return;
    }
    vertx.executeBlocking(() -> {
      String given = req.getHeader(StoreBackup.TOKEN_HEADER);
      if (given == null || !java.security.MessageDigest.isEqual(given.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          source.token().getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
        return null;
      }
      java.nio.file.Path copy = source.workDir().resolve("backup-" + System.nanoTime() + ".zip.part");
      try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(copy,
          java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
        source.writeTo(out);
      } catch (java.io.IOException | RuntimeException e) {
        java.nio.file.Files.deleteIfExists(copy);
        throw e;
      }
      return copy;
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("backup failed: {}", ar.cause().toString());
        req.response().setStatusCode(500).end("backup failed: " + ar.cause().getMessage() + "\n");
      } else if (ar.result() == null) {
        SecurityLog.event("backup_refused", "ip", req.remoteAddress() == null ? null : req.remoteAddress().hostAddress());
        req.response().setStatusCode(403).end("a backup needs the data dir's backup token\n");
      } else {
        java.nio.file.Path copy = ar.result();
        req.response().putHeader("content-type", "application/zip").sendFile(copy.toString())
            .onComplete(sent -> vertx.fileSystem().delete(copy.toString()));
      }
    });
  }

  /** The management port's actual port (tests start nodes on port 0), or -1 when off. */
  public int managementPort() {
    return management == null ? -1 : management.actualPort();
  }

  /**
   * Graceful stop: undeploy in reverse order (the gateway first: it closes its
   * sockets with 1001), draining the bus after each step so work that step set
   * off (in-flight writes, presence updates of the closed sockets) finishes
   * while the services it needs still run; then leave the cluster by closing
   * Vert.x.
   */
  public Future<Void> close() {
    stopping = true;
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.compose(v -> vertx.undeploy(id).recover(t -> {
        LOG.warn("undeploy failed: {}", t.getMessage());
        return Future.succeededFuture();
      })).compose(v -> drain());
    }
    deployments.clear();
    return chain.compose(v -> vertx.close());
  }

  private static final long DRAIN_QUIET_MS = 200;
  private static final long DRAIN_MAX_MS = 5_000;

  /** Completes once no bus request has been in flight for a short quiet period (at most a few seconds). */
  private Future<Void> drain() {
    io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
    long deadline = System.currentTimeMillis() + DRAIN_MAX_MS;
    long[] quietSince = {System.currentTimeMillis()};
    vertx.setPeriodic(0, 25, timer -> {
      long now = System.currentTimeMillis();
      if (Bus.inFlightCount(vertx) > 0) {
        quietSince[0] = now;
      }
      if (now - quietSince[0] >= DRAIN_QUIET_MS || now > deadline) {
        vertx.cancelTimer(timer);
        drained.complete();
      }
    });
    return drained.future();
  }
}
