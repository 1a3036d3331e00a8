import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The end-to-end check of deploy/test-containers.sh, run on the host against a container
 * cluster's two gateways with nothing but the JDK: {@code java deploy/docker/ContainerCheck.java
 * STEP GATEWAY_1_URL GATEWAY_2_URL [container names...]}. Each step registers its own users,
 * prints one "ok" line per thing it checked and exits 1 at the first failure. Steps that break
 * the cluster run podman themselves, at the moment it matters (while messages flow).
 *
 * <ul>
 *   <li>{@code e2e}: register on one gateway, token valid on the other, chat across both over
 *       WebSocket, a file upload on one and download on the other, presence across gateways, sync.
 *   <li>{@code kill MESSAGE_CONTAINER}: podman kill a message-service while a client sends;
 *       every send is retried with its cid until acked; after sync nothing acknowledged is lost.
 *   <li>{@code partition GATEWAY_2_CONTAINER NETWORK}: cut gateway 2 off the network for longer
 *       than Hazelcast's failure detection while gateway 1's client sends; reconnect; the
 *       cluster heals (live messages cross again) and a client of gateway 2 syncs everything.
 *   <li>{@code sigterm MESSAGE_CONTAINER GATEWAY_1_CONTAINER}: podman stop (SIGTERM) a
 *       message-service (exit 143, sends keep being acked at once: it left the cluster) and a
 *       gateway (its client gets close 1001).
 * </ul>
 */
