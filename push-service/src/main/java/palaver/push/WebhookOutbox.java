package palaver.push;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Ids;
import palaver.runtime.App;
import palaver.runtime.Apps;
import palaver.runtime.Signatures;

/**
 * Webhooks owed to app servers: the one owner of {@code push_webhooks}. A
 * batch of events is stored, one job per target URL that wants some of them,
 * before {@link Address#PUSH_WEBHOOK} is acknowledged, so the ack means it
 * will be sent even if this instance dies. Every instance runs the sender: it
 * claims a due job by moving its {@code nextAt} past a lease in one
 * findOneAndUpdate (so two instances never send one job at once, and a dead
 * instance's job is due again when the lease ends), POSTs Pusher's body
 * {@code {time_ms, events}} signed with {@code X-Pusher-Signature}, deletes the
 * job on a 2xx, and otherwise sets it due again after a backoff (1 s doubling
 * up to 60 s) until it has been retried for {@link PushTimings#retryForMs}.
 */
final class WebhookOutbox {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookOutbox.class);
  static final String COLLECTION = "push_webhooks";
  static final int MAX_EVENTS = 100;
  /** Sends in flight per instance: enough to hide a slow receiver, few enough not to flood one. */
  static final int MAX_IN_FLIGHT = 16;
  private static final String NEXT_AT = "nextAt";

  private final Vertx vertx;
  private final MongoClient mongo;
  private final Apps apps;
  private final PushTimings timings;
  private final WebClient http;
  private final MeterRegistry metrics = BackendRegistries.getDefaultNow();
  private int inFlight;
  private boolean claiming;
  private boolean closed;

  WebhookOutbox(Vertx vertx, MongoClient mongo, Apps apps, PushTimings timings) {
    this.vertx = vertx;
    this.mongo = mongo;
    this.apps = apps;
    this.timings = timings;
    this.http = WebClient.create(vertx, new WebClientOptions().setConnectTimeout((int) timings.requestTimeoutMs())
        .setFollowRedirects(false).setUserAgent("Palaver-Webhooks"));
  }

  Future<?> serve() {
    return mongo.createIndexWithOptions(COLLECTION, new JsonObject().put(NEXT_AT, 1), new IndexOptions().name(NEXT_AT))
        .compose(v -> Bus.serve(vertx, Address.PUSH_WEBHOOK, this::accept))
        .onSuccess(v -> vertx.setPeriodic(timings.senderTickMs(), id -> claimNext()));
  }

  /** Stops claiming; a job in flight is sent again by someone after its lease. */
  void close() {
    closed = true;
    http.close();
  }

  /** {@code {app, events: [{name, ...}]}} → {@code {stored}}: how many jobs (one per URL wanting some). */
  private Future<JsonObject> accept(JsonObject body) {
    String appId = Check.string(body, "app", 1, 64);
    if (apps.byId(appId) == null) {
      throw ErrorCode.NOT_FOUND.exception("no such app");
    }
    if (!(body.getValue("events") instanceof JsonArray events) || events.isEmpty() || events.size() > MAX_EVENTS) {
      throw ErrorCode.INVALID.exception("events must be an array of 1 to " + MAX_EVENTS + " webhook events");
    }
    for (Object e : events) {
      if (!(e instanceof JsonObject event) || !(event.getValue("name") instanceof String name)
          || !Apps.WEBHOOK_EVENTS.contains(name)) {
        throw ErrorCode.INVALID.exception("each event must be an object whose name is one of " + Apps.WEBHOOK_EVENTS);
      }
    }
    return enqueue(appId, events, System.currentTimeMillis()).map(n -> new JsonObject().put("stored", n));
  }

  /** Stores a job per webhook of the app wanting some of {@code events}; the number stored. */
  Future<Integer> enqueue(String appId, JsonArray events, long timeMs) {
    App app = apps.byId(appId);
    if (app == null) {
      return Future.succeededFuture(0);
    }
    List<Future<String>> stored = new ArrayList<>();
    for (App.Webhook hook : app.webhooks()) {
      JsonArray wanted = new JsonArray();
      events.forEach(e -> {
        if (hook.eventTypes().contains(((JsonObject) e).getString("name"))) {
          wanted.add(e);
        }
      });
      if (!wanted.isEmpty()) {
        String body = new JsonObject().put("time_ms", timeMs).put("events", wanted).encode();
        stored.add(mongo.insert(COLLECTION, new JsonObject().put("_id", Ids.timeOrdered()).put("app", appId)
            .put("url", hook.url()).put("body", body).put("createdAt", timeMs).put("failures", 0)
            .put(NEXT_AT, timeMs)));
      }
    }
    return Future.all(stored).map(v -> stored.size());
  }

  // ---- sender

  /** Claims due jobs one after another while there is room; one claiming chain at a time. */
  private void claimNext() {
    if (closed || claiming || inFlight >= MAX_IN_FLIGHT) {
      return;
    }
    claiming = true;
    long now = System.currentTimeMillis();
    mongo.findOneAndUpdateWithOptions(COLLECTION, new JsonObject().put(NEXT_AT, new JsonObject().put("$lte", now)),
            new JsonObject().put("$set", new JsonObject().put(NEXT_AT, now + timings.leaseMs())),
            new FindOptions().setSort(new JsonObject().put(NEXT_AT, 1)), new UpdateOptions().setReturningNewDocument(true))
        .onComplete(ar -> {
          claiming = false;
          if (ar.failed()) {
            LOG.warn("webhook jobs not claimed: {}", ar.cause().getMessage());
          } else if (ar.result() != null && !closed) {
            inFlight++;
            send(ar.result()).onComplete(done -> {
              inFlight--;
              claimNext();
            });
            claimNext();
          }
        });
  }

  private Future<Void> send(JsonObject job) {
    App app = apps.byId(job.getString("app"));
    if (app == null) {
      LOG.warn("webhook job {} dropped: app {} is no longer configured", job.getString("_id"), job.getString("app"));
      return delete(job);
    }
    String body = job.getString("body");
    count("palaver.push.webhook.attempts", "webhook POSTs made", app.id());
    return http.postAbs(job.getString("url"))
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Pusher-Key", app.key())
        .putHeader("X-Pusher-Signature", Signatures.hmacSha256Hex(app.secret(), body))
        .timeout(timings.requestTimeoutMs())
        .sendBuffer(Buffer.buffer(body))
        .transform(ar -> {
          if (ar.succeeded() && ar.result().statusCode() / 100 == 2) {
            return delete(job);
          }
          String why = ar.succeeded() ? "HTTP " + ar.result().statusCode() : ar.cause().getClass().getSimpleName();
          return failed(app, job, why);
        });
  }

  private Future<Void> failed(App app, JsonObject job, String why) {
    count("palaver.push.webhook.failures", "webhook POSTs that did not get a 2xx", app.id());
    int failures = job.getInteger("failures", 0) + 1;
    long now = System.currentTimeMillis();
    long next = now + timings.retryDelayMs(failures);
    if (next - job.getLong("createdAt", now) > timings.retryForMs()) {
      count("palaver.push.webhook.given_up", "webhooks given up after retrying", app.id());
      LOG.warn("webhook to {} of app {} given up after {} attempts ({})", job.getString("url"), app.id(), failures, why);
      return delete(job);
    }
    LOG.debug("webhook to {} of app {} failed ({}), attempt {}; next in {} ms", job.getString("url"), app.id(), why,
        failures, next - now);
    return mongo.updateCollection(COLLECTION, new JsonObject().put("_id", job.getString("_id")),
        new JsonObject().put("$set", new JsonObject().put("failures", failures).put(NEXT_AT, next))).mapEmpty();
  }

  private Future<Void> delete(JsonObject job) {
    return mongo.removeDocument(COLLECTION, new JsonObject().put("_id", job.getString("_id"))).mapEmpty();
  }

  private void count(String name, String description, String app) {
    if (metrics != null) {
      io.micrometer.core.instrument.Counter.builder(name).description(description).tag("app", app)
          .register(metrics).increment();
    }
  }
}
