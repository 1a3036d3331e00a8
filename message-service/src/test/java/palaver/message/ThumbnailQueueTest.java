package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.testing.Await;

/** The bound on image decodes (issue 20 item 10): work held on a latch stands for a slow decode. */
@DisplayName("ThumbnailQueue: bounded image decodes")
class ThumbnailQueueTest {
  private static final int RUNNING = 2;
  private static final int WAITING = 4;
  private static final int SUBMITTED = 10;
  private Vertx vertx;
  private Context context;
  private ThumbnailQueue queue;
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger started = new AtomicInteger();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    queue = new ThumbnailQueue(vertx, "test-thumbnails", RUNNING, WAITING);
  }

  @AfterEach
  void stop() {
    release.countDown();
    queue.close();
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("Of 10 decodes submitted at once, at most 2 run together and all 6 accepted finish")
  void atMostTwoRunAtOnce() {
    List<Future<Integer>> results = submitAll();
    awaitStarted(RUNNING);
    release.countDown();
    int finished = 0;
    for (Future<Integer> result : results.subList(0, RUNNING + WAITING)) {
      Await.result(result);
      finished++;
    }
    assertEquals(RUNNING + WAITING, finished);
    assertEquals(RUNNING, queue.peakRunning());
  }

  @Test
  @DisplayName("Decodes beyond 2 running and 4 waiting are refused as busy at once, not queued")
  void beyondTheQueueIsBusy() {
    List<Future<Integer>> results = submitAll();
    for (Future<Integer> refused : results.subList(RUNNING + WAITING, SUBMITTED)) {
      assertTrue(refused.failed(), "expected busy");
      assertInstanceOf(ThumbnailQueue.Busy.class, refused.cause());
    }
  }

  /** Submits {@value #SUBMITTED} decodes from the verticle's event loop, each blocking until released. */
  private List<Future<Integer>> submitAll() {
    CompletableFuture<List<Future<Integer>>> submitted = new CompletableFuture<>();
    context.runOnContext(v -> {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < SUBMITTED; i++) {
        results.add(queue.submit(this::slowDecode));
      }
      submitted.complete(results);
    });
    return submitted.join();
  }

  private Integer slowDecode() throws InterruptedException {
    int n = started.incrementAndGet();
    release.await();
    return n;
  }

  /** Waits (without a time assertion) until {@code n} decodes have begun. */
  private void awaitStarted(int n) {
    while (started.get() < n) {
      Thread.onSpinWait();
      Thread.yield();
    }
  }
}
