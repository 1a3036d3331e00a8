package palaver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Commands that finish together share a commit, and none returns before one holds it. */
@DisplayName("Grouped commits")
class GroupCommitTest {

  /** A backend whose commands do nothing and whose first commit waits to be released. */
  private static final class HeldCommitBackend extends H2Backend {
    final CountDownLatch inFirstCommit = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger commits = new AtomicInteger();

    HeldCommitBackend() {
      super(MVStore.open(null));
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
      return new Document("ok", 1.0);
    }

    @Override
    public void commit() {
      if (commits.incrementAndGet() == 1) {
        inFirstCommit.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      super.commit();
    }
  }

  private static Thread insert(CommittingBackend backend) {
    Thread thread = new Thread(() -> backend.handleCommand(null, "palaver", "insert", new Document("insert", "m")));
    thread.start();
    return thread;
  }

  private static void awaitBlocked(Thread thread) throws InterruptedException {
    while (thread.getState() != Thread.State.BLOCKED) {
      Thread.sleep(5);
    }
  }

  @Test
  @DisplayName("Three inserts that finish while a commit is being written share the next commit")
  void concurrentWritesShareACommit() throws Exception {
    HeldCommitBackend h2 = new HeldCommitBackend();
    CommittingBackend backend = new CommittingBackend(h2);
    Thread first = insert(backend);
    h2.inFirstCommit.await();
    List<Thread> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread thread = insert(backend);
      awaitBlocked(thread); // done with its command, waiting to commit: it has not replied
      waiting.add(thread);
    }
    h2.release.countDown();
    first.join();
    for (Thread thread : waiting) {
      thread.join();
    }
    assertEquals(2, h2.commits.get());
    assertEquals(2, backend.commits());
  }

  @Test
  @DisplayName("A read commits nothing; a write after it commits once")
  void readsDoNotCommit() {
    HeldCommitBackend h2 = new HeldCommitBackend();
    h2.release.countDown();
    CommittingBackend backend = new CommittingBackend(h2);
    backend.handleCommand(null, "palaver", "find", new Document("find", "m"));
    assertEquals(0, backend.commits());
    backend.handleCommand(null, "palaver", "update", new Document("update", "m"));
    assertEquals(1, backend.commits());
  }
}
