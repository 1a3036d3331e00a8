package palaver.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;

/** What clients see of a session document, and the rules for what they may write into one. */
final class SessionInfo {
  static final int MAX_NAME = 64;
  static final int MAX_ICON = 128;

  private SessionInfo() {
  }

  static JsonObject of(JsonObject session) {
    return new JsonObject().put(Field.SID, session.getString("_id")).put(Field.TYPE, session.getString(Field.TYPE))
        .put(Field.NAME, session.getString(Field.NAME)).put(Field.ICON, session.getString(Field.ICON))
        .put(Field.VISIBILITY, session.getString(Field.VISIBILITY)).put(Field.OWNER, session.getString(Field.OWNER))
        .put(SessionStore.CREATED_AT, session.getLong(SessionStore.CREATED_AT))
        .put(Field.PINS, Pins.newestFirst(session.getJsonArray(Field.PINS)))
        .put(Field.RETENTION_DAYS, session.getInteger(Field.RETENTION_DAYS, 0));
  }

  /** The longest retention a group may set, in days (100 years). */
  static final int MAX_RETENTION_DAYS = 36_500;

  /**
   * A group's own retention in days: 0 (the deployment's) up to the deployment's {@code retentionDays}
   * when that is set (a group may keep less, never more), else up to {@value #MAX_RETENTION_DAYS}.
   */
  static int retentionDays(JsonObject body, int deploymentDays) {
    int max = deploymentDays > 0 ? deploymentDays : MAX_RETENTION_DAYS;
    if (!(body.getValue(Field.RETENTION_DAYS) instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue())
        || n.longValue() < 0 || n.longValue() > max) {
      throw ErrorCode.INVALID.exception("retentionDays must be a whole number from 0 (the deployment's) to " + max
          + (deploymentDays > 0 ? " (this deployment keeps messages " + deploymentDays + " days)" : ""));
    }
    return n.intValue();
  }

  /** As {@link #of}, plus the other user's uid ({@code peer}) of a private session. */
  static JsonObject forMember(JsonObject session, String uid) {
    JsonObject info = of(session);
    String peer = peerOf(session, uid);
    if (peer != null) {
      info.put(Field.PEER, new JsonObject().put(Field.UID, peer));
    }
    return info;
  }

  static String peerOf(JsonObject session, String uid) {
    JsonArray pair = session.getJsonArray(SessionStore.PAIR);
    if (pair == null) {
      return null;
    }
    for (Object p : pair) {
      if (!uid.equals(p)) {
        return (String) p;
      }
    }
    return null;
  }

  /** A group name: 1..64 characters once trimmed, no control or bidi characters. */
  static String name(JsonObject body) {
    String name = Check.printable(Check.string(body, Field.NAME, 1, MAX_NAME), Field.NAME).strip();
    if (name.isEmpty()) {
      throw ErrorCode.INVALID.exception("name must not be blank");
    }
    return name;
  }

  /** An opaque icon reference (e.g. a file id) of at most 128 characters, or null. */
  static String icon(JsonObject body) {
    return Check.optionalString(body, Field.ICON, MAX_ICON);
  }

  /** User text as a regular expression that matches it literally: every non-letter, non-digit is escaped. */
  static String literalPattern(String text) {
    StringBuilder out = new StringBuilder(text.length() * 2);
    text.codePoints().forEach(c -> {
      if (!Character.isLetterOrDigit(c) && c != ' ') {
        out.append('\\');
      }
      out.appendCodePoint(c);
    });
    return out.toString();
  }
}
