package palaver.message;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import palaver.api.Field;
import palaver.api.PushNames;

/**
 * The last {@value #CAPACITY} messages of each recently active session, so a
 * {@code sync} after a short disconnect is answered from memory. A tail is one
 * contiguous run of stored messages, seqs {@code start..end}: filled by this
 * instance's own inserts and by complete database reads, dropped when this
 * instance learns it missed something (another instance took a seq, a write
 * with unknown outcome). Whether {@code end} is the session's true head is
 * decided by the caller (see {@link SyncReader}). Push inboxes are never
 * kept: nothing syncs them from here (see {@link PushInboxes}). Used only
 * from the verticle's event loop.
 */
final class Tails {
  static final int CAPACITY = 256;
  private static final int MAX_SESSIONS = 10_000;

  /** Seqs {@code start..end}; empty when {@code start == end + 1}. */
  private static final class Tail {
    final ArrayDeque<JsonObject> messages = new ArrayDeque<>();
    long start;
    long end;

    Tail(long last) {
      start = last + 1;
      end = last;
    }

    void push(JsonObject m) {
      messages.addLast(m);
      end = m.getLong(Field.SEQ);
      if (messages.size() > CAPACITY) {
        messages.removeFirst();
        start = messages.peekFirst().getLong(Field.SEQ);
      }
    }
  }

  /** Up to {@code limit} messages after a seq, whether more followed, and the tail's end. */
  record Slice(List<JsonObject> messages, boolean more, long end) {
  }

  private final Map<String, Tail> tails = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Tail> eldest) {
      return size() > MAX_SESSIONS;
    }
  };

  /** The session's last stored seq, read from the store: an empty tail ending there (when none is kept). */
  void anchor(String sid, long last) {
    if (PushNames.isInbox(sid)) {
      return;
    }
    tails.putIfAbsent(sid, new Tail(last));
  }

  /** A message this instance just stored. A gap since the tail's end restarts the tail at it. */
  void add(JsonObject message) {
    String sid = message.getString(Field.SID);
    if (PushNames.isInbox(sid)) {
      return;
    }
    long seq = message.getLong(Field.SEQ);
    Tail tail = tails.get(sid);
    if (tail == null || seq > tail.end + 1) {
      tail = new Tail(seq - 1);
      tails.put(sid, tail);
    }
    if (seq == tail.end + 1) {
      tail.push(message);
    }
  }

  void invalidate(String sid) {
    tails.remove(sid);
  }

  void invalidate(java.util.Collection<String> sids) {
    sids.forEach(tails::remove);
  }

  /**
   * Messages the store returned for {@code seq > after}, ascending, up to its
   * head at the time of the read ({@code complete}). Merged when contiguous
   * with what is kept; an incomplete or empty read teaches nothing about the
   * head and is ignored.
   */
  void fill(String sid, long after, List<JsonObject> page, boolean complete) {
    if (!complete || page.isEmpty()) {
      return;
    }
    for (int i = 0; i < page.size(); i++) {
      if (page.get(i).getLong(Field.SEQ) != after + 1 + i) {
        return;
      }
    }
    long first = after + 1;
    long last = after + page.size();
    Tail tail = tails.get(sid);
    if (tail != null && (first > tail.end + 1 || last < tail.start - 1)) {
      if (last <= tail.end) {
        return;
      }
      tail = null;
    }
    TreeMap<Long, JsonObject> merged = new TreeMap<>();
    if (tail != null) {
      tail.messages.forEach(m -> merged.put(m.getLong(Field.SEQ), m));
    }
    page.forEach(m -> merged.put(m.getLong(Field.SEQ), m));
    long start = tail == null ? first : Math.min(first, tail.start);
    long end = tail == null ? last : Math.max(last, tail.end);
    long from = Math.max(start, end - CAPACITY + 1);
    Tail rebuilt = new Tail(from - 1);
    merged.tailMap(from).values().forEach(rebuilt::push);
    tails.put(sid, rebuilt);
  }

  /**
   * Messages with {@code seq > after}, or null when the tail does not reach
   * back that far. {@code after} beyond the end gives an empty slice.
   */
  Slice after(String sid, long after, int limit) {
    Tail tail = tails.get(sid);
    if (tail == null || after + 1 < tail.start) {
      return null;
    }
    List<JsonObject> out = new ArrayList<>();
    int available = 0;
    for (JsonObject m : tail.messages) {
      if (m.getLong(Field.SEQ) > after) {
        available++;
        if (out.size() < limit) {
          out.add(m);
        }
      }
    }
    return new Slice(out, available > limit, tail.end);
  }
}
