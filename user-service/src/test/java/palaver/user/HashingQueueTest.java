package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.ErrorCode;
import palaver.testing.Await;

/** The queue's bounds, with jobs that wait on a latch instead of hashing. */
class HashingQueueTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    Await.result(vertx.close());
  }

  /** A job that holds its worker until the test releases it. */
  private String held() throws InterruptedException {
    release.await();
    return "done";
  }

  /** Submits from the queue's own context, as user-service does. */
  private <T> T onContext(Function<HashingQueue, T> submit, HashingQueue queue) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> result.complete(submit.apply(queue)));
    return Await.result(result.future());
  }

  @Test
  @DisplayName("Beyond the running and waiting bounds a job is refused rate_limited at once, and the others still finish")
  void fullQueueRefusesAtOnce() {
    HashingQueue queue = new HashingQueue(vertx, 1, 1, 60_000);
    List<Future<String>> jobs = onContext(q -> List.of(q.submit(this::held), q.submit(this::held), q.submit(this::held)), queue);
    assertEquals(ErrorCode.RATE_LIMITED, ErrorCode.of(Await.failure(jobs.get(2))));
    release.countDown();
    assertEquals("done", Await.result(jobs.get(0)));
    assertEquals("done", Await.result(jobs.get(1)));
  }

  @Test
  @DisplayName("A job that waited in line longer than the wait bound is refused instead of run")
  void staleJobIsRefused() throws InterruptedException {
    HashingQueue queue = new HashingQueue(vertx, 1, 1, 0);
    List<Future<String>> jobs = onContext(q -> List.of(q.submit(this::held), q.submit(() -> "ran")), queue);
    Thread.sleep(20);
    release.countDown();
    assertEquals("done", Await.result(jobs.get(0)));
    assertEquals(ErrorCode.RATE_LIMITED, ErrorCode.of(Await.failure(jobs.get(1))));
  }
}
