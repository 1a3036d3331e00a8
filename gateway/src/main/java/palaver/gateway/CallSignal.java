package palaver.gateway;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Frames;

/**
 * One client {@code call} frame, checked: which session and call it is about, what it says, and the
 * fields that signal carries (and only those). {@link #relayed} is the frame the peer's sockets get.
 * The server keeps no call state: ring timeout and busy are the clients' (docs/protocol.md "Calls").
 */
record CallSignal(String sid, String callId, String signal, JsonObject payload) {
  /** A Chromium offer for audio and video is about 5 KB; four times the largest seen in practice and then some. */
  static final int MAX_SDP = 32 * 1024;
  static final int MAX_CANDIDATE = 1024;
  static final int MAX_CALL_ID = 64;
  static final String RING = "ring";
  static final String ACCEPT = "accept";
  static final String DECLINE = "decline";
  static final String BUSY = "busy";
  static final String TIMEOUT = "timeout";
  static final String HANGUP = "hangup";
  static final String OFFER = "offer";
  static final String ANSWER = "answer";
  static final String ICE = "ice";
  static final Set<String> SIGNALS = Set.of(RING, ACCEPT, DECLINE, BUSY, TIMEOUT, HANGUP, OFFER, ANSWER, ICE);
  /** Signals the sender's own other sockets also get, so the callee's other devices stop ringing. */
  private static final Set<String> TO_OWN_DEVICES = Set.of(ACCEPT, DECLINE);

  /** The validation step: invalid for a missing or mistyped field or an unknown signal, too_large for an oversized SDP. */
  static CallSignal parse(JsonObject frame) {
    Check.object(frame);
    String sid = Check.string(frame, Field.SID, 1, 64);
    String callId = Check.string(frame, Field.CALL_ID, 1, MAX_CALL_ID);
    String signal = Check.string(frame, Field.SIGNAL, 1, 16);
    if (!SIGNALS.contains(signal)) {
      throw ErrorCode.INVALID.exception("unknown call signal " + signal);
    }
    return new CallSignal(sid, callId, signal, payload(signal, frame));
  }

  private static JsonObject payload(String signal, JsonObject frame) {
    JsonObject payload = new JsonObject();
    switch (signal) {
      case RING -> payload.put(Field.VIDEO, video(frame));
      case OFFER, ANSWER -> payload.put(Field.SDP, sdp(frame));
      case ICE -> payload.put(Field.CANDIDATE, candidate(frame));
      default -> {
        // accept, decline, busy, timeout, hangup carry nothing but the call
      }
    }
    return payload;
  }

  private static boolean video(JsonObject frame) {
    Object video = frame.getValue(Field.VIDEO);
    if (video != null && !(video instanceof Boolean)) {
      throw ErrorCode.INVALID.exception(Field.VIDEO + " must be true or false");
    }
    return Boolean.TRUE.equals(video);
  }

  private static String sdp(JsonObject frame) {
    Object sdp = frame.getValue(Field.SDP);
    if (!(sdp instanceof String text) || text.isEmpty()) {
      throw ErrorCode.INVALID.exception(Field.SDP + " is required (a string)");
    }
    if (text.length() > MAX_SDP) {
      throw ErrorCode.TOO_LARGE.exception(Field.SDP + " must have at most " + MAX_SDP + " characters");
    }
    return text;
  }

  /** A copy of the RTCIceCandidateInit fields only; an empty candidate is the end of candidates. */
  private static JsonObject candidate(JsonObject frame) {
    JsonObject given = Check.optionalObject(frame, Field.CANDIDATE);
    if (given == null) {
      throw ErrorCode.INVALID.exception(Field.CANDIDATE + " is required (an object)");
    }
    Object text = given.getValue(Field.CANDIDATE);
    if (!(text instanceof String s)) {
      throw ErrorCode.INVALID.exception(Field.CANDIDATE + ".candidate is required (a string)");
    }
    if (s.length() > MAX_CANDIDATE) {
      throw ErrorCode.TOO_LARGE.exception(Field.CANDIDATE + " must have at most " + MAX_CANDIDATE + " characters");
    }
    JsonObject copy = new JsonObject().put(Field.CANDIDATE, s);
    String mid = Check.optionalString(given, Field.SDP_MID, 64);
    if (mid != null) {
      copy.put(Field.SDP_MID, mid);
    }
    Long index = Check.optionalLong(given, Field.SDP_M_LINE_INDEX, 0, 255);
    if (index != null) {
      copy.put(Field.SDP_M_LINE_INDEX, index);
    }
    String fragment = Check.optionalString(given, Field.USERNAME_FRAGMENT, 256);
    if (fragment != null) {
      copy.put(Field.USERNAME_FRAGMENT, fragment);
    }
    return copy;
  }

  /** The frame the peer's sockets get: the checked fields and who sent it. */
  JsonObject relayed(String from) {
    JsonObject frame = new JsonObject().put(Field.TYPE, Frames.CALL).put(Field.SID, sid).put(Field.CALL_ID, callId)
        .put(Field.SIGNAL, signal).put(Field.FROM, from);
    payload.forEach(e -> frame.put(e.getKey(), e.getValue()));
    return frame;
  }

  boolean toOwnDevices() {
    return TO_OWN_DEVICES.contains(signal);
  }

  boolean isRing() {
    return RING.equals(signal);
  }
}
