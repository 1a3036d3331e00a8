package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The fault suite's checker finds each kind of damage in a made-up history, and nothing in a sound one. */
@DisplayName("HistoryChecker")
class HistoryCheckerTest {
  private static JsonObject ack(long seq, String cid) {
    return new JsonObject().put("type", "ack").put("sid", "s").put("seq", seq).put("cid", cid).put("id", "id-" + cid);
  }

  private static JsonObject stored(long seq, String cid) {
    return new JsonObject().put("sid", "s").put("seq", seq).put("id", "id-" + cid).put("msgType", "text")
        .put("content", cid);
  }

  private static HistoryChecker.Result check(List<JsonObject> acks, List<JsonObject> history) {
    HistoryChecker checker = new HistoryChecker();
    acks.forEach(a -> checker.acked("alice", a));
    return checker.check(sid -> history);
  }

  @Test
  @DisplayName("A history holding every acked message once, in order, is clean")
  void clean() {
    List<JsonObject> history = new ArrayList<>(List.of(new JsonObject().put("seq", 1L).put("msgType", "system")
        .put("id", "join"), stored(2, "a-0"), stored(3, "a-1")));
    HistoryChecker.Result r = check(List.of(ack(2, "a-0"), ack(3, "a-1")), history);
    assertTrue(r.clean(), r.problems().toString());
    assertEquals(2, r.acked());
    assertEquals(3, r.stored());
  }

  @Test
  @DisplayName("An acked message missing from the history, or another one at its seq, is lost")
  void lost() {
    HistoryChecker.Result r = check(List.of(ack(1, "a-0"), ack(2, "a-1"), ack(3, "a-2")),
        List.of(stored(1, "a-0"), stored(2, "b-9")));
    assertEquals(2, r.lost());
    assertFalse(r.clean());
  }

  @Test
  @DisplayName("A cid stored twice is a duplicate")
  void duplicated() {
    HistoryChecker.Result r = check(List.of(ack(1, "a-0")), List.of(stored(1, "a-0"), stored(2, "a-0")));
    assertEquals(1, r.duplicated());
  }

  @Test
  @DisplayName("A cid acked with two seqs is a duplicate")
  void ackedTwice() {
    HistoryChecker.Result r = check(List.of(ack(1, "a-0"), ack(2, "a-0")), List.of(stored(1, "a-0"), stored(2, "b-0")));
    assertTrue(r.duplicated() >= 1, r.toString());
  }

  @Test
  @DisplayName("A seq missing between the first and the last is a gap")
  void gap() {
    HistoryChecker.Result r = check(List.of(ack(1, "a-0"), ack(3, "a-1")), List.of(stored(1, "a-0"), stored(3, "a-1")));
    assertEquals(1, r.gaps());
    assertEquals(0, r.lost());
  }

  @Test
  @DisplayName("A sender's later message stored before its earlier one is a reorder")
  void reorder() {
    HistoryChecker.Result r = check(List.of(ack(2, "a-0"), ack(1, "a-1")), List.of(stored(1, "a-1"), stored(2, "a-0")));
    assertEquals(1, r.reorders());
  }
}
