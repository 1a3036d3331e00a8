package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds image decodes: at most {@code maxRunning} at once on a worker pool of
 * their own, and {@code maxWaiting} more queued behind them. A decode may hold
 * a raster of up to {@link Thumbnails#MAX_PIXELS} source pixels (subsampled),
 * so unbounded parallel decodes could exhaust the heap and take every worker
 * thread of the node. A decode refused because the queue is full fails with
 * {@link Busy}; the caller stores the file without a thumbnail.
 */
final class ThumbnailQueue implements AutoCloseable {
  /** The queue was full: no thumbnail is made for this file. */
  static final class Busy extends RuntimeException {
    Busy() {
      super("thumbnailing busy", null, false, false);
    }
  }

  private final WorkerExecutor pool;
  private final int maxQueued;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger peakRunning = new AtomicInteger();
  /** Submitted and not finished (running or waiting); touched on the verticle's event loop only. */
  private int queued;

  ThumbnailQueue(Vertx vertx, String name, int maxRunning, int maxWaiting) {
    this.pool = vertx.createSharedWorkerExecutor(name, maxRunning);
    this.maxQueued = maxRunning + maxWaiting;
  }

  /** Runs {@code work} on the pool once a thread is free; fails with {@link Busy} when too many wait. */
  <T> Future<T> submit(Callable<T> work) {
    if (queued >= maxQueued) {
      return Future.failedFuture(new Busy());
    }
    queued++;
    return pool.executeBlocking(() -> counted(work), false).onComplete(ar -> queued--);
  }

  private <T> T counted(Callable<T> work) throws Exception {
    peakRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      return work.call();
    } finally {
      running.decrementAndGet();
    }
  }

  /** The most decodes that ever ran at once. */
  int peakRunning() {
    return peakRunning.get();
  }

  /** Decodes running or waiting. */
  int queued() {
    return queued;
  }

  @Override
  public void close() {
    pool.close();
  }
}
