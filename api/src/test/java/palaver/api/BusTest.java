package palaver.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
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
}
