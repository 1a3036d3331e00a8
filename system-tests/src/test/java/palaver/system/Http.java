package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import palaver.testing.Await;

/**
 * The test client over HTTP: blocking calls to {@code /api/v1} as a user's
 * app makes them. Beside the raw verbs it has the vocabulary every transport's
 * client shares ({@link #newGroup}, {@link #send}, {@link #history}) and the
 * session calls (invite, leave, roles, read positions, listings).
 */
public final class Http {
  private static final AtomicInteger USERS = new AtomicInteger();

  /** An answer: status, JSON body (null when not JSON) and headers. */
  public record Response(int status, JsonObject json, String text, MultiMap headers) {
    /** The seq of a message ack; fails unless the answer is 200. */
    public long seq() {
      if (status != 200) {
        throw new AssertionError("send failed: " + status + " " + text);
      }
      return json.getLong("seq");
    }

    public String errorCode() {
      return json == null || json.getJsonObject("error") == null ? null
          : json.getJsonObject("error").getString("code");
    }
  }

  /** A registered user and its token. */
  public record User(String uid, String token, String login, String nickname) {
  }

  /** A download: status, raw body and headers. */
  public record Download(int status, Buffer body, MultiMap headers) {
    public byte[] bytes() {
      return body == null ? new byte[0] : body.getBytes();
    }
  }

  private final WebClient client;

