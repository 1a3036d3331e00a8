package palaver.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.HdrHistogram.Histogram;

/**
 * The push scenario: N apps, M public channels each, K Pusher-protocol
 * subscribers per channel; events are triggered over the signed HTTP API
 * ({@code POST /apps/{id}/events}) at a fixed rate, spread round-robin over
 * the channels. Delivery latency is measured from each event's intended
 * trigger time (no coordinated omission); every accepted event must reach
 * each of its channel's K subscribers exactly once. One event loop holds all
 * the bookkeeping, as in {@link LoadGenerator}.
 */
final class PushLoad implements AutoCloseable {
  /** An app of the server's {@code apps} setting, as the generator needs it. */
  record App(String id, String key, String secret) {
  }

  private static final class Subscriber {
    final int id;
    final String channel;
    final BitSet seen = new BitSet();
    WebSocket ws;

    Subscriber(int id, String channel) {
      this.id = id;
      this.channel = channel;
    }
  }

  private final Vertx vertx;
  private final Context loop;
  private final String host;
  private final int port;
  private final WebSocketClient wsClient;
  private final HttpClient http;
  private final List<Subscriber> subscribers = new ArrayList<>();
  /** Per event index: accepted by the HTTP API. */
  private final BitSet accepted = new BitSet();
  private Histogram delivery = LoadGenerator.histogram();
  private Histogram trigger = LoadGenerator.histogram();
  private long deliveries;
  private long duplicates;
  private long rejected;
  private long unexpected;
  private long base;

