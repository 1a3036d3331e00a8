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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The growth scenario's latency probe (docs/performance.md, "Costs as the store grows"), run once per store
 * size against a server started on a filled data dir. One request at a time (latency, not load), all on one
 * event loop, every time stamped there:
 *
 * <ul>
 *   <li><b>first connect</b>: users not seen since the server started (their memberships and session ids
 *       not cached) open a socket, {@code auth} and {@code sync} at their sessions' heads: handshake to
 *       {@code ready}, and to {@code synced};
 *   <li><b>probe sessions</b>: {@code --probe-users} users each send {@code --seed} messages into the session
 *       they own, the same at every size, so history and sync read the same amount from an empty store as
 *       from a full one; each ack must carry the next seq after the head {@code ready} announced;
 *   <li><b>history</b>: the newest page (50) and an older page (50, {@code before} head − 100) of a probe
 *       session; each page must be the contiguous seqs asked for;
 *   <li><b>sync after a short / long disconnect</b>: a new socket, {@code auth}, and {@code sync} from 3 /
 *       {@code --seed} messages behind in the probe session (its other sessions at their heads): handshake to
 *       {@code synced}; the missed messages must come in order, none missing;
 *   <li><b>ledger of the filled sessions</b>: every session of a few users read back by {@code history}
 *       pages from seq 1: seqs 1..head with no gap, each filled message where the filler put it.
 * </ul>
 */
final class GrowthProbe {
  private static final int PAGE = 50;
  private static final long TIMEOUT_S = 60;

