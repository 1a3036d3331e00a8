package palaver.store;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.h2.mvstore.MVStore;

/**
 * The H2 backend, committed to its file after every writing command before the
 * reply leaves. The H2 store otherwise auto-commits about once a second, and a
 * message acked in that window would be lost if the process were killed:
 * Palaver acks only what is durably stored (docs/protocol.md, "what a client can
 * rely on").
 *
 * <p>Commits are grouped: each connection's commands run on their own thread,
 * and a command that finishes while another's commit is being written waits for
 * that one, then one commit covers every command that finished meanwhile. So N
 * commands arriving together share one or two commits instead of N, and none
 * replies before a commit that holds it. Read-only commands commit nothing.
 *
 * <p>Every command also registers, for as long as it runs, the store version it
 * reads ({@link MVStore#registerVersionUsage()}, what H2's own transactions do).
 * A query walks the maps as they were when it began; commits meanwhile replace
 * those pages, and H2 frees a chunk whose pages are all replaced a few versions
 * later unless a registered reader still uses an older version: a long read
 * (a count or a sort over a large collection) during writes then found the chunk
 * gone ({@code MVStoreException: Chunk N not found}; LongReadTest).
 * Registered, the chunks stay until the command ends; a command's results are
 * all read before it replies (cursors hand out lists), so no later getMore
 * reads the maps of an earlier version.
 */
final class CommittingBackend implements MongoBackend {
  /** Commands that never change the store (the first key of an OP_MSG body). */
  private static final Set<String> READS = Set.of("find", "getmore", "count", "distinct", "listindexes",
      "listcollections", "listdatabases", "ismaster", "hello", "ping", "buildinfo", "getlasterror", "serverstatus",
      "killcursors", "endsessions", "dbstats", "collstats", "getparameter", "whatsmyuri", "connectionstatus",
      "getlog", "getcmdlineopts", "hostinfo", "saslstart", "saslcontinue", "logout");

  private final H2Backend h2;
  private final MVStore mv;
  /** Writing commands finished so far; a command's changes are in the store before it counts itself. */
  private final AtomicLong finished = new AtomicLong();
  private final Object commitLock = new Object();
  /** How many finished commands the last commit covered; guarded by commitLock. */
  private long committedUpTo;
  private final LongAdder commits = new LongAdder();

  CommittingBackend(H2Backend h2) {
    this.h2 = h2;
    this.mv = h2.getMvStore();
  }

  /** How many commits were written, for tests that commands share them. */
  long commits() {
    return commits.sum();
  }

  /** Runs {@code command} with the version it reads registered, so no chunk that version needs is freed. */
  private <T> T onOneVersion(Supplier<T> command) {
    MVStore.TxCounter reading = mv.registerVersionUsage();
    try {
      return command.get();
    } finally {
      mv.deregisterVersionUsage(reading);
    }
  }

  @Override
  public Document handleCommand(Channel channel, String database, String command, Document query) {
    try {
      return onOneVersion(() -> h2.handleCommand(channel, database, command, query));
    } finally {
      if (!READS.contains(command.toLowerCase(Locale.ROOT))) {
        commitFinished();
      }
    }
  }

  @Override
  public Document handleMessage(MongoMessage message) {
    try {
      return onOneVersion(() -> h2.handleMessage(message));
    } finally {
      if (!isRead(message.getDocument())) {
        commitFinished();
      }
    }
  }

  private static boolean isRead(Document body) {
    return !body.isEmpty() && READS.contains(body.keySet().iterator().next().toLowerCase(Locale.ROOT));
  }

  /** Returns once a commit holds this thread's finished command: its own, or one that started after it finished. */
  private void commitFinished() {
    long mine = finished.incrementAndGet();
    synchronized (commitLock) {
      if (committedUpTo >= mine) {
        return; // the commit we waited for started after our command finished
      }
      long upTo = finished.get();
      h2.commit();
      commits.increment();
      committedUpTo = upTo;
    }
  }

  @Override
  public QueryResult handleQuery(MongoQuery query) {
    return onOneVersion(() -> h2.handleQuery(query));
  }

  @Override
  public void handleClose(Channel channel) {
    h2.handleClose(channel);
  }

  @Override
  public void dropDatabase(String database) {
    onOneVersion(() -> {
      h2.dropDatabase(database);
      return null;
    });
    commitFinished();
  }

  @Override
  public Collection<Document> getCurrentOperations(MongoQuery query) {
    return h2.getCurrentOperations(query);
  }

  @Override
  public Document getServerStatus() {
    return h2.getServerStatus();
  }

  @Override
  public void close() {
    h2.close();
  }

  @Override
  public void closeCursors(List<Long> cursorIds) {
    h2.closeCursors(cursorIds);
  }

  @Override
  public Clock getClock() {
    return h2.getClock();
  }

  @Override
  public void enableOplog() {
    h2.enableOplog();
  }

  @Override
  public void disableOplog() {
    h2.disableOplog();
  }

  @Override
  public MongoDatabase resolveDatabase(String database) {
    return h2.resolveDatabase(database);
  }

  @Override
  public MongoBackend version(MongoVersion version) {
    h2.version(version);
    return this;
  }
}
