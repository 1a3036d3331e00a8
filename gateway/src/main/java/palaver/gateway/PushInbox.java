package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Field;
import palaver.api.PushNames;

/**
 * An app user's stored pushes (xlvein's {@code send_to}, Pusher's
 * {@code sendToUser}) reaching that user's sockets. On attach the inbox's
 * fan-out address is subscribed first, then the pushes not yet delivered are
 * read from message-service ({@code MESSAGE_PUSH_SINCE}, page by page); live
 * pushes arriving meanwhile wait, so every push is handed to {@code deliver}
 * as {@code {sid, seq, msgId, content, at}} once per attachment, in seq
 * order: the highest seq handed out decides what is new. What reached the
 * socket is reported to message-service ({@code MESSAGE_PUSH_DELIVERED}),
 * batched over {@link #REPORT_DELAY_MS}, so the next attachment starts after
 * it: with {@link #attachConfirmed} only what the socket confirmed written,
 * with {@link #attach} what was handed to {@code deliver}.
 */
final class PushInbox {
  private static final Logger LOG = LoggerFactory.getLogger(PushInbox.class);
  /** Delivered marks are written at most this often per attachment (and once more on detach). */
  static final long REPORT_DELAY_MS = 250;
  /** Pushes read per request of a replay; the replay reads pages until none is left (retention bounds it). */
  static final int PAGE = 200;

  /** A socket's hold on an inbox; detach when the socket closes. */
  interface Attachment {
    void detach();
  }

  private final GatewayVerticle gateway;

  PushInbox(GatewayVerticle gateway) {
    this.gateway = gateway;
  }

  /**
   * Subscribes the inbox of {@code user} of {@code app} ({@code App.id()}, as every
   * writer names the inbox: {@code PushNames.inbox(app.id(), user)}), replays
   * its undelivered pushes, then goes live; completes once the replay is
   * handed out. Fails (and holds nothing) when message-service can't be read:
   * going live without the replay would mark the skipped pushes delivered.
   */
  Future<Attachment> attach(String app, String user, Consumer<JsonObject> deliver) {
    return attachConfirmed(app, user, push -> {
      deliver.accept(push);
      return Future.succeededFuture();
    });
  }

  /**
   * As {@link #attach}, but {@code deliver} answers when the push is written
   * (e.g. {@code ws.writeTextMessage}): the delivered mark never passes a
   * push whose write failed, so a socket dying with frames unsent leaves them
   * for the next connection.
   */
  Future<Attachment> attachConfirmed(String app, String user, Function<JsonObject, Future<?>> deliver) {
    Session session = new Session(PushNames.inbox(app, user), deliver);
    return gateway.hub().join(session.address, session)
        .compose(v -> session.replay(null))
        .<Attachment>map(v -> session)
        .onFailure(t -> session.detach());
  }

  /** One attachment: replaying until {@link #live}, then delivering from the fan-out. */
  private final class Session implements Attachment, FanoutHub.Listener {
    final String sid;
    final String address;
    final Function<JsonObject, Future<?>> deliver;
    /** Live pushes that arrived during the replay. */
    final List<JsonObject> waiting = new ArrayList<>();
    boolean live;
    boolean detached;
    /** The highest seq handed to deliver. */
    long highest;
    /** The highest seq confirmed written, in order (a failed write stops it). */
    long written;
    boolean writeFailed;
    long reported;
    long reportTimer = -1;

    Session(String sid, Function<JsonObject, Future<?>> deliver) {
      this.sid = sid;
      this.address = Address.fanoutInbox(sid);
      this.deliver = deliver;
    }

    @Override
    public void onFanout(String addr, JsonObject body, String encoded) {
      if (live) {
        hand(body);
      } else {
        waiting.add(body);
      }
    }

    /**
     * Reads a page after {@code after} (null: after the delivered mark) and hands it out; more pages follow.
     * No page cap: going live before the replay ends would skip (and then mark delivered) the rest.
     */
    Future<Void> replay(Long after) {
      JsonObject query = new JsonObject().put(Field.SID, sid).put(Field.LIMIT, PAGE);
      if (after != null) {
        query.put(Field.AFTER, after);
      }
      return Bus.request(gateway.vertx(), Address.MESSAGE_PUSH_SINCE, query).compose(answer -> {
        if (detached) {
          return Future.succeededFuture();
        }
        if (after == null) {
          highest = Math.max(highest, answer.getLong(Field.DELIVERED, 0L));
          written = highest;
          reported = highest;
        }
        JsonArray pushes = answer.getJsonArray(Field.MESSAGES, new JsonArray());
        pushes.forEach(p -> hand((JsonObject) p));
        if (answer.getBoolean(Field.MORE, false) && !pushes.isEmpty()) {
          return replay(highest);
        }
        goLive();
        return Future.succeededFuture();
      });
    }

    private void goLive() {
      live = true;
      waiting.sort(Comparator.comparingLong(p -> p.getLong(Field.SEQ, 0L)));
      waiting.forEach(this::hand);
      waiting.clear();
    }

    /** Hands a push out unless one at or past its seq already was (replay and live overlap). */
    private void hand(JsonObject push) {
      long seq = push.getLong(Field.SEQ, 0L);
      if (detached || seq <= highest) {
        return;
      }
      highest = seq;
      Future<?> write;
      try {
        write = deliver.apply(push);
      } catch (RuntimeException e) {
        write = Future.failedFuture(e);
      }
      write.onComplete(ar -> {
        if (ar.failed()) {
          writeFailed = true;
        } else if (!writeFailed) {
          written = Math.max(written, seq);
          scheduleReport();
        }
      });
    }

    private void scheduleReport() {
      if (reportTimer < 0) {
        reportTimer = gateway.vertx().setTimer(REPORT_DELAY_MS, id -> {
          reportTimer = -1;
          report();
        });
      }
    }

    private void report() {
      if (written <= reported) {
        return;
      }
      long seq = written;
      reported = seq;
      Bus.request(gateway.vertx(), Address.MESSAGE_PUSH_DELIVERED, new JsonObject().put(Field.SID, sid).put(Field.SEQ, seq))
          .onFailure(t -> LOG.warn("delivered mark of an inbox not written: {}", t.toString()));
    }

    @Override
    public void detach() {
      if (detached) {
        return;
      }
      detached = true;
      gateway.hub().leave(address, this);
      if (reportTimer >= 0) {
        gateway.vertx().cancelTimer(reportTimer);
        reportTimer = -1;
      }
      report();
    }
  }
}