  private final Args args;
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
      .setBlockedThreadCheckInterval(60_000));
  private final Context loop = vertx.getOrCreateContext();
  private final WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxFrameSize(1 << 20).setMaxMessageSize(16 << 20).setConnectTimeout(30_000));
  private final String host;
  private final int port;
  private final List<String> problems = new ArrayList<>();

  GrowthProbe(Args args) {
    this.args = args;
    String[] hp = args.get("ws").split(":");
    host = hp[0];
    port = Integer.parseInt(hp[1]);
  }

  /** One socket, its replies by rid and the {@code message} frames it received. Touched on the loop only. */
  private final class Sock {
    WebSocket ws;
    final Promise<JsonObject> ready = Promise.promise();
    final Map<String, Promise<JsonObject>> waiting = new HashMap<>();
    final List<JsonObject> messages = new ArrayList<>();
    long rid;

    Future<JsonObject> request(JsonObject frame) {
      String r = Long.toString(++rid);
      Promise<JsonObject> p = Promise.promise();
      waiting.put(r, p);
      ws.writeTextMessage(frame.put("rid", r).encode());
      return p.future().timeout(TIMEOUT_S, TimeUnit.SECONDS);
    }

    void onFrame(String text) {
      JsonObject f = new JsonObject(text).put("_at", System.nanoTime());
      String type = f.getString("type", "");
      if (type.equals("ready")) {
        ready.tryComplete(f);
      } else if (type.equals("message")) {
        messages.add(f);
      } else if (f.getValue("rid") != null) {
        Promise<JsonObject> p = waiting.remove(String.valueOf(f.getValue("rid")));
        if (p != null) {
          if (type.equals("error")) {
            p.fail(f.encode());
          } else {
            p.complete(f);
          }
        }
      } else if (type.equals("error")) {
        ready.tryFail(f.encode());
      }
    }
  }

  private <T> T onLoop(java.util.concurrent.Callable<Future<T>> work) {
    return LoadGenerator.onLoop(loop, work);
  }

  /** A new authenticated socket; {@code ready} carries the user's sessions. */
  private Future<Sock> open(String token) {
    Sock s = new Sock();
    return client.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/ws").setTimeout(60_000))
        .compose(ws -> {
          s.ws = ws;
          ws.textMessageHandler(s::onFrame);
          ws.closeHandler(v -> s.ready.tryFail("closed before ready"));
          ws.writeTextMessage(new JsonObject().put("type", "auth").put("token", token).encode());
          return s.ready.future().timeout(TIMEOUT_S, TimeUnit.SECONDS);
        }).map(s);
  }

  private static Map<String, Long> heads(JsonObject ready) {
    Map<String, Long> heads = new LinkedHashMap<>();
    ready.getJsonArray("sessions", new JsonArray()).forEach(o -> {
      JsonObject s = (JsonObject) o;
      heads.put(s.getString("sid"), s.getLong("lastSeq", 0L));
    });
    return heads;
  }

  private static JsonObject positions(Map<String, Long> heads) {
    JsonObject p = new JsonObject();
    heads.forEach(p::put);
    return p;
  }

  JsonObject run() throws Exception {
    Population p = Population.read(Path.of(args.get("population")));
    JsonObject raw = new JsonObject(Files.readString(Path.of(args.get("population"))));
    int probeUsers = args.integer("probe-users", 20);
    int seed = args.integer("seed", 150);
    int rounds = args.integer("rounds", 10);
    JsonObject result = new JsonObject().put("scenario", "growth").put("messages", raw.getLong("messages", 0L))
        .put("users", p.userCount()).put("sessions", p.groupSids().size()).put("members", raw.getInteger("members"));
    try {
      int firstFrom = args.integer("first-connect-from", 1000);
      result.put("firstConnect", firstConnects(p, firstFrom, args.integer("first-connects", 200)));
      seedProbes(p, probeUsers, seed);
      result.put("history", history(p, probeUsers, rounds, false));
      result.put("historyOlder", history(p, probeUsers, rounds, true));
      result.put("syncShort", syncs(p, probeUsers, Math.max(1, rounds / 2), 3));
      result.put("syncLong", syncs(p, probeUsers, Math.max(1, rounds / 2), seed));
      result.put("ledger", ledger(p, raw, args.integer("ledger-users", 3)));
    } finally {
      vertx.close().await();
    }
    result.put("problems", new JsonArray(problems));
    Bench.log("growth probe: %d problems%s", problems.size(), problems.isEmpty() ? "" : ": " + problems.subList(0,
        Math.min(5, problems.size())));
    return result;
  }

  private void problem(String format, Object... values) {
    String text = String.format(format, values);
    problems.add(text);
    if (problems.size() <= 5) {
      Bench.log("growth probe: %s", text);
    }
  }

  /** Users from {@code from} on, each once: handshake to ready, and to synced at their heads. */
  private JsonObject firstConnects(Population p, int from, int n) {
    Histogram ready = LoadGenerator.histogram();
    Histogram synced = LoadGenerator.histogram();
    int sessions = 0;
    for (int i = 0; i < n; i++) {
      String token = p.users().get((from + i) % p.userCount()).token();
      long[] t = new long[3];
      int[] count = new int[1];
      onLoop(() -> {
        t[0] = System.nanoTime();
        return open(token).compose(s -> {
          t[1] = s.ready.future().result().getLong("_at");
          Map<String, Long> heads = heads(s.ready.future().result());
          count[0] = heads.size();
          return s.request(new JsonObject().put("type", "sync").put("positions", positions(heads)))
              .map(synced1 -> {
                t[2] = synced1.getLong("_at");
                return s;
              });
        }).compose(s -> s.ws.close());
      });
      record(ready, (t[1] - t[0]) / 1000);
      record(synced, (t[2] - t[0]) / 1000);
      sessions += count[0];
    }
    Bench.log("first connect: %d users (%.1f sessions each): ready p50 %.1f p99 %.1f ms, synced p50 %.1f p99 %.1f ms",
        n, sessions / (double) n, ms(ready, 50), ms(ready, 99), ms(synced, 50), ms(synced, 99));
    return new JsonObject().put("ready", Latency.summary(ready)).put("synced", Latency.summary(synced))
        .put("sessionsPerUser", sessions / (double) n);
  }

  /** The probe users each send {@code seed} messages into the session they own; acks must number on from the head. */
  private void seedProbes(Population p, int users, int seed) {
    long t0 = System.nanoTime();
    List<Future<Void>> all = new ArrayList<>();
    onLoop(() -> {
      for (int u = 0; u < users; u++) {
        String sid = p.soloSids().get(u);
        String uid = p.users().get(u).uid();
        all.add(open(p.users().get(u).token()).compose(s -> {
          long head = heads(s.ready.future().result()).getOrDefault(sid, -1L);
          if (head < 0) {
            problem("probe user %s is not in their own session %s", uid, sid);
          }
          return sendSeq(s, sid, head, 1, seed).compose(v -> s.ws.close());
        }));
      }
      return Future.all(all).mapEmpty();
    });
    Bench.log("probe sessions: %d x %d messages sent in %.1f s", users, seed, (System.nanoTime() - t0) / 1e9);
  }

  /** Sends {@code i..n} one after another (the frame limits allow 50/s per socket; one in flight stays well under). */
  private Future<Void> sendSeq(Sock s, String sid, long head, int i, int n) {
    if (i > n) {
      return Future.succeededFuture();
    }
    JsonObject send = new JsonObject().put("type", "send").put("sid", sid).put("cid", "probe-" + System.nanoTime())
        .put("msgType", "text").put("content", "probe message " + i);
    return s.request(send).compose(ack -> {
      if (ack.getLong("seq", -1L) != head + i) {
        problem("ack in %s: seq %s, expected %d (head %d + %d)", sid, ack.getValue("seq"), head + i, head, i);
      }
      return sendSeq(s, sid, head, i + 1, n);
    });
  }

  /** The newest page, or the page before head − 100, of each probe session, {@code rounds} times. */
  private JsonObject history(Population p, int users, int rounds, boolean older) {
    Histogram h = LoadGenerator.histogram();
    for (int u = 0; u < users; u++) {
      String sid = p.soloSids().get(u);
      String token = p.users().get(u).token();
      onLoop(() -> open(token).compose(s -> {
        long head = heads(s.ready.future().result()).get(sid);
        Long before = older ? head - 100 : null;
        Future<Void> chain = Future.succeededFuture();
        for (int r = 0; r < rounds; r++) {
          chain = chain.compose(v -> {
            long t0 = System.nanoTime();
            JsonObject q = new JsonObject().put("type", "history").put("sid", sid).put("limit", PAGE);
            if (before != null) {
              q.put("before", before);
            }
            return s.request(q).map(page -> {
              record(h, (page.getLong("_at") - t0) / 1000);
              long last = before == null ? head : before - 1;
              checkRun(sid, page.getJsonArray("messages"), last - PAGE + 1, last);
              return null;
            });
          });
        }
        return chain.compose(v -> s.ws.close());
      }));
    }
    Bench.log("history (%s page of %d): %d requests, p50 %.2f p99 %.2f ms", older ? "older" : "newest", PAGE,
        h.getTotalCount(), ms(h, 50), ms(h, 99));
    return Latency.summary(h);
  }

  /** Checks that {@code messages} are exactly seqs {@code from..to} of {@code sid}, ascending. */
  private void checkRun(String sid, JsonArray messages, long from, long to) {
    long expected = Math.max(1, from);
    for (int i = 0; i < messages.size(); i++) {
      JsonObject m = messages.getJsonObject(i);
      if (!sid.equals(m.getString("sid")) || m.getLong("seq") != expected) {
        problem("in %s expected seq %d, got %s of %s", sid, expected, m.getValue("seq"), m.getString("sid"));
        return;
      }
      expected++;
    }
    if (expected != to + 1) {
      problem("in %s expected seqs %d..%d, got %d messages", sid, from, to, messages.size());
    }
  }

  /** A reconnect that missed {@code missed} messages of the probe session: handshake to synced. */
  private JsonObject syncs(Population p, int users, int rounds, int missed) {
    Histogram total = LoadGenerator.histogram();
    Histogram sync = LoadGenerator.histogram();
    for (int r = 0; r < rounds; r++) {
      for (int u = 0; u < users; u++) {
        String sid = p.soloSids().get(u);
        String token = p.users().get(u).token();
        onLoop(() -> {
          long t0 = System.nanoTime();
          return open(token).compose(s -> {
            Map<String, Long> heads = heads(s.ready.future().result());
            long head = heads.get(sid);
            heads.put(sid, head - missed);
            long t1 = System.nanoTime();
            return s.request(new JsonObject().put("type", "sync").put("positions", positions(heads))).compose(done -> {
              record(total, (done.getLong("_at") - t0) / 1000);
              record(sync, (done.getLong("_at") - t1) / 1000);
              JsonArray got = new JsonArray();
              s.messages.stream().filter(m -> sid.equals(m.getString("sid"))).forEach(got::add);
              checkRun(sid, got, head - missed + 1, head);
              return s.ws.close();
            });
          });
        });
      }
    }
    Bench.log("sync %d missed: %d reconnects, handshake to synced p50 %.1f p99 %.1f ms (sync alone p50 %.1f p99 %.1f)",
        missed, total.getTotalCount(), ms(total, 50), ms(total, 99), ms(sync, 50), ms(sync, 99));
    return new JsonObject().put("missed", missed).put("reconnect", Latency.summary(total)).put("sync", Latency.summary(sync));
  }

  /**
   * Every session of {@code n} users (taken from the middle of the population, away from the probe and
   * send-rate users) paged from seq 1 to its head: no gap, no repeat; a filled message (content
   * "fill k ...") must be in the session k mod sessions.
   */
  private JsonObject ledger(Population p, JsonObject raw, int n) {
    List<String> sids = p.groupSids();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < sids.size(); i++) {
      index.put(sids.get(i), i);
    }
    long[] read = new long[2];
    for (int k = 0; k < n; k++) {
      String token = p.users().get(p.userCount() / 2 + k).token();
      onLoop(() -> open(token).compose(s -> {
        Future<Void> chain = Future.succeededFuture();
        for (Map.Entry<String, Long> e : heads(s.ready.future().result()).entrySet()) {
          chain = chain.compose(v -> page(s, e.getKey(), 0, e.getValue(), index, read));
          read[1]++;
        }
        return chain.compose(v -> s.ws.close());
      }));
    }
    Bench.log("ledger: %d sessions read back from seq 1, %,d messages", read[1], read[0]);
    return new JsonObject().put("sessions", read[1]).put("messages", read[0]);
  }

  private Future<Void> page(Sock s, String sid, long after, long head, Map<String, Integer> index, long[] read) {
    if (after >= head) {
      return Future.succeededFuture();
    }
    JsonObject q = new JsonObject().put("type", "history").put("sid", sid).put("after", after).put("limit", 200);
    return s.request(q).compose(pageFrame -> {
      JsonArray ms = pageFrame.getJsonArray("messages");
      long to = Math.min(head, after + 200);
      checkRun(sid, ms, after + 1, to);
      for (int i = 0; i < ms.size(); i++) {
        String content = ms.getJsonObject(i).getString("content", "");
        if (content.startsWith("fill ")) {
          long k = Long.parseLong(content.split(" ")[1]);
          if (k % index.size() != index.get(sid)) {
            problem("filled message %d found in session %d", k, index.get(sid));
          }
        }
      }
      read[0] += ms.size();
      return ms.isEmpty() ? Future.succeededFuture() : page(s, sid, to, head, index, read);
    });
  }

  private static void record(Histogram h, long micros) {
    h.recordValue(Math.max(0, Math.min(h.getHighestTrackableValue(), micros)));
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }
}
