package palaver.system;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import palaver.testing.Await;

/** A blocking HTTP client for tests, talking JSON to {@code /api/v1}. */
public final class Http {
  private static final AtomicInteger USERS = new AtomicInteger();

  /** An answer: status, JSON body (null when not JSON) and headers. */
  public record Response(int status, JsonObject json, String text, MultiMap headers) {
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

  /** A new user with a unique login and the password {@code password-123}. */
  public User newUser(String nickname) {
    String login = nickname.toLowerCase().replaceAll("[^a-z0-9]", "") + "-" + System.nanoTime() + "-"
        + USERS.incrementAndGet() + "@test.palaver";
    return register(login, "password-123", nickname);
  }

  /** Creates a public group owned by {@code owner}; returns its sid. */
  public String newGroup(User owner, String name) {
    Response r = post("/sessions", owner.token(), new JsonObject().put("type", "group").put("name", name)
        .put("visibility", "public"));
    if (r.status() != 201) {
      throw new AssertionError("create group failed: " + r.status() + " " + r.text());
    }
    return r.json().getString("sid");
  }

  public void join(User user, String sid) {
    Response r = post("/sessions/" + sid + "/members", user.token(), null);
    if (r.status() != 200) {
      throw new AssertionError("join failed: " + r.status() + " " + r.text());
    }
  }
}