  public Http(Vertx vertx, int port) {
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  public Response get(String path, String token) {
    return send(HttpMethod.GET, path, token, null);
  }

  public Response post(String path, String token, Object body) {
    return send(HttpMethod.POST, path, token, body);
  }

  public Response put(String path, String token, Object body) {
    return send(HttpMethod.PUT, path, token, body);
  }

  public Response patch(String path, String token, Object body) {
    return send(HttpMethod.PATCH, path, token, body);
  }

  public Response delete(String path, String token) {
    return send(HttpMethod.DELETE, path, token, null);
  }

  /** {@code path} under /api/v1 unless it starts with /health, /metrics or a full path outside it. */
  public Response send(HttpMethod method, String path, String token, Object body) {
    String uri = path.startsWith("/api/") || path.startsWith("/health") || path.startsWith("/metrics")
        || path.equals("/") || path.startsWith("/ws") || path.contains(".") ? path : "/api/v1" + path;
    HttpRequest<Buffer> request = client.request(method, uri);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    var future = body == null ? request.send()
        : request.putHeader("Content-Type", "application/json")
            .sendBuffer(body instanceof JsonObject json ? json.toBuffer() : Buffer.buffer(body.toString()));
    HttpResponse<Buffer> response = Await.result(future);
    String text = response.bodyAsString();
    JsonObject json = null;
    try {
      json = text == null || text.isEmpty() ? null : new JsonObject(text);
    } catch (RuntimeException notJson) {
      // leave json null
    }
    return new Response(response.statusCode(), json, text, response.headers());
  }

  /** {@code POST /files} with {@code bytes} as the multipart field {@code file}, declared as {@code mediaType}. */
  public Response upload(String token, String filename, byte[] bytes, String mediaType) {
    return uploadForm(token, MultipartForm.create().binaryFileUpload("file", filename, Buffer.buffer(bytes), mediaType));
  }

  /** {@code POST /files?purpose=...} (avatar or icon). */
  public Response uploadFor(String purpose, String token, String filename, byte[] bytes, String mediaType) {
    return uploadForm(token, "/api/v1/files?purpose=" + purpose,
        MultipartForm.create().binaryFileUpload("file", filename, Buffer.buffer(bytes), mediaType));
  }

  /** {@code POST /files?poster=<videoId>}: an image as the poster frame of the caller's video. */
  public Response uploadPoster(String token, String videoId, byte[] bytes, String mediaType) {
    return uploadForm(token, "/api/v1/files?poster=" + java.net.URLEncoder.encode(videoId, java.nio.charset.StandardCharsets.UTF_8),
        MultipartForm.create().binaryFileUpload("file", "poster", Buffer.buffer(bytes), mediaType));
  }

  /** {@code POST /files} with a multipart form as given (e.g. without a {@code file} field). */
  public Response uploadForm(String token, MultipartForm form) {
    return uploadForm(token, "/api/v1/files", form);
  }

  private Response uploadForm(String token, String uri, MultipartForm form) {
    HttpRequest<Buffer> request = client.post(uri);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return toResponse(Await.result(request.sendMultipartForm(form)));
  }

  /** A GET whose body is kept as bytes, with extra request headers (Range, If-None-Match, Cookie). */
  public Download download(String path, String token, Map<String, String> headers) {
    HttpRequest<Buffer> request = client.get(path.startsWith("/api/") ? path : "/api/v1" + path);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    headers.forEach(request::putHeader);
    HttpResponse<Buffer> response = Await.result(request.send());
    return new Download(response.statusCode(), response.body(), response.headers());
  }

  private static Response toResponse(HttpResponse<Buffer> response) {
    String text = response.bodyAsString();
    JsonObject json = null;
    try {
      json = text == null || text.isEmpty() ? null : new JsonObject(text);
    } catch (RuntimeException notJson) {
      // leave json null
    }
    return new Response(response.statusCode(), json, text, response.headers());
  }

  public User register(String login, String password, String nickname) {
    Response r = post("/users", null, new JsonObject().put("login", login).put("password", password)
        .put("nickname", nickname));
    if (r.status() != 201) {
      throw new AssertionError("register failed: " + r.status() + " " + r.text());
    }
    return new User(r.json().getString("uid"), r.json().getString("token"), login, nickname);
  }

  /** A new user with a unique login and the password {@code plover-kettle-41}. */
  public User newUser(String nickname) {
    String login = nickname.toLowerCase().replaceAll("[^a-z0-9]", "") + "-" + System.nanoTime() + "-"
        + USERS.incrementAndGet() + "@test.palaver";
    return register(login, "plover-kettle-41", nickname);
  }

  /** A public group owned by {@code owner}, every one of {@code members} joined; returns its sid. */
  public String newGroup(User owner, String name, User... members) {
    return newGroup(owner, name, "public", members);
  }

  /** A group of {@code visibility} ("public" or "private") owned by {@code owner}, {@code members} joined. */
  public String newGroup(User owner, String name, String visibility, User... members) {
    Response r = post("/sessions", owner.token(), new JsonObject().put("type", "group").put("name", name)
        .put("visibility", visibility));
    if (r.status() != 201) {
      throw new AssertionError("create group failed: " + r.status() + " " + r.text());
    }
    String sid = r.json().getString("sid");
    for (User member : members) {
      join(member, sid);
    }
    return sid;
  }

  public void join(User user, String sid) {
    Response r = post("/sessions/" + sid + "/members", user.token(), null);
    if (r.status() != 200) {
      throw new AssertionError("join failed: " + r.status() + " " + r.text());
    }
  }

  /** {@code who} sends a text over REST; the answer as it came ({@link Response#seq()} for an ack's seq). */
  public Response send(User who, String sid, String cid, String text) {
    return post("/sessions/" + sid + "/messages", who.token(), new JsonObject()
        .put("cid", cid).put("msgType", "text").put("content", text));
  }

  /** Every stored message of a session through REST paging, ascending. */
  public List<JsonObject> history(User member, String sid) {
    List<JsonObject> all = new ArrayList<>();
    long after = 0;
    while (true) {
      Response r = get("/sessions/" + sid + "/messages?after=" + after + "&limit=200", member.token());
      if (r.status() != 200) {
        throw new AssertionError("history failed: " + r.status() + " " + r.text());
      }
      JsonArray page = r.json().getJsonArray("messages");
      page.forEach(m -> all.add((JsonObject) m));
      if (!r.json().getBoolean("more") || page.isEmpty()) {
        return all;
      }
      after = page.getJsonObject(page.size() - 1).getLong("seq");
    }
  }

  /** The seqs of {@code messages} are 1..n without a gap or repeat. */
  public static void assertGapFree(List<JsonObject> messages) {
    for (int i = 0; i < messages.size(); i++) {
      long seq = messages.get(i).getLong("seq");
      if (seq != i + 1) {
        throw new AssertionError("seq " + seq + " at position " + i + " (expected " + (i + 1) + ")");
      }
    }
  }

  public Response createPrivate(User caller, String uid) {
    return post("/sessions", caller.token(), new JsonObject().put("type", "private").put("uid", uid));
  }

  public Response invite(User by, String sid, String uid) {
    return post("/sessions/" + sid + "/members", by.token(), new JsonObject().put("uid", uid));
  }

  /**
   * Makes the two friends, then invites and expects the invitee to be a
   * member at once (a stranger's invite only waits for acceptance).
   */
  public void invited(User by, String sid, User who) {
    befriend(by, who);
    Response r = invite(by, sid, who.uid());
    assertEquals(201, r.status(), r.text());
    assertEquals(null, r.json().getValue("pending"), r.text());
  }

  /** {@code a} asks {@code b} to be friends and {@code b} accepts (asking back); friends again is not an error. */
  public void befriend(User a, User b) {
    Response asked = post("/friends", a.token(), new JsonObject().put("uid", b.uid()));
    if (asked.status() == 409) {
      return;
    }
    assertEquals(200, asked.status(), asked.text());
    Response accepted = post("/friends", b.token(), new JsonObject().put("uid", a.uid()));
    assertEquals(200, accepted.status(), accepted.text());
  }

  public Response leave(User who, String sid) {
    return delete("/sessions/" + sid + "/members/me", who.token());
  }

  public Response remove(User by, String sid, User who) {
    return delete("/sessions/" + sid + "/members/" + who.uid(), by.token());
  }

  public Response setRole(User by, String sid, User who, String role) {
    return patch("/sessions/" + sid + "/members/" + who.uid(), by.token(), new JsonObject().put("role", role));
  }

  public Response read(User who, String sid, long seq) {
    return post("/sessions/" + sid + "/read", who.token(), new JsonObject().put("seq", seq));
  }

  /** The caller's sessions as GET /sessions lists them. */
  public List<JsonObject> sessions(User who) {
    Response r = get("/sessions", who.token());
    assertEquals(200, r.status(), r.text());
    List<JsonObject> out = new ArrayList<>();
    r.json().getJsonArray("sessions").forEach(s -> out.add((JsonObject) s));
    return out;
  }

  /** The caller's entry for {@code sid} in GET /sessions, or null when it isn't listed. */
  public JsonObject listed(User who, String sid) {
    return sessions(who).stream().filter(s -> sid.equals(s.getString("sid"))).findFirst().orElse(null);
  }

  public JsonObject info(User who, String sid) {
    Response r = get("/sessions/" + sid, who.token());
    assertEquals(200, r.status(), r.text());
    return r.json();
  }

  /** The system messages of the session's history (first 200), in seq order. */
  public List<JsonObject> systemMessages(User viewer, String sid) {
    Response r = get("/sessions/" + sid + "/messages?limit=200", viewer.token());
    assertEquals(200, r.status(), r.text());
    JsonArray messages = r.json().getJsonArray("messages");
    List<JsonObject> out = new ArrayList<>();
    messages.forEach(m -> {
      JsonObject message = (JsonObject) m;
      if ("system".equals(message.getString("msgType"))) {
        out.add(message);
      }
    });
    return out;
  }

  /** The content of the last system message: {action, uid (actor), ...}. */
  public JsonObject lastSystem(User viewer, String sid) {
    List<JsonObject> system = systemMessages(viewer, sid);
    return system.get(system.size() - 1).getJsonObject("content");
  }
}
