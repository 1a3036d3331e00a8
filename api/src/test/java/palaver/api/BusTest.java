package palaver.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Request/reply conventions")
class BusTest {
  private Vertx vertx;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() {
    vertx.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  @Test
  @DisplayName("A thrown ErrorCode becomes the reply's failure code and message")
  void thrownCode() throws Exception {
    await(Bus.serve(vertx, "t.op", body -> {
      throw ErrorCode.FORBIDDEN.exception("not yours");
    }));
    ReplyException e = assertThrows(ReplyException.class, () -> await(Bus.request(vertx, "t.op", new JsonObject())));
    assertEquals(403, e.failureCode());
    assertEquals("not yours", e.getMessage());
  }

  @Test
  @DisplayName("An unexpected exception is a 500 with no internals in the message")
  void internalHidden() throws Exception {
    await(Bus.serve(vertx, "t.bug", body -> {
      throw new IllegalStateException("database password is hunter2");
    }));
    ReplyException e = assertThrows(ReplyException.class, () -> await(Bus.request(vertx, "t.bug", new JsonObject())));
    assertEquals(500, e.failureCode());
    assertEquals("internal error", e.getMessage());
  }

  @Test
  @DisplayName("$-keys in a request body are refused before the operation runs")
  void dollarKeys() throws Exception {
    await(Bus.serve(vertx, "t.echo", Future::succeededFuture));
    ReplyException e = assertThrows(ReplyException.class, () -> await(Bus.request(vertx, "t.echo",
        new JsonObject().put("q", new JsonObject().put("$gt", "")))));
    assertEquals(400, e.failureCode());
  }

  @Test
  @DisplayName("A request to an address nobody serves fails fast as unavailable")
  void noHandler() {
    ReplyException e = assertThrows(ReplyException.class,
        () -> await(Bus.request(vertx, "t.nobody", new JsonObject(), 1000)));
    assertEquals(ErrorCode.UNAVAILABLE, ErrorCode.of(e));
  }

  // Palaver's code relies on every local delivery handing the receiver its own deep copy (Vert.x's JSON
  // codec): callers resend and keep what they sent or received, message-service's tail shares nested
  // values with what it publishes (docs/performance.md finding 8). A no-copy codec would break these.

  private static JsonObject nested() {
    return new JsonObject().put("sid", "s1").put("file", new JsonObject().put("name", "a.png"))
        .put("mentions", new JsonArray().add("u1"));
  }

  private static void scribble(JsonObject body) {
    body.put("sid", "changed").getJsonObject("file").put("name", "changed");
    body.getJsonArray("mentions").add("changed");
  }

  @Test
  @DisplayName("A service that changes the request it got leaves the caller's object, nested values too, as sent")
  void requestIsTheServicesOwn() throws Exception {
    await(Bus.serve(vertx, "t.scribble", body -> {
      scribble(body);
      return Future.succeededFuture();
    }));
    JsonObject sent = nested();
    await(Bus.request(vertx, "t.scribble", sent));
    assertEquals(nested(), sent);
  }

  @Test
  @DisplayName("A reply the caller keeps is its own: the service changing its object afterwards does not reach it")
  void replyIsTheCallersOwn() throws Exception {
    JsonObject served = nested();
    await(Bus.serve(vertx, "t.kept", body -> Future.succeededFuture(served)));
    JsonObject kept = await(Bus.request(vertx, "t.kept", new JsonObject()));
    assertNotSame(served, kept);
    scribble(served);
    assertEquals(nested(), kept);
  }

  @Test
  @DisplayName("Each local consumer of a publish gets its own copy: one changing it reaches neither the others nor the publisher")
  void publishCopiesPerConsumer() throws Exception {
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    Promise<Void> both = Promise.promise();
    for (int i = 0; i < 2; i++) {
      await(vertx.eventBus().<JsonObject>consumer("t.fanout", msg -> {
        scribble(msg.body());
        seen.add(msg.body());
        if (seen.size() == 2) {
          both.complete();
        }
      }).completion());
    }
    JsonObject published = nested();
    vertx.eventBus().publish("t.fanout", published);
    await(both.future());
    assertNotSame(seen.get(0), seen.get(1));
    assertEquals(nested(), published);
  }
}
