package palaver.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The client side of every scenario: WebSocket connections (spread over
 * source addresses 127.0.x.y, one client per address), an open fixed-rate
 * sender, and receivers that time and check every delivery. Senders and
 * receivers live on one event loop of one JVM, so System.nanoTime() stamps
 * embedded in the messages compare, and the bookkeeping needs no locks.
 * The main thread drives it with {@link #onLoop} and waits.
 */
final class LoadGenerator implements AutoCloseable {
  /** One client WebSocket, member of {@code sids}. {@code token}: a JWT, or for the baseline the sids it joins. */
  static final class Conn {
    final int id;
    final String token;
    final List<String> sids;
    final String host;
    final int port;
    final String localAddress;
    /** Per session, the highest seq up to which this client has seen everything (a gap stops it). */
    final Map<String, Long> lastSeq = new HashMap<>();
    /** Seqs seen above a gap, per session, absorbed once the gap fills. */
    final Map<String, java.util.TreeSet<Long>> ahead = new HashMap<>();
    /** What the client had when its socket dropped: it resumes from here, not from live messages seen since. */
    final Map<String, Long> resumeFrom = new HashMap<>();
    WebSocket ws;
    Promise<Void> ready;
    Promise<Void> synced;
    boolean open;
    boolean dropping;

    /** Records seq as seen and moves the gap-free position forward as far as it now goes. */
    void advance(String sid, long seq) {
      long at = lastSeq.getOrDefault(sid, 0L);
      if (seq <= at) {
        return;
      }
      java.util.TreeSet<Long> above = ahead.computeIfAbsent(sid, s -> new java.util.TreeSet<>());
      above.add(seq);
      while (!above.isEmpty() && above.first() == at + 1) {
        at = above.pollFirst();
      }
      lastSeq.put(sid, at);
    }

    Conn(int id, String token, List<String> sids, String host, int port, String localAddress) {
      this.id = id;
      this.token = token;
      this.sids = sids;
      this.host = host;
      this.port = port;
      this.localAddress = localAddress;
    }
  }

  /** A session that receives sends, and the connection that sends into it. */
  record Lane(String sid, Conn sender) {
  }

  private record Pending(long intendedNanos, String sid) {
  }

  static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

  private final Vertx vertx;
  private final Context loop;
  private final Map<String, WebSocketClient> clients = new HashMap<>();
  private final Map<Long, Pending> pending = new HashMap<>();
  private DeliveryLedger ledger = new DeliveryLedger();
  private Histogram ackLatency = histogram();
  private Histogram deliveryLatency = histogram();
  private String tag = "none";
  private long nextRid;
  private long sent;
  private long acked;
  private long failed;
  private long startNanos;
  private long lastAckNanos;
  private long lastDeliveryNanos;
  long closedByServer;
  long errors;
  long syncErrors;

  LoadGenerator() {
    // One event loop: all generator state is touched from this one thread.
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setBlockedThreadCheckInterval(60_000));
    loop = vertx.getOrCreateContext();
  }

  static Histogram histogram() {
    return new Histogram(HIGHEST_MICROS, 3);
  }

  /** Runs {@code work} on the generator's event loop and waits for the future it returns. */
  <T> T onLoop(Callable<Future<T>> work) {
    return onLoop(loop, work);
  }

  /** Runs {@code work} on {@code loop} and waits (from a non-Vert.x thread) for the future it returns. */
  static <T> T onLoop(Context loop, Callable<Future<T>> work) {
    Promise<T> done = Promise.promise();
    loop.runOnContext(v -> {
      try {
        work.call().onComplete(done);
      } catch (Exception e) {
        done.fail(e);
      }
    });
    return done.future().await();
  }

  // ---- connections ----

  /** Connects and authenticates {@code conns}, at most {@code parallel} handshakes in flight; answers how many failed. */
  int connectAll(List<Conn> conns, int parallel) {
    return pipeline(conns, parallel, this::connect);
  }

  /**
   * What a client does after losing its socket: reconnect, and as soon as it is ready, {@code sync}
   * from the last seq it had (asking again, up to 3 times, when the answer is an error).
   * Answers how many did not end synced.
   */
  int reconnectAndSync(List<Conn> conns, int parallel) {
    return pipeline(conns, parallel, c -> connect(c).compose(v -> sync(c, 3)));
  }

  private Future<Void> sync(Conn c, int attempts) {
    c.synced = Promise.promise();
    JsonObject positions = new JsonObject();
    (c.resumeFrom.isEmpty() ? c.lastSeq : c.resumeFrom).forEach(positions::put);
    c.ws.writeTextMessage(new JsonObject().put("type", "sync").put("rid", "sync-" + c.id)
        .put("positions", positions).encode());
    return c.synced.future().timeout(30, TimeUnit.SECONDS).recover(t -> {
      if (attempts <= 1 || !c.open) {
        return Future.failedFuture(t);
      }
      return vertx.timer(500).compose(x -> sync(c, attempts - 1));
    });
  }

  private int pipeline(List<Conn> conns, int parallel, java.util.function.Function<Conn, Future<Void>> step) {
    return onLoop(() -> {
      Promise<Integer> all = Promise.promise();
      int[] next = {0};
      int[] done = {0};
      int[] failures = {0};
      Runnable[] pump = new Runnable[1];
      pump[0] = () -> {
        if (next[0] >= conns.size()) {
          return;
        }
        Conn c = conns.get(next[0]++);
        step.apply(c).onComplete(ar -> {
          if (ar.failed()) {
            failures[0]++;
            if (failures[0] <= 3) {
              Bench.log("connection %d failed: %s", c.id, ar.cause().toString());
            }
          }
          done[0]++;
          if (done[0] % 2000 == 0) {
            Bench.log("  %d/%d connected", done[0], conns.size());
          }
          if (done[0] == conns.size()) {
            all.complete(failures[0]);
          } else {
            pump[0].run();
          }
        });
      };
      if (conns.isEmpty()) {
        all.complete(0);
      }
      for (int i = 0; i < parallel; i++) {
        pump[0].run();
      }
      return all.future();
    });
  }

  private Future<Void> connect(Conn c) {
    WebSocketClient client = clients.computeIfAbsent(c.localAddress, a -> vertx.createWebSocketClient(
        new WebSocketClientOptions().setMaxConnections(20_000).setLocalAddress(a)
            .setMaxFrameSize(1 << 20).setMaxMessageSize(16 << 20).setConnectTimeout(30_000)));
    c.ready = Promise.promise();
    c.dropping = false;
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(c.host).setPort(c.port).setURI("/ws")
        .setTimeout(60_000);
    return client.connect(options).compose(ws -> {
      c.ws = ws;
      c.open = true;
      ws.textMessageHandler(text -> onFrame(c, text));
      ws.exceptionHandler(e -> errors++);
      ws.closeHandler(v -> onClosed(c, ws));
      ws.writeTextMessage(new JsonObject().put("type", "auth").put("token", c.token).encode());
      return c.ready.future();
    }).timeout(90, TimeUnit.SECONDS);
  }

  private void onClosed(Conn c, WebSocket ws) {
    if (c.ws != ws) {
      return;
    }
    c.open = false;
    if (!c.dropping) {
      closedByServer++;
    }
    if (c.ready != null) {
      c.ready.tryFail("closed before ready");
    }
    if (c.synced != null) {
      c.synced.tryFail("closed before synced");
    }
  }

  /** Drops every connection from the client side, as a network cut would (the server sees a close). */
  void dropAll(List<Conn> conns) {
    onLoop(() -> {
      List<Future<Void>> closing = new ArrayList<>();
      for (Conn c : conns) {
        c.dropping = true;
        c.resumeFrom.clear();
        c.resumeFrom.putAll(c.lastSeq);
        if (c.open) {
          closing.add(c.ws.close());
        }
      }
      return Future.join(closing).otherwiseEmpty().mapEmpty();
    });
  }

  void closeAll(List<Conn> conns) {
    dropAll(conns);
  }

  // ---- frames ----

  private void onFrame(Conn c, String text) {
    JsonObject f = new JsonObject(text);
    switch (f.getString("type", "")) {
      case "message" -> onMessage(c, f);
      case "ack" -> onAck(f);
      case "ready" -> onReady(c, f);
      case "synced" -> {
        if (c.synced != null) {
          c.synced.tryComplete();
        }
      }
      case "error" -> onError(c, f);
      default -> {
      }
    }
  }

  private void onReady(Conn c, JsonObject f) {
    JsonArray sessions = f.getJsonArray("sessions", new JsonArray());
    for (int i = 0; i < sessions.size(); i++) {
      JsonObject s = sessions.getJsonObject(i);
      // Only the first ready sets a position: after a reconnect the client syncs from what it really saw.
      c.lastSeq.putIfAbsent(s.getString("sid"), s.getLong("lastSeq", 0L));
    }
    c.ready.tryComplete();
  }

  private void onMessage(Conn c, JsonObject f) {
    long now = System.nanoTime();
    String sid = f.getString("sid");
    long seq = f.getLong("seq");
    c.advance(sid, seq);
    Object content = f.getValue("content");
    if (!(content instanceof String s) || !s.startsWith("{\"b\":\"" + tag + "\"")) {
      return; // system messages, or left over from an earlier step
    }
    if (ledger.delivered(c.id, sid, seq)) {
      long intended = new JsonObject(s).getLong("t");
      deliveryLatency.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, (now - intended) / 1000)));
      lastDeliveryNanos = now;
    }
  }

  private void onAck(JsonObject f) {
    long now = System.nanoTime();
    Object rid = f.getValue("rid");
    Pending p = rid instanceof Number n ? pending.remove(n.longValue()) : null;
    if (p == null) {
      return;
    }
    acked++;
    lastAckNanos = now;
    ackLatency.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, (now - p.intendedNanos) / 1000)));
    ledger.acked(f.getString("sid"), f.getLong("seq"));
  }

  private void onError(Conn c, JsonObject f) {
    errors++;
    Object rid = f.getValue("rid");
    if (rid instanceof Number n && pending.remove(n.longValue()) != null) {
      failed++;
      if (failed <= 3) {
        Bench.log("send failed: %s", f.encode());
      }
    } else if (rid instanceof String s && s.startsWith("sync-") && c.synced != null) {
      syncErrors++;
      if (syncErrors <= 3) {
        Bench.log("sync failed: %s", f.encode());
      }
      c.synced.tryFail(f.getString("code", "error"));
    } else if (c.ready != null && !c.ready.future().isComplete()) {
      c.ready.tryFail(f.getString("code", "error") + ": " + f.getString("message", ""));
    }
  }

  // ---- sending ----

  /**
   * A fresh measuring window: new tag (so late deliveries of an earlier step don't count), new
   * histograms and ledger, membership of every given connection in its sessions.
   */
  void reset(String stepTag, List<Conn> receivers) {
    onLoop(() -> {
      tag = stepTag;
      ledger = new DeliveryLedger();
      ackLatency = histogram();
      deliveryLatency = histogram();
      pending.clear();
      sent = acked = failed = 0;
      lastAckNanos = lastDeliveryNanos = 0;
      errors = 0;
      for (Conn c : receivers) {
        c.sids.forEach(sid -> ledger.member(c.id, sid));
      }
      return Future.succeededFuture();
    });
  }

  /** Sends on an open schedule over {@code lanes} round-robin, returns when the last send has left. */
  void send(List<Lane> lanes, double perSecond, double seconds) {
    FixedRateSchedule schedule = FixedRateSchedule.forDuration(System.nanoTime() + 50_000_000L, perSecond, seconds);
    onLoop(() -> {
      startNanos = schedule.intendedNanos(0);
      Promise<Void> done = Promise.promise();
      long[] next = {0};
      vertx.setPeriodic(1, id -> {
        long due = schedule.dueBy(System.nanoTime());
        while (next[0] < due) {
          long i = next[0]++;
          Lane lane = lanes.get((int) (i % lanes.size()));
          sendOne(lane, schedule.intendedNanos(i));
        }
        if (next[0] >= schedule.total()) {
          vertx.cancelTimer(id);
          done.tryComplete();
        }
      });
      return done.future();
    });
  }

  private void sendOne(Lane lane, long intendedNanos) {
    long rid = ++nextRid;
    sent++;
    Conn c = lane.sender();
    if (!c.open) {
      failed++;
      return;
    }
    pending.put(rid, new Pending(intendedNanos, lane.sid()));
    String content = "{\"b\":\"" + tag + "\",\"t\":" + intendedNanos + "}";
    c.ws.writeTextMessage(new JsonObject().put("type", "send").put("rid", rid).put("sid", lane.sid())
        .put("cid", tag + "-" + rid).put("msgType", "text").put("content", content).encode());
  }

  /** Waits until every send is answered (or {@code maxSeconds} pass), then a short grace for the last deliveries. */
  void drain(double maxSeconds) throws InterruptedException {
    long until = System.nanoTime() + (long) (maxSeconds * 1e9);
    while (System.nanoTime() < until && onLoop(() -> Future.succeededFuture(pending.size())) > 0) {
      Thread.sleep(100);
    }
    long quietSince = System.nanoTime();
    long lastSeen = -1;
    // Deliveries trail acks: wait until none arrived for 500 ms (bounded by the same deadline + 5 s).
    while (System.nanoTime() < until + 5_000_000_000L) {
      long last = onLoop(() -> Future.succeededFuture(lastDeliveryNanos));
      if (last != lastSeen) {
        lastSeen = last;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > 500_000_000L) {
        break;
      }
      Thread.sleep(100);
    }
  }

  /** What the window measured. */
  JsonObject snapshot(double perSecond, double seconds, int connections) {
    return onLoop(() -> {
      DeliveryLedger.Tally t = ledger.tally();
      double ackSpan = Math.max(seconds, (lastAckNanos - startNanos) / 1e9);
      double deliverySpan = Math.max(seconds, (lastDeliveryNanos - startNanos) / 1e9);
      return Future.succeededFuture(new JsonObject()
          .put("rate", perSecond).put("seconds", seconds).put("connections", connections)
          .put("sent", sent).put("acked", acked).put("failed", failed).put("unacked", pending.size())
          .put("ackedPerSec", acked / ackSpan)
          .put("deliveries", t.delivered()).put("expectedDeliveries", t.expected())
          .put("deliveriesPerSec", t.delivered() / deliverySpan)
          .put("losses", t.losses()).put("duplicates", t.duplicates()).put("reorders", t.reorders())
          .put("unexpected", t.unexpected()).put("closedByServer", closedByServer).put("errors", errors)
          .put("loadAverage", loadAverage())
          .put("ack", Latency.summary(ackLatency)).put("delivery", Latency.summary(deliveryLatency)));
    });
  }

  /** The machine's 1-minute load average: the box is shared, so every result carries how busy it was. */
  static double loadAverage() {
    try {
      return Double.parseDouble(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (Exception e) {
      return -1;
    }
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