public final class ContainerCheck {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final String RUN = Long.toString(System.currentTimeMillis(), 36);
  static int checks;

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: ContainerCheck e2e|kill|partition|sigterm GW1 GW2 [containers...]");
      System.exit(2);
    }
    String gw1 = args[1];
    String gw2 = args[2];
    long start = System.nanoTime();
    try {
      switch (args[0]) {
        case "e2e" -> e2e(gw1, gw2);
        case "kill" -> kill(gw1, gw2, args[3]);
        case "partition" -> partition(gw1, gw2, args[3], args[4]);
        case "sigterm" -> sigterm(gw1, gw2, args[3], args[4]);
        default -> throw new IllegalArgumentException("unknown step " + args[0]);
      }
    } catch (Throwable t) {
      System.out.println("FAIL " + args[0] + ": " + t);
      System.exit(1);
    }
    System.out.printf("step %s: %d checks passed in %.1f s%n", args[0], checks, (System.nanoTime() - start) / 1e9);
    // The WebSocket client's threads are not daemons.
    System.exit(0);
  }

  static void ok(String what) {
    checks++;
    System.out.println("ok   " + what);
  }

  static void check(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError(what);
    }
    ok(what);
  }

  // ---- steps ----

  static void e2e(String gw1, String gw2) throws Exception {
    User alice = User.register(gw1, "alice");
    ok("registered alice on gateway 1");
    User bob = User.register(gw2, "bob");
    ok("registered bob on gateway 2");
    Map<String, Object> me = json(call(gw2, "GET", "/api/v1/users/me", alice.token, null, 200));
    check(alice.uid.equals(me.get("uid")), "alice's token from gateway 1 is accepted by gateway 2");
    Map<String, Object> login = json(call(gw1, "POST", "/api/v1/auth/login", null,
        obj("login", bob.login, "password", bob.password), 200));
    check(bob.uid.equals(login.get("uid")), "bob, registered on gateway 2, logs in on gateway 1");
    String sid = privateSession(gw1, alice, bob);
    ok("alice opened a private session with bob (gateway 1)");

    Socket a = Socket.open(gw1, alice);
    Socket b = Socket.open(gw2, bob);
    ok("alice's WebSocket on gateway 1 and bob's on gateway 2 are ready");
    a.await(f -> "event".equals(f.get("type")) && "presence".equals(f.get("event"))
        && bob.uid.equals(f.get("uid")) && "online".equals(f.get("state")), 15, "bob online, seen by alice");
    ok("presence across gateways: alice (gateway 1) sees bob (gateway 2) come online");
    b.send(obj("type", "presence", "state", "away", "rid", "p1"));
    a.await(f -> "presence".equals(f.get("event")) && bob.uid.equals(f.get("uid")) && "away".equals(f.get("state")),
        15, "bob away, seen by alice");
    ok("presence across gateways: bob sets away on gateway 2, alice sees it on gateway 1");

    long s1 = a.sendMessage(sid, "hello from gateway 1", null);
    Map<String, Object> got = b.await(f -> "message".equals(f.get("type")) && sid.equals(f.get("sid"))
        && num(f.get("seq")) == s1, 10, "alice's message at bob");
    check("hello from gateway 1".equals(got.get("content")), "chat: alice's message (gateway 1) reaches bob (gateway 2) live");
    long s2 = b.sendMessage(sid, "hello from gateway 2", null);
    a.await(f -> "message".equals(f.get("type")) && num(f.get("seq")) == s2, 10, "bob's reply at alice");
    ok("chat: bob's reply (gateway 2) reaches alice (gateway 1) live");

    byte[] bytes = new byte[200_000];
    new Random(42).nextBytes(bytes);
    Map<String, Object> file = json(upload(gw1, alice.token, "noise.bin", bytes));
    String fileId = (String) file.get("fileId");
    check(fileId != null && num(file.get("size")) == bytes.length, "file: alice uploads 200 kB on gateway 1");
    long s3 = a.sendMessage(sid, "a file", fileId);
    b.await(f -> "message".equals(f.get("type")) && num(f.get("seq")) == s3, 10, "the file message at bob");
    HttpResponse<byte[]> down = HTTP.send(HttpRequest.newBuilder(URI.create(gw2 + "/api/v1/files/" + fileId))
        .header("Authorization", "Bearer " + bob.token).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    check(down.statusCode() == 200 && Arrays.equals(down.body(), bytes),
        "file: bob downloads it on gateway 2, byte for byte (sha256 " + sha256(bytes).substring(0, 12) + "…)");

    b.close();
    a.await(f -> "presence".equals(f.get("event")) && bob.uid.equals(f.get("uid")) && "offline".equals(f.get("state")),
        15, "bob offline, seen by alice");
    ok("presence across gateways: bob's socket closes on gateway 2, alice sees offline at once");
    Socket b2 = Socket.open(gw1, bob);
    Map<Long, Map<String, Object>> synced = b2.sync(sid, 0);
    check(synced.containsKey(s1) && synced.containsKey(s2) && synced.containsKey(s3),
        "sync: bob reconnects to gateway 1 and gets every message (" + synced.size() + " incl. system)");
    a.close();
    b2.close();
  }

  static void kill(String gw1, String gw2, String victim) throws Exception {
    User alice = User.register(gw1, "kalice");
    User bob = User.register(gw2, "kbob");
    String sid = privateSession(gw1, alice, bob);
    Socket a = Socket.open(gw1, alice);
    int total = 150;
    Map<String, Long> acked = new LinkedHashMap<>();
    int retries = 0;
    long killedAt = 0;
    for (int i = 0; i < total; i++) {
      if (i == 40) {
        podman("kill", victim);
        killedAt = System.nanoTime();
        ok("podman kill " + victim + " after 40 acked sends, while sending");
      }
      String cid = "k-" + RUN + "-" + i;
      SendResult r = a.sendUntilAcked(sid, cid, "kill test " + i, 60);
      retries += r.attempts - 1;
      acked.put(cid, r.seq);
      Thread.sleep(20);
    }
    long afterKill = (System.nanoTime() - killedAt) / 1_000_000;
    check(acked.size() == total, "all " + total + " sends acked (" + retries + " retries with the same cid; "
        + (total - 40) + " sends after the kill took " + afterKill + " ms)");
    a.close();
    Socket b = Socket.open(gw2, bob);
    Map<Long, Map<String, Object>> synced = b.sync(sid, 0);
    int lost = 0;
    for (Map.Entry<String, Long> e : acked.entrySet()) {
      Map<String, Object> m = synced.get(e.getValue());
      if (m == null || !("kill test " + e.getKey().substring(e.getKey().lastIndexOf('-') + 1)).equals(m.get("content"))) {
        lost++;
      }
    }
    check(lost == 0, "after sync on gateway 2: 0 of " + total + " acknowledged messages lost");
    check(gapFree(synced), "seqs 1.." + synced.size() + " gap-free, no duplicates of a cid");
    b.close();
  }

  static void partition(String gw1, String gw2, String gateway2, String network) throws Exception {
    User alice = User.register(gw1, "palice");
    User bob = User.register(gw2, "pbob");
    String sid = privateSession(gw1, alice, bob);
    Socket a = Socket.open(gw1, alice);
    Socket b = Socket.open(gw2, bob);
    long s0 = a.sendMessage(sid, "before the cut", null);
    b.await(f -> "message".equals(f.get("type")) && num(f.get("seq")) == s0, 10, "live before the cut");
    String ip = podman("inspect", "-f", "{{(index .NetworkSettings.Networks \"" + network + "\").IPAddress}}", gateway2).trim();
    podman("network", "disconnect", network, gateway2);
    long cut = System.nanoTime();
    ok("podman network disconnect " + gateway2 + " (" + ip + ")");
    Map<String, Long> acked = new LinkedHashMap<>();
    int i = 0;
    while (System.nanoTime() - cut < TimeUnit.SECONDS.toNanos(20)) {
      String cid = "p-" + RUN + "-" + i;
      acked.put(cid, a.sendUntilAcked(sid, cid, "partition " + i, 60).seq);
      i++;
      Thread.sleep(200);
    }
    ok(acked.size() + " sends on gateway 1 acked during a 20 s cut (failure detection: 8 s)");
    podman("network", "connect", "--ip", ip, "--alias", gatewayAlias(gateway2), network, gateway2);
    long healStart = System.nanoTime();
    ok("podman network connect " + gateway2 + " again, same address");
    b.close();
    // Healed: a fresh socket on gateway 2 gets a live message sent through gateway 1.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
    boolean healed = false;
    int probe = 0;
    while (System.nanoTime() < deadline && !healed) {
      Socket bb;
      try {
        bb = Socket.open(gw2, bob);
      } catch (Exception | AssertionError e) {
        Thread.sleep(2000);
        continue;
      }
      String cid = "probe-" + RUN + "-" + probe++;
      long s = a.sendUntilAcked(sid, cid, "probe", 30).seq;
      acked.put(cid, s);
      try {
        bb.await(f -> "message".equals(f.get("type")) && num(f.get("seq")) == s, 5, "probe");
        healed = true;
      } catch (AssertionError notYet) {
        bb.close();
        Thread.sleep(2000);
        continue;
      }
      double secs = (System.nanoTime() - healStart) / 1e9;
      ok(String.format("cluster healed: a message sent on gateway 1 reaches a client of gateway 2 live, %.0f s after reconnect", secs));
      // Live delivery can come back a moment before Hazelcast merges gateway 2's side into the cluster; the
      // merged side then closes its sockets with 1001 (docs/event-bus.md, cluster topology), and a client
      // reconnects and syncs again.
      Map<Long, Map<String, Object>> syncing = null;
      for (int attempt = 1; syncing == null; attempt++) {
        try {
          syncing = bb.sync(sid, 0);
        } catch (AssertionError e) {
          if (!bb.closed.isDone() || attempt == 3) {
            throw e;
          }
          ok("gateway 2 closed the socket with " + bb.closed.join() + " during the sync (its side merged); syncing again on a new one");
          bb = Socket.open(gw2, bob);
        }
      }
      Map<Long, Map<String, Object>> synced = syncing;
      long lost = acked.values().stream().filter(x -> !synced.containsKey(x)).count();
      check(lost == 0, "after sync on gateway 2: 0 of " + acked.size() + " messages acked during and after the cut lost");
      check(gapFree(synced), "seqs gap-free after the partition");
      bb.close();
    }
    if (!healed) {
      throw new AssertionError("gateway 2 did not rejoin within 150 s of the reconnect");
    }
    a.close();
  }

  static void sigterm(String gw1, String gw2, String message, String gateway1) throws Exception {
    User alice = User.register(gw1, "salice");
    User bob = User.register(gw2, "sbob");
    String sid = privateSession(gw1, alice, bob);
    Socket a = Socket.open(gw1, alice);
    a.sendMessage(sid, "warm up", null);
    long t0 = System.nanoTime();
    podman("stop", "-t", "40", message);
    String code = podman("inspect", "-f", "{{.State.ExitCode}}", message).trim();
    check("143".equals(code), String.format("podman stop (SIGTERM) %s: exit code %s (SIGTERM, hooks done) after %.1f s",
        message, code, (System.nanoTime() - t0) / 1e9));
    long slowest = 0;
    int retried = 0;
    for (int i = 0; i < 20; i++) {
      long t = System.nanoTime();
      SendResult r = a.sendUntilAcked(sid, "s-" + RUN + "-" + i, "after stop " + i, 30);
      retried += r.attempts - 1;
      slowest = Math.max(slowest, (System.nanoTime() - t) / 1_000_000);
    }
    check(retried == 0 && slowest < 2000, "the stopped message-service left the cluster: 20 sends acked at once"
        + " by the other one (slowest " + slowest + " ms, no retry)");
    t0 = System.nanoTime();
    podman("stop", "-t", "40", gateway1);
    int closeCode = a.awaitClose(40);
    check(closeCode == 1001, "podman stop (SIGTERM) " + gateway1 + ": its client's socket closed with " + closeCode);
    code = podman("inspect", "-f", "{{.State.ExitCode}}", gateway1).trim();
    check("143".equals(code), String.format("%s exit code %s after %.1f s", gateway1, code, (System.nanoTime() - t0) / 1e9));
    Socket b = Socket.open(gw2, bob);
    b.sendMessage(sid, "gateway 2 still serves", null);
    ok("gateway 2 still serves chat after gateway 1 left");
    b.close();
  }

  static String gatewayAlias(String container) {
    // podman-compose names containers PROJECT_SERVICE_N; the alias is the service name.
    String[] parts = container.split("_");
    return parts.length >= 3 ? parts[parts.length - 2] : container;
  }

  // ---- helpers ----

  static boolean gapFree(Map<Long, Map<String, Object>> bySeq) {
    long expected = 1;
    for (long seq : bySeq.keySet()) {
      if (seq != expected++) {
        return false;
      }
    }
    return true;
  }

  static String podman(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("podman"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  static String privateSession(String gw, User from, User to) throws Exception {
    return (String) json(call(gw, "POST", "/api/v1/sessions", from.token, obj("type", "private", "uid", to.uid), 201)).get("sid");
  }

  static String call(String gw, String method, String path, String token, Map<String, Object> body, int expect)
      throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(gw + path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(write(body)));
    if (body != null) {
      r.header("Content-Type", "application/json");
    }
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> res = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != expect) {
      throw new AssertionError(method + " " + gw + path + ": " + res.statusCode() + " " + res.body());
    }
    return res.body();
  }

  static String upload(String gw, String token, String name, byte[] bytes) throws Exception {
    String boundary = "----palaver" + RUN;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.write(bytes);
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(gw + "/api/v1/files"))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 201) {
      throw new AssertionError("upload: " + res.statusCode() + " " + res.body());
    }
    return res.body();
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  static long num(Object o) {
    return o instanceof Number n ? n.longValue() : -1;
  }

  static final class User {
    String login;
    String password;
    String uid;
    String token;

    static User register(String gw, String name) throws Exception {
      User u = new User();
      u.login = name + "-" + RUN + "@example.org";
      u.password = "secret-" + RUN + "-pw";
      Map<String, Object> r = json(call(gw, "POST", "/api/v1/users", null,
          obj("login", u.login, "password", u.password, "nickname", name), 201));
      u.uid = (String) r.get("uid");
      u.token = (String) r.get("token");
      return u;
    }
  }

  record SendResult(long seq, int attempts) {
  }

  /** A client WebSocket: frames arrive in a queue; the close code is kept. */
  static final class Socket implements WebSocket.Listener {
    final LinkedBlockingQueue<Map<String, Object>> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final StringBuilder partial = new StringBuilder();
    WebSocket ws;
    int rid;
    volatile Map<String, Object> lastError;

    static Socket open(String gw, User user) throws Exception {
      Socket s = new Socket();
      s.ws = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
          .buildAsync(URI.create(gw.replaceFirst("^http", "ws") + "/ws"), s).get(10, TimeUnit.SECONDS);
      s.send(obj("type", "auth", "token", user.token));
      s.await(f -> "ready".equals(f.get("type")), 15, "ready");
      return s;
    }

    void send(Map<String, Object> frame) {
      ws.sendText(write(frame), true).join();
    }

    long sendMessage(String sid, String content, String fileId) throws Exception {
      return sendUntilAcked(sid, "c-" + RUN + "-" + (++rid) + "-" + System.nanoTime(), content, fileId, 30).seq;
    }

    SendResult sendUntilAcked(String sid, String cid, String content, int seconds) throws Exception {
      return sendUntilAcked(sid, cid, content, null, seconds);
    }

    /** As a client does: resend with the same cid on unavailable or silence, until acked. */
    SendResult sendUntilAcked(String sid, String cid, String content, String fileId, int seconds) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      int attempts = 0;
      while (System.nanoTime() < deadline) {
        attempts++;
        String r = "r" + (++rid);
        Map<String, Object> f = obj("type", "send", "rid", r, "sid", sid, "cid", cid,
            "msgType", fileId == null ? "text" : "file", "content", content);
        if (fileId != null) {
          f.put("fileId", fileId);
        }
        send(f);
        Map<String, Object> answer = poll(x -> r.equals(x.get("rid")), 8);
        if (answer != null && "ack".equals(answer.get("type"))) {
          return new SendResult(num(answer.get("seq")), attempts);
        }
        if (answer != null && !"unavailable".equals(answer.get("code")) && !"rate_limited".equals(answer.get("code"))) {
          throw new AssertionError("send " + cid + ": " + answer);
        }
        Thread.sleep(answer == null ? 100 : 1000);
      }
      throw new AssertionError("send " + cid + " not acked within " + seconds + " s");
    }

    /** Sends sync from {@code after} and collects the session's messages by seq until synced (pages with history). */
    Map<Long, Map<String, Object>> sync(String sid, long after) throws Exception {
      String r = "sync" + (++rid);
      send(obj("type", "sync", "rid", r, "positions", obj(sid, after)));
      Map<Long, Map<String, Object>> bySeq = new TreeMap<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        long left = deadline - System.nanoTime();
        Map<String, Object> f = frames.poll(Math.max(1, Math.min(left, TimeUnit.MILLISECONDS.toNanos(500))), TimeUnit.NANOSECONDS);
        if (f == null && closed.isDone() && frames.isEmpty()) {
          throw new SocketClosed(closed.join());
        }
        if (f == null && left <= 0) {
          throw new AssertionError("no synced within 30 s");
        }
        if (f == null) {
          continue;
        }
        if ("message".equals(f.get("type")) && sid.equals(f.get("sid"))) {
          bySeq.put(num(f.get("seq")), f);
        } else if ("synced".equals(f.get("type")) && r.equals(f.get("rid"))) {
          break;
        }
      }
      // More than a sync page: read on with history.
      while (true) {
        long last = bySeq.isEmpty() ? 0 : ((TreeMap<Long, ?>) bySeq).lastKey();
        String h = "h" + (++rid);
        send(obj("type", "history", "rid", h, "sid", sid, "after", last, "limit", 200));
        Map<String, Object> page = await(x -> h.equals(x.get("rid")), 15, "history page");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> messages = (List<Map<String, Object>>) page.get("messages");
        for (Map<String, Object> m : messages) {
          bySeq.put(num(m.get("seq")), m);
        }
        if (messages.isEmpty() || !Boolean.TRUE.equals(page.get("more"))) {
          return bySeq;
        }
      }
    }

    /** The server closed the socket before an answer: a client reconnects and asks again. */
    static final class SocketClosed extends AssertionError {
      final int code;

      SocketClosed(int code) {
        super("socket closed with " + code + " before synced");
        this.code = code;
      }
    }

    Map<String, Object> poll(Predicate<Map<String, Object>> p, int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        Map<String, Object> f = frames.poll(left, TimeUnit.NANOSECONDS);
        if (f != null && p.test(f)) {
          return f;
        }
      }
    }

    Map<String, Object> await(Predicate<Map<String, Object>> p, int seconds, String what) throws InterruptedException {
      Map<String, Object> f = poll(p, seconds);
      if (f == null) {
        throw new AssertionError("no " + what + " within " + seconds + " s" + (closed.isDone() ? " (closed " + closed.join() + ")" : "")
            + (lastError != null ? "; last error " + write(lastError) : ""));
      }
      return f;
    }

    int awaitClose(int seconds) throws Exception {
      return closed.get(seconds, TimeUnit.SECONDS);
    }

    void close() {
      ws.sendClose(1000, "bye");
      try {
        closed.get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        ws.abort();
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        Map<String, Object> f = json(partial.toString());
        if ("error".equals(f.get("type"))) {
          lastError = f;
        }
        frames.add(f);
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(-1);
    }
  }

  // ---- a small JSON reader and writer (the JDK has none) ----

  static Map<String, Object> obj(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static String write(Object o) {
    if (o == null) {
      return "null";
    }
    if (o instanceof Number || o instanceof Boolean) {
      return o.toString();
    }
    if (o instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      m.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(write(k.toString())).append(':').append(write(v)));
      return b.append('}').toString();
    }
    if (o instanceof List<?> l) {
      StringBuilder b = new StringBuilder("[");
      l.forEach(v -> b.append(b.length() > 1 ? "," : "").append(write(v)));
      return b.append(']').toString();
    }
    StringBuilder b = new StringBuilder("\"");
    for (char c : o.toString().toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(String text) {
    return (Map<String, Object>) new Reader(text).value();
  }

  static final class Reader {
    final String s;
    int i;

    Reader(String s) {
      this.s = s;
    }

    Object value() {
      ws();
      char c = s.charAt(i);
      switch (c) {
        case '{': {
          i++;
          Map<String, Object> m = new LinkedHashMap<>();
          ws();
          if (s.charAt(i) == '}') {
            i++;
            return m;
          }
          while (true) {
            ws();
            String k = (String) value();
            ws();
            i++; // :
            m.put(k, value());
            ws();
            if (s.charAt(i++) == '}') {
              return m;
            }
          }
        }
        case '[': {
          i++;
          List<Object> l = new ArrayList<>();
          ws();
          if (s.charAt(i) == ']') {
            i++;
            return l;
          }
          while (true) {
            l.add(value());
            ws();
            if (s.charAt(i++) == ']') {
              return l;
            }
          }
        }
        case '"': {
          StringBuilder b = new StringBuilder();
          i++;
          while (s.charAt(i) != '"') {
            char ch = s.charAt(i++);
            if (ch == '\\') {
              char e = s.charAt(i++);
              switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                  b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                  i += 4;
                }
                default -> b.append(e);
              }
            } else {
              b.append(ch);
            }
          }
          i++;
          return b.toString();
        }
        default: {
          int start = i;
          while (i < s.length() && ",}] \n\r\t".indexOf(s.charAt(i)) < 0) {
            i++;
          }
          String tok = s.substring(start, i);
          return switch (tok) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            case "null" -> null;
            default -> tok.contains(".") || tok.contains("e") || tok.contains("E")
                ? (Object) Double.parseDouble(tok) : (Object) Long.parseLong(tok);
          };
        }
      }
    }

    void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }
  }
}
