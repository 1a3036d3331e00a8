package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;

/**
 * Fuzzes the check every {@code call} frame passes before anything is relayed ({@link CallSignal#parse}):
 * a frame becomes a signal whose relayed frame holds only the protocol's fields, within their bounds, or it
 * is refused as invalid or too_large; nothing else.
 */
class CallSignalFuzzTest {
  private static final Set<String> RELAYED = Set.of(Field.TYPE, Field.SID, Field.CALL_ID, Field.SIGNAL, Field.FROM,
      Field.VIDEO, Field.SDP, Field.CANDIDATE);
  private static final Set<String> CANDIDATE = Set.of(Field.CANDIDATE, Field.SDP_MID, Field.SDP_M_LINE_INDEX,
      Field.USERNAME_FRAGMENT);

  @FuzzTest(maxDuration = "30s")
  @Timeout(60) // above the 30 s budget; Jazzer reports an input slower than this as a hang
  @DisplayName("A call frame becomes a relayed frame of whitelisted, bounded fields, or an invalid or too_large error")
  void signalIsCheckedOrRefused(byte[] input) {
    CallSignal signal;
    try {
      signal = CallSignal.parse(Check.parse(new String(input, StandardCharsets.UTF_8)));
    } catch (ReplyException e) {
      ErrorCode code = ErrorCode.of(e);
      assertTrue(code == ErrorCode.INVALID || code == ErrorCode.TOO_LARGE, e.getMessage());
      return;
    }
    JsonObject relayed = signal.relayed("u-fuzz");
    assertEquals("u-fuzz", relayed.getString(Field.FROM));
    assertTrue(RELAYED.containsAll(relayed.fieldNames()), "unexpected field in " + relayed.fieldNames());
    assertTrue(CallSignal.SIGNALS.contains(relayed.getString(Field.SIGNAL)));
    String sdp = relayed.getString(Field.SDP);
    assertTrue(sdp == null || sdp.length() <= CallSignal.MAX_SDP);
    JsonObject candidate = relayed.getJsonObject(Field.CANDIDATE);
    if (candidate != null) {
      assertTrue(CANDIDATE.containsAll(candidate.fieldNames()), "unexpected field in " + candidate.fieldNames());
      assertTrue(candidate.getString(Field.CANDIDATE).length() <= CallSignal.MAX_CANDIDATE);
    }
  }
}
