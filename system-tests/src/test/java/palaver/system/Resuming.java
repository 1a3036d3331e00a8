package palaver.system;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Clients that behave as the protocol asks when a node fails: a sender keeps
 * a message's cid until it is acked, resending it (after a reconnect when the
 * socket died); a receiver resumes with {@code sync} from its last contiguous
 * seq and dedupes by seq. {@code connect} opens an authenticated socket for a
 * token on a node that is still up.
 */
public final class Resuming {
  private Resuming() {
  }

  /** A sender that survives its node. */
  public static final class Sender implements AutoCloseable {
    private final String token;
    private final String sid;
    private final Function<String, WsClient> reconnect;
    private final long answerWithinMs;
    private WsClient ws;
    private int unanswered;
    private int errors;
    private int reconnects;
    private volatile int acked;

    /** {@code answerWithinMs}: how long to wait for an answer before treating the attempt as lost. */
    public Sender(WsClient first, String token, String sid, Function<String, WsClient> reconnect, long answerWithinMs) {
      this.ws = first;
      this.token = token;
      this.sid = sid;
      this.reconnect = reconnect;
      this.answerWithinMs = answerWithinMs;
    }

    /** Sends {@code n} texts {@code prefix0..}; returns their acks (every one acked, retries included). */
    public List<JsonObject> sendAll(String prefix, int n) {
      List<JsonObject> acks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        acks.add(sendUntilAcked(WsClient.text(sid, prefix + i, prefix + i)));
        acked++;
      }
      return acks;
    }

    private JsonObject sendUntilAcked(JsonObject frame) {
      for (int attempt = 0; attempt < 20; attempt++) {
        JsonObject answer = null;
        boolean wasOpen = false;
        try {
          if (ws.isClosed()) {
            ws.close();
            reconnects++;
            ws = reconnect.apply(token);
          }
          wasOpen = true;
          answer = ws.requestWithin(frame, answerWithinMs);
        } catch (RuntimeException socketGone) {
          ws.close();
          reconnects++;
          ws = reconnect.apply(token);
          continue;
        }
        if (answer == null) {
          if (wasOpen && !ws.isClosed()) {
            unanswered++;
          }
          continue;
        }
        if ("ack".equals(answer.getString("type"))) {
          return answer;
        }
        errors++;
      }
      throw new AssertionError("never acked: " + frame.encode());
    }

    /** Attempts that got no answer although their socket stayed open (a hang). */
    public int unanswered() {
      return unanswered;
    }

    /** Messages acked so far. */
    public int acked() {
      return acked;
    }

    /** Times the socket was found dead and replaced. */
    public int reconnects() {
      return reconnects;
    }

    /** Attempts answered with an error (e.g. {@code unavailable}), then retried. */
    public int errors() {
      return errors;
    }

    @Override
    public void close() {
      ws.close();
    }
  }

  /** A member that keeps every message it receives, live or by sync, by seq. */
  public static final class Receiver implements AutoCloseable {
    private final String token;
    private final String sid;
    private final Map<Long, String> held = new TreeMap<>();
    private WsClient ws;

    public Receiver(WsClient first, String token, String sid) {
      this.ws = first;
      this.token = token;
      this.sid = sid;
    }

    /**
     * Takes what came live, then syncs from the last contiguous seq (over a
     * new socket from {@code reconnect} when this one is closed) until
     * nothing is left to page; returns seq → message id, deduped.
     */
    public Map<Long, String> resume(Function<String, WsClient> reconnect) {
      collect();
      if (ws.isClosed()) {
        ws.close();
        ws = reconnect.apply(token);
      }
      int errors = 0;
      while (true) {
        long contiguous = 0;
        while (held.containsKey(contiguous + 1)) {
          contiguous++;
        }
        JsonObject synced = ws.sync(sid, contiguous);
        collect();
        if ("error".equals(synced.getString("type"))) {
          if (++errors > 5) {
            throw new AssertionError("sync keeps failing: " + synced.encode());
          }
        } else if (!synced.getJsonArray("more").contains(sid)) {
          return held;
        }
      }
    }

    private void collect() {
      for (JsonObject m : ws.received(f -> "message".equals(f.getString("type")) && sid.equals(f.getString("sid")))) {
        String before = held.putIfAbsent(m.getLong("seq"), m.getString("id"));
        if (before != null && !before.equals(m.getString("id"))) {
          throw new AssertionError("two messages with seq " + m.getLong("seq") + ": " + before + " and " + m.getString("id"));
        }
        ws.next(f -> f == m, 0);
      }
    }

    @Override
    public void close() {
      ws.close();
    }
  }
}
