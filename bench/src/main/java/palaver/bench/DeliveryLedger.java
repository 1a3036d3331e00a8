package palaver.bench;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The correctness check run while loading: which (sid, seq) were acked, which
 * receivers belong to which session, and what each receiver saw. Every acked
 * message must reach every member receiver exactly once (after dedupe by
 * (sid, seq)), and in seq order per session. Single-threaded (the generator's
 * event loop).
 */
final class DeliveryLedger {
  /** What the check found. {@code unexpected}: delivered but never acked (an ack lost, or a send we gave up on). */
  record Tally(long expected, long delivered, long losses, long duplicates, long reorders, long unexpected) {
  }

  private static final class Seen {
    final BitSet seqs = new BitSet();
    int maxSeq = -1;
  }

  private final Map<String, BitSet> acked = new HashMap<>();
  private final Map<String, java.util.Set<Integer>> members = new HashMap<>();
  private final Map<Integer, Map<String, Seen>> seen = new HashMap<>();
  private long deliveries;
  private long duplicates;
  private long reorders;

  /** {@code receiver} is a member of {@code sid}: it must see every message acked there. */
  void member(int receiver, String sid) {
    members.computeIfAbsent(sid, s -> new java.util.HashSet<>()).add(receiver);
  }

  void acked(String sid, long seq) {
    acked.computeIfAbsent(sid, s -> new BitSet()).set(Math.toIntExact(seq));
  }

  /** Records one delivery; false if {@code receiver} already had this (sid, seq) (a duplicate, dropped by dedupe). */
  boolean delivered(int receiver, String sid, long seq) {
    int s = Math.toIntExact(seq);
    Seen box = seen.computeIfAbsent(receiver, r -> new HashMap<>()).computeIfAbsent(sid, x -> new Seen());
    if (box.seqs.get(s)) {
      duplicates++;
      return false;
    }
    deliveries++;
    box.seqs.set(s);
    if (s < box.maxSeq) {
      reorders++;
    } else {
      box.maxSeq = s;
    }
    return true;
  }

  Tally tally() {
    long expected = 0;
    long losses = 0;
    for (Map.Entry<String, java.util.Set<Integer>> session : members.entrySet()) {
      BitSet want = acked.get(session.getKey());
      if (want == null) {
        continue;
      }
      for (int receiver : session.getValue()) {
        expected += want.cardinality();
        BitSet missing = (BitSet) want.clone();
        Seen box = seen.getOrDefault(receiver, Map.of()).get(session.getKey());
        if (box != null) {
          missing.andNot(box.seqs);
        }
        losses += missing.cardinality();
      }
    }
    long unexpected = 0;
    for (Map<String, Seen> bySession : seen.values()) {
      for (Map.Entry<String, Seen> e : bySession.entrySet()) {
        BitSet extra = (BitSet) e.getValue().seqs.clone();
        BitSet want = acked.get(e.getKey());
        if (want != null) {
          extra.andNot(want);
        }
        unexpected += extra.cardinality();
      }
    }
    return new Tally(expected, deliveries, losses, duplicates, reorders, unexpected);
  }
}
