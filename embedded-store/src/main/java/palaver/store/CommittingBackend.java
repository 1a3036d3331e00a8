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

/**
 * The H2 backend, committed to its file after every command before the reply
 * leaves. The H2 store otherwise auto-commits about once a second, and a
 * message acked in that window would be lost if the process were killed:
 * Palaver acks only what is durably stored (docs/protocol.md, "what a client can rely on"). Committing an unchanged store
 * costs nothing.
 */
final class CommittingBackend implements MongoBackend {
  private final H2Backend h2;

  CommittingBackend(H2Backend h2) {
    this.h2 = h2;
  }

  @Override
  public Document handleCommand(Channel channel, String database, String command, Document query) {
    try {
      return h2.handleCommand(channel, database, command, query);
    } finally {
      h2.commit();
    }
  }

  @Override
  public Document handleMessage(MongoMessage message) {
    try {
      return h2.handleMessage(message);
    } finally {
      h2.commit();
    }
  }

  @Override
  public QueryResult handleQuery(MongoQuery query) {
    return h2.handleQuery(query);
  }

  @Override
  public void handleClose(Channel channel) {
    h2.handleClose(channel);
  }

  @Override
  public void dropDatabase(String database) {
    h2.dropDatabase(database);
    h2.commit();
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
