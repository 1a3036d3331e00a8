package palaver.push;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import palaver.testing.Await;
import palaver.testing.Ports;

/** An app server's webhook endpoint: a real HTTP server recording each POST, answering the queued statuses (then 200). */
final class WebhookReceiver implements AutoCloseable {
  /** One POST as received. */
  record Delivery(String path, String key, String signature, String contentType, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  final int port = Ports.free();
  final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final Map<String, Queue<Integer>> statuses = new ConcurrentHashMap<>();

  WebhookReceiver() {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      deliveries.add(new Delivery(req.path(), req.getHeader("X-Pusher-Key"), req.getHeader("X-Pusher-Signature"),
          req.getHeader("Content-Type"), body.toString()));
      Integer status = statuses(req.path()).poll();
      req.response().setStatusCode(status == null ? 200 : status).end();
    }));
    Await.result(server.listen(port, "127.0.0.1"));
  }

  /** The statuses POSTs to {@code path} get next, in order (200 once empty). */
  Queue<Integer> statuses(String path) {
    return statuses.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>());
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  List<Delivery> to(String path) {
    return deliveries.stream().filter(d -> d.path().equals(path)).toList();
  }

  @Override
  public void close() {
    Await.result(vertx.close());
  }
}