  PushLoad(String host, int port) {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setBlockedThreadCheckInterval(60_000));
    loop = vertx.getOrCreateContext();
    this.host = host;
    this.port = port;
    wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(20_000)
        .setConnectTimeout(30_000));
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64));
  }

  <T> T onLoop(Callable<Future<T>> work) {
    return LoadGenerator.onLoop(loop, work);
  }

  /** Connects K subscribers to every channel of every app; answers how many failed. */
  int connect(List<App> apps, int channels, int perChannel) {
    List<Future<Void>> all = new ArrayList<>();
    onLoop(() -> {
      for (App app : apps) {
        for (int c = 0; c < channels; c++) {
          for (int k = 0; k < perChannel; k++) {
            Subscriber s = new Subscriber(subscribers.size(), channelName(app, c));
            subscribers.add(s);
            all.add(subscribe(app, s));
          }
        }
      }
      return Future.succeededFuture();
    });
    return onLoop(() -> Future.join(all).transform(ar -> Future.succeededFuture(
        (int) all.stream().filter(Future::failed).count())));
  }

  static String channelName(App app, int c) {
    return "bench-" + app.id() + "-" + c;
  }

  private Future<Void> subscribe(App app, Subscriber s) {
    Promise<Void> subscribed = Promise.promise();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port)
        .setURI("/app/" + app.key() + "?protocol=7&client=palaver-bench&version=1");
    // Handlers before connecting: connection_established comes at once, and must not beat them.
    io.vertx.core.http.ClientWebSocket ws = wsClient.webSocket();
    s.ws = ws;
    ws.textMessageHandler(text -> onFrame(s, new JsonObject(text), subscribed));
    ws.closeHandler(v -> subscribed.tryFail("closed " + ws.closeStatusCode()));
    ws.connect(options).onFailure(subscribed::tryFail);
    return subscribed.future().timeout(30, TimeUnit.SECONDS);
  }

  private void onFrame(Subscriber s, JsonObject frame, Promise<Void> subscribed) {
    String event = frame.getString("event", "");
    switch (event) {
      case "pusher:connection_established" -> s.ws.writeTextMessage(new JsonObject().put("event", "pusher:subscribe")
          .put("data", new JsonObject().put("channel", s.channel)).encode());
      case "pusher_internal:subscription_succeeded" -> subscribed.tryComplete();
      case "pusher:ping" -> s.ws.writeTextMessage("{\"event\":\"pusher:pong\",\"data\":{}}");
      case "bench" -> delivered(s, new JsonObject(frame.getString("data")));
      default -> {
        if (event.equals("pusher:error") || event.equals("pusher:subscription_error")) {
          subscribed.tryFail(frame.encode());
        }
      }
    }
  }

  private void delivered(Subscriber s, JsonObject data) {
    int i = data.getInteger("i");
    if (data.getLong("b") != base) {
      return; // from an earlier (warm-up) step
    }
    if (s.seen.get(i)) {
      duplicates++;
      return;
    }
    s.seen.set(i);
    deliveries++;
    delivery.recordValue(Math.max(0, Math.min(LoadGenerator.HIGHEST_MICROS,
        (System.nanoTime() - data.getLong("t")) / 1_000)));
  }

  /** Triggers {@code rate} events per second for {@code seconds}, round-robin over apps and channels; then drains. */
  JsonObject run(List<App> apps, int channels, int perChannel, double rate, double seconds, double drainSeconds)
      throws InterruptedException {
    onLoop(() -> {
      base = System.nanoTime();
      accepted.clear();
      subscribers.forEach(s -> s.seen.clear());
      delivery = LoadGenerator.histogram();
      trigger = LoadGenerator.histogram();
      deliveries = duplicates = rejected = unexpected = 0;
      return Future.succeededFuture();
    });
    FixedRateSchedule schedule = FixedRateSchedule.forDuration(System.nanoTime() + 100_000_000L, rate, seconds);
    long[] next = {0};
    long timer = onLoop(() -> Future.succeededFuture(vertx.setPeriodic(1, id -> {
      long due = schedule.dueBy(System.nanoTime());
      while (next[0] < due) {
        long i = next[0]++;
        trigger(apps, channels, i, schedule.intendedNanos(i));
      }
    })));
    Thread.sleep((long) (seconds * 1000) + 200);
    onLoop(() -> Future.succeededFuture(vertx.cancelTimer(timer)));
    long deadline = System.currentTimeMillis() + (long) (drainSeconds * 1000);
    long expectedTotal = -1;
    while (System.currentTimeMillis() < deadline) {
      long[] counts = onLoop(() -> Future.succeededFuture(new long[] {deliveries, expected(apps, channels, perChannel)}));
      if (counts[0] >= counts[1] && counts[1] == expectedTotal) {
        break;
      }
      expectedTotal = counts[1];
      Thread.sleep(200);
    }
    return onLoop(() -> Future.succeededFuture(snapshot(apps, channels, perChannel, rate, seconds, next[0])));
  }

  private void trigger(List<App> apps, int channels, long i, long intendedNanos) {
    App app = apps.get((int) (i % apps.size()));
    String channel = channelName(app, (int) ((i / apps.size()) % channels));
    String data = new JsonObject().put("i", i).put("t", intendedNanos).put("b", base).encode();
    String body = new JsonObject().put("name", "bench").put("channel", channel).put("data", data).encode();
    String path = "/apps/" + app.id() + "/events";
    String query = signedQuery(app, "POST", path, body, System.currentTimeMillis() / 1000);
    http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
            .setURI(path + "?" + query).putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          trigger.recordValue(Math.max(0, Math.min(LoadGenerator.HIGHEST_MICROS,
              (System.nanoTime() - intendedNanos) / 1_000)));
          if (ar.succeeded() && ar.result() == 200) {
            accepted.set((int) i);
          } else {
            rejected++;
          }
        });
  }

  /** Pusher's request signing: HMAC-SHA256 over "METHOD\npath\nsorted query". */
  static String signedQuery(App app, String method, String path, String body, long timestamp) {
    String query = "auth_key=" + app.key() + "&auth_timestamp=" + timestamp
        + "&auth_version=1.0&body_md5=" + hex(digest("MD5", body.getBytes(StandardCharsets.UTF_8)));
    return query + "&auth_signature=" + hmac(app.secret(), method + "\n" + path + "\n" + query);
  }

  private long expected(List<App> apps, int channels, int perChannel) {
    return (long) accepted.cardinality() * perChannel;
  }

  private JsonObject snapshot(List<App> apps, int channels, int perChannel, double rate, double seconds, long sent) {
    long expected = expected(apps, channels, perChannel);
    long losses = 0;
    for (Subscriber s : subscribers) {
      BitSet want = new BitSet();
      for (int i = accepted.nextSetBit(0); i >= 0; i = accepted.nextSetBit(i + 1)) {
        App app = apps.get(i % apps.size());
        if (channelName(app, (i / apps.size()) % channels).equals(s.channel)) {
          want.set(i);
        }
      }
      BitSet missing = (BitSet) want.clone();
      missing.andNot(s.seen);
      losses += missing.cardinality();
      BitSet extra = (BitSet) s.seen.clone();
      extra.andNot(want);
      unexpected += extra.cardinality();
    }
    return new JsonObject().put("rate", rate).put("seconds", seconds).put("sent", sent)
        .put("accepted", accepted.cardinality()).put("rejected", rejected).put("expected", expected)
        .put("delivered", deliveries).put("deliveriesPerSec", deliveries / seconds).put("losses", losses)
        .put("duplicates", duplicates).put("unexpected", unexpected)
        .put("trigger", Latency.summary(trigger)).put("delivery", Latency.summary(delivery));
  }

  static List<App> readApps(JsonArray json) {
    List<App> apps = new ArrayList<>();
    json.forEach(o -> {
      JsonObject a = (JsonObject) o;
      apps.add(new App(a.getString("id"), a.getString("key"), a.getString("secret")));
    });
    return apps;
  }

  static String hmac(String secret, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] digest(String algorithm, byte[] bytes) {
    try {
      return MessageDigest.getInstance(algorithm).digest(bytes);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
