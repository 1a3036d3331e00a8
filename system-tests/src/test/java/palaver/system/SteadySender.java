package palaver.system;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A client that sends at a steady rate and behaves as the protocol asks when a node fails: each message
 * keeps its cid until it is acked and is resent with it; a socket that closes, or that answers neither the
 * send nor a ping, is given up and the client connects to the next node of its list (its home node first).
 * The text of each message is its cid. Every ack goes to the {@link HistoryChecker}.
 */
final class SteadySender implements AutoCloseable {
  /** A gateway a client can connect to. */
  record Node(String host, int port) {
  }

  /** Longer than the gateway's own two attempts at message-service (3 s each and a pause): its answer comes first. */
  static final int ANSWER_MS = 7_500;
  private static final int PING_MS = 2_000;
  private static final int CONNECT_MS = 5_000;
  /** After stop, how long an unacked message is still retried, so a run ends with every send acked. */
  private static final long DRAIN_MS = 60_000;

  private final Vertx vertx;
  private final String name;
  private final String token;
  private final List<String> sids;
  private final List<Node> nodes;
  private final long intervalMs;
  private final HistoryChecker checker;
  private final Thread thread;
  private final List<long[]> sends = new ArrayList<>();
  private volatile boolean running = true;
  private volatile long drainUntil = Long.MAX_VALUE;
  private volatile String failure;
  private WsClient ws;
  /** The node of the socket last opened: a reconnect tries the next one first (this one just failed us). */
  private int current = -1;
  private int reconnects;
  private int retries;
  private int unacked;

  /** Sends to {@code sids} in turn, one message every {@code intervalMs}, from now until {@link #stop}. */
  SteadySender(Vertx vertx, String name, String token, List<String> sids, List<Node> nodes, long intervalMs,
      HistoryChecker checker) {
    this.vertx = vertx;
    this.name = name;
    this.token = token;
    this.sids = sids;
    this.nodes = nodes;
    this.intervalMs = intervalMs;
    this.checker = checker;
    this.thread = new Thread(this::run, "sender-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    long next = System.currentTimeMillis();
    for (int n = 0; running; n++) {
      sleep(next - System.currentTimeMillis());
      String sid = sids.get(n % sids.size());
      String cid = name + "-" + n;
      long started = System.currentTimeMillis();
      JsonObject ack = untilAcked(WsClient.text(sid, cid, cid));
      if (ack == null) {
        unacked++;
        return;
      }
      long at = System.currentTimeMillis();
      checker.acked(name, ack);
      synchronized (sends) {
        sends.add(new long[] {started, at});
      }
      // A steady rate, not a catch-up burst after an outage.
      next = Math.max(next + intervalMs, at);
    }
  }

  private JsonObject untilAcked(JsonObject frame) {
    while (running || System.currentTimeMillis() < drainUntil) {
      if (ws == null || ws.isClosed()) {
        connect();
        if (ws == null) {
          sleep(250);
          continue;
        }
      }
      JsonObject answer;
      try {
        answer = ws.requestWithin(frame, ANSWER_MS);
      } catch (RuntimeException | AssertionError socketGone) {
        drop();
        continue;
      }
      if (answer == null) {
        retries++;
        if (!answersPing()) {
          drop();
        }
        continue;
      }
      if ("ack".equals(answer.getString("type"))) {
        return answer;
      }
      if (!"unavailable".equals(answer.getString("code")) && !"rate_limited".equals(answer.getString("code"))) {
        failure = "unexpected answer " + answer.encode() + " to " + frame.encode();
      }
      retries++;
      sleep(250);
    }
    return null;
  }

  private boolean answersPing() {
    try {
      JsonObject pong = ws.requestWithin(new JsonObject().put("type", "ping"), PING_MS);
      return pong != null;
    } catch (RuntimeException | AssertionError socketGone) {
      return false;
    }
  }

  /** The first node that lets us in: the home node at first, after a failure the next one along the list. */
  private void connect() {
    for (int i = 1; i <= nodes.size(); i++) {
      int next = (current + i) % nodes.size();
      Node node = nodes.get(next);
      try {
        ws = WsClient.connectWithin(vertx, node.host(), node.port(), token, CONNECT_MS);
        current = next;
        reconnects++;
        return;
      } catch (RuntimeException notThere) {
        // dead, frozen or cut off: the next one
      }
    }
    ws = null;
  }

  private void drop() {
    if (ws != null) {
      ws.abandon();
      ws = null;
    }
  }

  /** Stops sending; the message in flight is still retried until acked (up to a minute). */
  void stop() {
    drainUntil = System.currentTimeMillis() + DRAIN_MS;
    running = false;
    try {
      thread.join(DRAIN_MS + 15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * How long after {@code t} sends were disturbed: until the ack of the last send acked after {@code t} that
   * took longer than {@code slowMs} (0 when none did); -1 when nothing started after {@code t} was acked.
   */
  long disturbedAfter(long t, long slowMs) {
    long until = 0;
    boolean flowed = false;
    synchronized (sends) {
      for (long[] send : sends) {
        if (send[1] >= t && send[1] - send[0] > slowMs) {
          until = Math.max(until, send[1] - t);
        }
        flowed |= send[0] >= t;
      }
    }
    return flowed ? until : -1;
  }

  /** The longest time from a send's start to its ack, retries included. */
  long longestSendMs() {
    synchronized (sends) {
      return sends.stream().mapToLong(s -> s[1] - s[0]).max().orElse(0);
    }
  }

  int acked() {
    synchronized (sends) {
      return sends.size();
    }
  }

  /** Connections made beyond the first. */
  int reconnects() {
    return Math.max(0, reconnects - 1);
  }

  int retries() {
    return retries;
  }

  /** Messages given up unacked when the drain time ran out (0 in a passing run). */
  int unacked() {
    return unacked;
  }

  /** An answer no retry explains (null when none came). */
  String failure() {
    return failure;
  }

  @Override
  public void close() {
    running = false;
    drainUntil = 0;
    drop();
  }

  private static void sleep(long ms) {
    if (ms <= 0) {
      return;
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
