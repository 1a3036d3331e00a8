package palaver.fill;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.message.MessageFill;
import palaver.runtime.PalaverConfig;
import palaver.runtime.Setting;
import palaver.runtime.Store;
import palaver.session.SessionFill;
import palaver.store.EmbeddedStore;
import palaver.user.UserFill;

/**
 * Fills the data dir of a stopped standalone server for the growth benchmark (docs/performance.md,
 * "Costs as the store grows"): {@code --users} accounts, {@code --sessions} groups of {@code --members}
 * members each, and messages up to {@code --messages} in all, written with the services' own store classes
 * as their handlers write them. Incremental: a second run on the same dir adds messages after the ones there
 * (the heads say where each session stands, also after the server's own sends). Writes the bench's
 * population file (fresh 12 h tokens signed with the data dir's key) to {@code --population}.
 *
 * <p>Shape: session s has the users (s + j * users / members) mod users, j = 0..members-1, the first its
 * owner; filled message k goes to session k mod sessions, from its member (k / sessions) mod members, so
 * every session holds about messages / sessions consecutive seqs and each batch of 1,000 touches 1,000
 * sessions once, as 1,000 concurrent sends to distinct sessions would.
 */
public final class Fill {
  static final String MANIFEST = "growth-fill.json";
  /** The password of every filled account (a benchmark's, not a secret). */
  public static final String PASSWORD = "growth-password-not-secret";
  private static final int BATCH = Integer.getInteger("fill.batch", 1_000);
  private static final int IN_FLIGHT = Integer.getInteger("fill.inFlight", 2);
  private static final int VOCABULARY = 3_000;

  private Fill() {
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    Path dir = Path.of(a.get("data-dir"));
    long messages = Long.parseLong(a.getOrDefault("messages", "0"));
    int users = Integer.parseInt(a.getOrDefault("users", "10000"));
    int sessions = Integer.parseInt(a.getOrDefault("sessions", "10000"));
    int members = Integer.parseInt(a.getOrDefault("members", "10"));
    Path population = Path.of(a.getOrDefault("population", dir.resolve("population.json").toString()));
    int cacheMb = Integer.parseInt(a.getOrDefault("store-cache-mb", "256"));
    Files.createDirectories(dir);
    EmbeddedStore embedded = EmbeddedStore.start(dir, null, cacheMb);
    Vertx vertx = Vertx.vertx();
    int status = 0;
    try {
      MongoClient mongo = Store.client(vertx, PalaverConfig.defaults().put(Setting.MONGO_URI.key(),
          embedded.connectionString()));
      run(vertx, mongo, dir, population, users, sessions, members, messages);
    } catch (Exception e) {
      log("fill failed: %s", e);
      e.printStackTrace();
      status = 1;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
      embedded.close();
    }
    System.exit(status);
  }

  public static void run(Vertx vertx, MongoClient mongo, Path dir, Path population, int users, int sessions, int members,
      long messages) throws Exception {
    UserFill userFill = await(UserFill.open(vertx, mongo, dir.resolve("jwt.secret").toString()));
    SessionFill sessionFill = await(SessionFill.open(mongo));
    MessageFill messageFill = await(MessageFill.open(mongo));
    Path manifestFile = dir.resolve(MANIFEST);
    JsonObject manifest;
    if (Files.exists(manifestFile)) {
      manifest = new JsonObject(Files.readString(manifestFile));
      if (manifest.getInteger("users") != users || manifest.getInteger("sessions") != sessions
          || manifest.getInteger("members") != members) {
        throw new IllegalArgumentException("the data dir was filled with another shape: " + manifest.copy()
            .put("uids", "...").put("sids", "..."));
      }
      log("filled before: %,d messages", manifest.getLong("messages"));
    } else {
      manifest = population(userFill, sessionFill, users, sessions, members);
      Files.writeString(manifestFile, manifest.encode());
    }
    List<String> uids = strings(manifest.getJsonArray("uids"));
    List<String> sids = strings(manifest.getJsonArray("sids"));
    long from = manifest.getLong("messages");
    if (messages > from) {
      messages(messageFill, uids, sids, members, from, messages);
      manifest.put("messages", messages);
      Files.writeString(manifestFile, manifest.encode());
    }
    writePopulation(userFill, uids, sids, members, manifest.getLong("messages"), population);
  }

  /** The accounts, groups and memberships, once per data dir. */
  private static JsonObject population(UserFill userFill, SessionFill sessionFill, int users, int sessions,
      int members) {
    long t0 = System.nanoTime();
    String hash = UserFill.hash(PASSWORD);
    List<String> uids = new ArrayList<>(users);
    for (int u = 0; u < users; u++) {
      uids.add(Ids.random());
    }
    window(users, u -> userFill.insert(uids.get(u), login(u), "grower " + u, hash), 32);
    log("%,d users in %.1f s", users, (System.nanoTime() - t0) / 1e9);
    List<String> sids = new ArrayList<>(sessions);
    for (int s = 0; s < sessions; s++) {
      sids.add(Ids.random());
    }
    long now = System.currentTimeMillis();
    int step = Math.max(1, users / members);
    window((sessions + BATCH - 1) / BATCH, b -> {
      List<JsonObject> groups = new ArrayList<>();
      List<JsonObject> memberships = new ArrayList<>();
      for (int s = b * BATCH; s < Math.min(sessions, (b + 1) * BATCH); s++) {
        groups.add(SessionFill.group(sids.get(s), "growth " + s, uids.get(s % users), now));
        for (int j = 0; j < members; j++) {
          memberships.add(SessionFill.member(sids.get(s), uids.get(memberOf(s, j, step, users)), j == 0, now));
        }
      }
      return sessionFill.insert(groups, memberships);
    }, IN_FLIGHT);
    log("%,d sessions of %d members in %.1f s (with the users)", sessions, members, (System.nanoTime() - t0) / 1e9);
    return new JsonObject().put("users", users).put("sessions", sessions).put("members", members).put("messages", 0L)
        .put("uids", new JsonArray(uids)).put("sids", new JsonArray(sids));
  }

