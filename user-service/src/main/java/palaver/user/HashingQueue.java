package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import palaver.api.ErrorCode;

/**
 * The one way password hashing (sign-up, login, password change, deletion) reaches the
 * worker threads: at most {@code maxRunning} hashes at once and
 * {@code maxWaiting} in line. Work beyond that is answered {@code rate_limited}
 * at once, before any hashing, so a flood of sign-ups can neither occupy every
 * core nor pile up work that finishes after its caller gave up. A job that
 * waited longer than {@code maxWaitMs} is refused instead of run, for the same
 * reason: the worst case a caller waits is about {@code maxWaitMs} plus one
 * hash, well inside the gateway's {@link palaver.api.Address#USER_REGISTER}
 * timeout. Used from the user-service verticle's event loop only.
 */
final class HashingQueue {
  /** One hash per core: Argon2id with p=1 keeps one core busy. */
  static final int MAX_RUNNING = Math.max(1, Runtime.getRuntime().availableProcessors());
  static final int MAX_WAITING = 8 * MAX_RUNNING;
  /** Far below the gateway's 10 s account timeout, leaving room for the hash itself and the insert. */
  static final long MAX_WAIT_MS = 2_000;

  private record Job(Callable<?> work, Promise<Object> result, long queuedAt) {
  }

  private final Vertx vertx;
  private final int maxRunning;
  private final int maxWaiting;
  private final long maxWaitMs;
  private final Deque<Job> waiting = new ArrayDeque<>();
  private int running;

  HashingQueue(Vertx vertx) {
    this(vertx, MAX_RUNNING, MAX_WAITING, MAX_WAIT_MS);
  }

  HashingQueue(Vertx vertx, int maxRunning, int maxWaiting, long maxWaitMs) {
    this.vertx = vertx;
    this.maxRunning = maxRunning;
    this.maxWaiting = maxWaiting;
    this.maxWaitMs = maxWaitMs;
  }

  /** Runs {@code work} on a worker thread when a slot is free; fails {@code rate_limited} when the line is full. */
  @SuppressWarnings("unchecked")
  <T> Future<T> submit(Callable<T> work) {
    if (running < maxRunning) {
      return (Future<T>) run(work);
    }
    if (waiting.size() >= maxWaiting) {
      return Future.failedFuture(busy());
    }
    Promise<Object> result = Promise.promise();
    waiting.addLast(new Job(work, result, System.nanoTime()));
    return (Future<T>) result.future();
  }

  private Future<Object> run(Callable<?> work) {
    running++;
    return vertx.<Object>executeBlocking(work::call, false).onComplete(ar -> {
      running--;
      next();
    });
  }

  private void next() {
    long now = System.nanoTime();
    while (running < maxRunning && !waiting.isEmpty()) {
      Job job = waiting.pollFirst();
      if ((now - job.queuedAt()) / 1_000_000 > maxWaitMs) {
        job.result().fail(busy());
      } else {
        run(job.work()).onComplete(job.result());
      }
    }
  }

  private static Throwable busy() {
    return ErrorCode.RATE_LIMITED.exception("too many sign-ups and logins at once, retry later");
  }
}
