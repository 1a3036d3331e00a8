package palaver.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The benchmark's users and sessions, made over the public HTTP API: {@code groups}
 * public groups of {@code groupUsers} users each (user i is in group i / groupUsers
 * only), and one private "solo" group per user for the persisted-throughput
 * scenario (distinct sessions, one member). Registering costs an Argon2id hash
 * per user, so the result (uids and 12 h tokens) is kept in a file and reused
 * while its tokens are valid and the server still knows them.
 */
record Population(int groups, int groupUsers, List<User> users, List<String> groupSids, List<String> soloSids) {
  record User(String uid, String token, long expiresAt) {
  }

  static final String PASSWORD = "bench-password-not-secret";
  private static final int PARALLEL = 4;

  int userCount() {
    return users.size();
  }

  int groupOf(int user) {
    return user / groupUsers;
  }

  JsonObject toJson() {
    JsonArray us = new JsonArray();
    users.forEach(u -> us.add(new JsonObject().put("uid", u.uid).put("token", u.token).put("expiresAt", u.expiresAt)));
    return new JsonObject().put("groups", groups).put("groupUsers", groupUsers).put("users", us)
        .put("groupSids", new JsonArray(groupSids)).put("soloSids", new JsonArray(soloSids));
  }

  static Population fromJson(JsonObject j) {
    List<User> us = new ArrayList<>();
    j.getJsonArray("users").forEach(o -> {
      JsonObject u = (JsonObject) o;
      us.add(new User(u.getString("uid"), u.getString("token"), u.getLong("expiresAt")));
    });
    return new Population(j.getInteger("groups"), j.getInteger("groupUsers"), us,
        strings(j.getJsonArray("groupSids")), strings(j.getJsonArray("soloSids")));
  }

  static Population read(Path file) throws IOException {
    return fromJson(new JsonObject(Files.readString(file)));
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    a.forEach(o -> out.add((String) o));
    return out;
  }

  /** Reuses {@code file} when it fits and still works against {@code http}; otherwise registers (or logs in) and writes it. */
  static Population ensure(String http, int groups, int groupUsers, Path file) throws Exception {
    Api api = new Api(http);
    if (Files.exists(file)) {
      Population p = read(file);
      boolean fits = p.groups == groups && p.groupUsers == groupUsers;
      long soon = System.currentTimeMillis() + Duration.ofHours(2).toMillis();
      if (fits && p.users.stream().allMatch(u -> u.expiresAt > soon) && api.knows(p.users.get(0).token)) {
        Bench.log("population: reusing %d users from %s", p.userCount(), file);
        return p;
      }
    }
    long t0 = System.nanoTime();
    int n = groups * groupUsers;
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      List<User> users = all(pool, n, i -> api.registerOrLogin("bench-" + i + "@bench.example", "b" + i));
      Bench.log("population: %d users ready in %.1f s (one Argon2id hash each)", n, (System.nanoTime() - t0) / 1e9);
      List<String> groupSids = all(pool, groups, g -> {
        String sid = api.createGroup(users.get(g * groupUsers).token, "bench-group-" + g, "public");
        for (int k = 1; k < groupUsers; k++) {
          api.join(users.get(g * groupUsers + k).token, sid);
        }
        return sid;
      });
      List<String> soloSids = all(pool, n, i -> api.createGroup(users.get(i).token, "bench-solo-" + i, "private"));
      Population p = new Population(groups, groupUsers, users, groupSids, soloSids);
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, p.toJson().encodePrettily());
      Bench.log("population: %d groups and %d solo sessions made; total %.1f s", groups, n, (System.nanoTime() - t0) / 1e9);
      return p;
    } finally {
      pool.shutdownNow();
    }
  }

  interface Job<T> {
    T run(int i) throws Exception;
  }

  private static <T> List<T> all(ExecutorService pool, int n, Job<T> job) throws Exception {
    List<Future<T>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      futures.add(pool.submit((Callable<T>) () -> job.run(k)));
    }
    List<T> out = new ArrayList<>();
    for (Future<T> f : futures) {
      out.add(f.get());
    }
    return out;
  }

  /** The few HTTP calls setup needs. */
  private static final class Api {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    Api(String base) {
      this.base = base + "/api/v1";
    }

    boolean knows(String token) throws Exception {
      return call("GET", "/users/me", token, null).statusCode() == 200;
    }

    User registerOrLogin(String login, String nickname) throws Exception {
      JsonObject body = new JsonObject().put("login", login).put("password", PASSWORD).put("nickname", nickname);
      HttpResponse<String> r = patiently("POST", "/users", body);
      if (r.statusCode() == 409) {
        r = patiently("POST", "/auth/login", new JsonObject().put("login", login).put("password", PASSWORD));
      }
      JsonObject j = ok(r);
      return new User(j.getString("uid"), j.getString("token"), j.getLong("expiresAt"));
    }

    String createGroup(String token, String name, String visibility) throws Exception {
      return ok(call("POST", "/sessions", token,
          new JsonObject().put("type", "group").put("name", name).put("visibility", visibility))).getString("sid");
    }

    void join(String token, String sid) throws Exception {
      ok(call("POST", "/sessions/" + sid + "/members", token, null));
    }

    /**
     * A sign-up or login, again after each 429: the server hashes a few passwords at a time and refuses
     * more waiting than it can hash in 2 s, and setup asks for many at once (Retry-After, or 1 s).
     */
    private HttpResponse<String> patiently(String method, String path, JsonObject body) throws Exception {
      long giveUp = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (true) {
        HttpResponse<String> r = call(method, path, null, body);
        if (r.statusCode() != 429 || System.nanoTime() > giveUp) {
          return r;
        }
        long seconds = r.headers().firstValue("Retry-After").map(v -> {
          try {
            return Long.parseLong(v.trim());
          } catch (NumberFormatException e) {
            return 1L;
          }
        }).orElse(1L);
        Thread.sleep(Math.max(200, Math.min(10, seconds) * 1000 - (long) (Math.random() * 500)));
      }
    }

    private HttpResponse<String> call(String method, String path, String token, JsonObject body) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
          .header("Content-Type", "application/json");
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject ok(HttpResponse<String> r) {
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException(r.request().method() + " " + r.request().uri().getPath() + " -> " + r.statusCode() + " " + r.body());
      }
      return r.body().isBlank() ? new JsonObject() : new JsonObject(r.body());
    }
  }
}