  static int memberOf(int session, int j, int step, int users) {
    return (session + j * step) % users;
  }

  static String login(int u) {
    return "grower-" + u + "@bench.example";
  }

  /** Filled messages {@code from..to-1}, numbered after each session's head. */
  private static void messages(MessageFill fill, List<String> uids, List<String> sids, int members, long from,
      long to) {
    long t0 = System.nanoTime();
    Map<String, Long> last = new HashMap<>();
    for (int i = 0; i < sids.size(); i += BATCH) {
      last.putAll(await(fill.lastSeqs(sids.subList(i, Math.min(sids.size(), i + BATCH)))));
    }
    int step = Math.max(1, uids.size() / members);
    long batches = (to - from + BATCH - 1) / BATCH;
    long[] reported = {from};
    window((int) batches, b -> {
      long first = from + (long) b * BATCH;
      List<JsonObject> docs = new ArrayList<>(BATCH);
      for (long k = first; k < Math.min(to, first + BATCH); k++) {
        int s = (int) (k % sids.size());
        int j = (int) ((k / sids.size()) % members);
        String sid = sids.get(s);
        long seq = last.merge(sid, 1L, Long::sum);
        docs.add(message(k, sid, seq, uids.get(memberOf(s, j, step, uids.size())), memberOf(s, j, step, uids.size())));
      }
      long done = Math.min(to, first + BATCH);
      return fill.write(docs).onSuccess(v -> {
        if (done - reported[0] >= 50_000 || done == to) {
          reported[0] = done;
          double sec = (System.nanoTime() - t0) / 1e9;
          log("messages: %,d (%,.0f/s)", done, (done - from) / sec);
        }
      });
    }, IN_FLIGHT);
  }

  /** A text message as the send path stores it (the draft, the sender's profile, its seq). */
  static JsonObject message(long k, String sid, long seq, String uid, int u) {
    return new JsonObject().put("_id", Ids.random()).put(Field.SID, sid).put(Field.UID, uid).put(Field.CID, "fill-" + k)
        .put(Field.MSG_TYPE, "text").put(Field.CONTENT, content(k)).put(Field.AT, System.currentTimeMillis())
        .put(Field.NICKNAME, "grower " + u).putNull(Field.AVATAR).put(Field.SEQ, seq);
  }

  /** Four words of a fixed vocabulary and the message's number: a short chat line with a few postings. */
  static String content(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    StringBuilder text = new StringBuilder("fill ").append(k);
    for (int w = 0; w < 4; w++) {
      text.append(" w").append(Math.floorMod(h >>> (w * 12), VOCABULARY));
    }
    return text.toString();
  }

  private static void writePopulation(UserFill userFill, List<String> uids, List<String> sids, int members,
      long messages, Path file) throws Exception {
    JsonArray users = new JsonArray();
    for (String uid : uids) {
      JsonObject t = userFill.token(uid);
      users.add(new JsonObject().put("uid", uid).put("token", t.getString(Field.TOKEN))
          .put("expiresAt", t.getLong(Field.EXPIRES_AT)));
    }
    // The bench's Population shape: soloSids[i] is the session user i owns (its other members stay offline).
    JsonObject p = new JsonObject().put("groups", sids.size()).put("groupUsers", 1).put("users", users)
        .put("groupSids", new JsonArray(sids)).put("soloSids", new JsonArray(sids.subList(0, Math.min(sids.size(),
            uids.size())))).put("members", members).put("memberStep", Math.max(1, uids.size() / members))
        .put("messages", messages);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, p.encode());
    log("population with %,d tokens: %s", uids.size(), file);
  }

  interface Batch {
    Future<?> run(int i);
  }

  /** Runs {@code n} batches, at most {@code inFlight} at a time, and waits for them all. */
  private static void window(int n, Batch batch, int inFlight) {
    Deque<Future<?>> running = new ArrayDeque<>();
    for (int i = 0; i < n; i++) {
      if (running.size() >= inFlight) {
        await(running.removeFirst());
      }
      running.addLast(batch.run(i));
    }
    running.forEach(Fill::await);
  }

  private static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.MINUTES).join();
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>(a.size());
    a.forEach(o -> out.add((String) o));
    return out;
  }

  static void log(String format, Object... values) {
    System.err.printf("[%s] %s%n", LocalTime.now(ZoneOffset.UTC).withNano(0), String.format(format, values));
  }
}
