package palaver.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One log line for every security-relevant event, on the logger
 * {@code palaver.security}, with the event's fields as key-value pairs (they
 * become JSON fields with {@code PALAVER_LOG_FORMAT=json}). Never given a
 * token, password or secret: callers pass who and why, not credentials.
 */
public final class SecurityLog {
  private static final Logger LOG = LoggerFactory.getLogger("palaver.security");

  private SecurityLog() {
  }

  /** {@code event}: e.g. {@code login_failed}; {@code fields}: name, value, name, value, ... (nulls skipped). */
  public static void event(String event, Object... fields) {
    LoggingEventBuilder line = LOG.atWarn().addKeyValue("event", event);
    StringBuilder text = new StringBuilder(event);
    for (int i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i + 1] != null) {
        line = line.addKeyValue(String.valueOf(fields[i]), fields[i + 1]);
        text.append(' ').append(fields[i]).append('=').append(fields[i + 1]);
      }
    }
    line.log(text.toString());
  }
}
