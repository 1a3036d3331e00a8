package palaver.system;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Holds a fault run to the guarantees: every ack a client got is recorded (sid, seq, cid, in the order
 * each sender got them), then every session's stored history is read back through the client API and
 * compared. A message's text is its cid, so a stored message names the send it came from.
 *
 * <ul>
 *   <li>lost: an acked message that is not in the history at its seq (absent, or another message there);</li>
 *   <li>duplicated: a cid stored more than once, or acked with two different seqs;</li>
 *   <li>gaps: seqs missing between a session's first and last stored message;</li>
 *   <li>reorders: a sender's later message (sent only after the earlier one was acked) stored before it.</li>
 * </ul>
 */
final class HistoryChecker {
  /** One ack as the client saw it. */
  record Ack(String sender, String sid, long seq, String cid, String id) {
  }

  /** What one check found; {@code problems} says which message, for the failure message. */
  record Result(int acked, int stored, int lost, int duplicated, int gaps, int reorders, List<String> problems) {
    boolean clean() {
      return lost == 0 && duplicated == 0 && gaps == 0 && reorders == 0;
    }
  }

  private final List<Ack> acks = new ArrayList<>();

  /** Records an ack frame (or REST ack) {@code ack} received by {@code sender}. */
  synchronized void acked(String sender, JsonObject ack) {
    acks.add(new Ack(sender, ack.getString("sid"), ack.getLong("seq"), ack.getString("cid"), ack.getString("id")));
  }

  synchronized int ackCount() {
    return acks.size();
  }

  /** Reads back each session the acks name through {@code history} (every stored message, ascending) and compares. */
  synchronized Result check(Function<String, List<JsonObject>> history) {
    List<String> problems = new ArrayList<>();
    Map<String, Map<Long, JsonObject>> stored = new LinkedHashMap<>();
    int storedCount = 0;
    int duplicated = 0;
    int gaps = 0;
    int reorders = 0;
    for (String sid : acks.stream().map(Ack::sid).distinct().toList()) {
      List<JsonObject> messages = history.apply(sid);
      Map<Long, JsonObject> bySeq = new TreeMap<>();
      Map<String, Long> seqOfCid = new HashMap<>();
      long previous = 0;
      for (JsonObject m : messages) {
        long seq = m.getLong("seq");
        if (seq <= previous) {
          reorders++;
          problems.add(sid + ": history not ascending, seq " + seq + " after " + previous);
        }
        previous = Math.max(previous, seq);
        if (bySeq.putIfAbsent(seq, m) != null) {
          duplicated++;
          problems.add(sid + ": seq " + seq + " stored twice");
        }
        if (!"system".equals(m.getString("msgType"))) {
          Long before = seqOfCid.putIfAbsent(m.getString("content"), seq);
          if (before != null) {
            duplicated++;
            problems.add(sid + ": cid " + m.getString("content") + " stored at seq " + before + " and " + seq);
          }
        }
      }
      storedCount += messages.size();
      if (!bySeq.isEmpty()) {
        long first = ((TreeMap<Long, JsonObject>) bySeq).firstKey();
        long last = ((TreeMap<Long, JsonObject>) bySeq).lastKey();
        for (long s = first; s <= last; s++) {
          if (!bySeq.containsKey(s)) {
            gaps++;
            problems.add(sid + ": seq " + s + " missing");
          }
        }
      }
      stored.put(sid, bySeq);
    }
    int lost = 0;
    Map<String, Ack> firstAckOfCid = new HashMap<>();
    for (Ack ack : acks) {
      JsonObject there = stored.get(ack.sid()).get(ack.seq());
      if (there == null || !ack.id().equals(there.getString("id")) || !ack.cid().equals(there.getString("content"))) {
        lost++;
        problems.add("acked " + ack + " but the history has " + (there == null ? "nothing" : there.encode()) + " there");
      }
      Ack earlier = firstAckOfCid.putIfAbsent(ack.sender() + "/" + ack.cid(), ack);
      if (earlier != null && earlier.seq() != ack.seq()) {
        duplicated++;
        problems.add("cid " + ack.cid() + " acked with seq " + earlier.seq() + " and " + ack.seq());
      }
    }
    // A sender sends its next message only once the previous one is acked, so its seqs in a session must rise.
    Map<String, Long> lastSeqOfSender = new HashMap<>();
    for (Ack ack : acks) {
      Long before = lastSeqOfSender.put(ack.sender() + "/" + ack.sid(), ack.seq());
      if (before != null && ack.seq() < before) {
        reorders++;
        problems.add(ack.sender() + ": " + ack.cid() + " stored at seq " + ack.seq() + ", before its predecessor at " + before);
      }
    }
    return new Result(acks.size(), storedCount, lost, duplicated, gaps, reorders,
        problems.size() > 20 ? problems.subList(0, 20) : problems);
  }
}
