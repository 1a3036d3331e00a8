package palaver.system;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An xlvein client as an app's end user runs it, on the JDK's own WebSocket
 * and HTTP clients (nothing of Palaver's or Vert.x's): {@code /ws/connect}
 * with an HS256 token, text frames in order, pings counted; and the app
 * server's signed {@code POST /api/v1/im/push}.
 */
final class XlveinClient implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final WebSocket ws;
  private final BlockingQueue<JsonObject> frames;
  final AtomicInteger pings;

  private XlveinClient(WebSocket ws, BlockingQueue<JsonObject> frames, AtomicInteger pings) {
    this.ws = ws;
    this.frames = frames;
    this.pings = pings;
  }

  /** Connects; a refused upgrade throws {@link WebSocketHandshakeException}. */
  static XlveinClient connect(int port, String appKey, String token) throws WebSocketHandshakeException {
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    AtomicInteger pings = new AtomicInteger();
    WebSocket.Listener listener = new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          frames.add(new JsonObject(text.toString()));
          text.setLength(0);
        }
        webSocket.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
        pings.incrementAndGet();
        return WebSocket.Listener.super.onPing(webSocket, message);
      }
    };
    URI uri = URI.create("ws://127.0.0.1:" + port + "/ws/connect?app_id=" + appKey + "&token=" + token);
    try {
      WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
      return new XlveinClient(ws, frames, pings);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        throw refused;
      }
      throw new CompletionException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  void send(JsonObject frame) {
    ws.sendText(frame.encode(), true).join();
  }

  JsonObject next() {
    JsonObject frame = poll(20_000);
    if (frame == null) {
      throw new AssertionError("no frame came from the server");
    }
    return frame;
  }

  JsonObject poll(long millis) {
    try {
      return frames.poll(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(t -> null);
    ws.abort();
  }

  // ---- the app server's side ----

  /** An HS256 JWT {@code {sub, exp: in an hour}} signed with {@code secret}. */
  static String token(String secret, String sub) {
    String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String claims = b64(new JsonObject().put("sub", sub).put("exp", System.currentTimeMillis() / 1000 + 3600)
        .encode().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return header + "." + claims + "." + b64(mac.doFinal((header + "." + claims).getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String sign(String appKey, String sendTo, String message, String nonce, String secret) {
    String text = "app_key=" + appKey + "&message=" + message + "&nonce=" + nonce + "&send_to=" + sendTo
        + "&key=" + secret;
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)))
          .toUpperCase(Locale.ROOT);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** POSTs a form (xlvein's SDK sends forms) to {@code /api/v1/im/push}; the JSON answer. */
  static JsonObject pushForm(int port, String appKey, String sendTo, String message, String nonce, String sign) {
    String form = "app_key=" + enc(appKey) + "&send_to=" + enc(sendTo) + "&message=" + enc(message)
        + "&nonce=" + enc(nonce) + "&sign=" + enc(sign);
    return post(port, "application/x-www-form-urlencoded", form);
  }

  /** As {@link #pushForm}, without waiting for the answer. */
  static CompletableFuture<JsonObject> pushFormAsync(int port, String appKey, String sendTo, String message,
      String nonce, String sign) {
    String form = "app_key=" + enc(appKey) + "&send_to=" + enc(sendTo) + "&message=" + enc(message)
        + "&nonce=" + enc(nonce) + "&sign=" + enc(sign);
    var request = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/im/push"))
        .header("Content-Type", "application/x-www-form-urlencoded").timeout(Duration.ofSeconds(20))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)).build();
    return HTTP.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofString()).thenApply(r -> new JsonObject(r.body()));
  }

  static JsonObject pushJson(int port, JsonObject body) {
    return post(port, "application/json", body.encode());
  }

  private static JsonObject post(int port, String type, String body) {
    try {
      var request = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/im/push"))
          .header("Content-Type", type).timeout(Duration.ofSeconds(10))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
      return new JsonObject(HTTP.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
