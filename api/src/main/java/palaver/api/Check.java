package palaver.api;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Validation of JSON that came from outside. Every method throws an
 * {@code invalid} ReplyException naming the field, so consumers can validate
 * as one step and let {@link Bus} turn the throw into a 400 reply. Nothing read
 * through here is ever used as a Mongo query operator: strings are checked to
 * be strings and {@code $}-keys are refused.
 */
public final class Check {
  private Check() {
  }

  public static JsonObject object(Object body) {
    if (body instanceof JsonObject json) {
      rejectOperatorKeys(json, 0);
      return json;
    }
    throw ErrorCode.INVALID.exception("body must be a JSON object");
  }

  /** Parses a client's text as a JSON object, refusing anything else. */
  public static JsonObject parse(String text) {
    try {
      return object(new JsonObject(text));
    } catch (DecodeException | ClassCastException e) {
      throw ErrorCode.INVALID.exception("malformed JSON");
    }
  }

  public static String string(JsonObject json, String field, int min, int max) {
    String s = optionalString(json, field, max);
    if (s == null) {
      throw ErrorCode.INVALID.exception(field + " is required");
    }
    if (s.length() < min) {
      throw ErrorCode.INVALID.exception(field + " must have at least " + min + " characters");
    }
    return s;
  }

  public static String optionalString(JsonObject json, String field, int max) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw ErrorCode.INVALID.exception(field + " must be a string");
    }
    if (s.length() > max) {
      throw ErrorCode.INVALID.exception(field + " must have at most " + max + " characters");
    }
    return s;
  }

  /**
   * Refuses text that would not show as what it is: control characters (NUL, newlines, ...), the bidi
   * controls that reorder what follows (U+202E makes "gpj.exe" read "exe.jpg") and line/paragraph
   * separators. For names people read: nicknames, logins, group names.
   */
  public static String printable(String value, String field) {
    if (value != null && value.chars().anyMatch(Check::hidden)) {
      throw ErrorCode.INVALID.exception(field + " must not contain control characters");
    }
    return value;
  }

  private static boolean hidden(int c) {
    return Character.isISOControl(c) || c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E)
        || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
  }

  public static String oneOf(JsonObject json, String field, String fallback, String... allowed) {
    String s = optionalString(json, field, 64);
    if (s == null) {
      if (fallback != null) {
        return fallback;
      }
      throw ErrorCode.INVALID.exception(field + " is required");
    }
    for (String a : allowed) {
      if (a.equals(s)) {
        return s;
      }
    }
    throw ErrorCode.INVALID.exception(field + " must be one of " + String.join("|", allowed));
  }

  public static long longValue(JsonObject json, String field, long min, long max) {
    Long v = optionalLong(json, field, min, max);
    if (v == null) {
      throw ErrorCode.INVALID.exception(field + " is required");
    }
    return v;
  }

  public static Long optionalLong(JsonObject json, String field, long min, long max) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Integer || v instanceof Long)) {
      throw ErrorCode.INVALID.exception(field + " must be an integer");
    }
    long l = ((Number) v).longValue();
    if (l < min || l > max) {
      throw ErrorCode.INVALID.exception(field + " must be between " + min + " and " + max);
    }
    return l;
  }

  /** A true/false field, or null when absent; any other JSON type is invalid. */
  public static Boolean optionalBoolean(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Boolean b)) {
      throw ErrorCode.INVALID.exception(field + " must be true or false");
    }
    return b;
  }

  public static JsonObject optionalObject(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw ErrorCode.INVALID.exception(field + " must be an object");
    }
    return o;
  }

  /** Parses a query-string number, e.g. {@code ?limit=}. */
  public static Long queryLong(String raw, String name, long min, long max) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try {
      long l = Long.parseLong(raw);
      if (l < min || l > max) {
        throw ErrorCode.INVALID.exception(name + " must be between " + min + " and " + max);
      }
      return l;
    } catch (NumberFormatException e) {
      throw ErrorCode.INVALID.exception(name + " must be an integer");
    }
  }

  private static void rejectOperatorKeys(Object value, int depth) {
    if (depth > 32) {
      throw ErrorCode.INVALID.exception("JSON nested too deeply");
    }
    if (value instanceof JsonObject o) {
      for (var e : o) {
        String key = e.getKey();
        if (key.startsWith("$") || key.indexOf('\0') >= 0) {
          throw ErrorCode.INVALID.exception("field names must not start with $");
        }
        rejectOperatorKeys(e.getValue(), depth + 1);
      }
    } else if (value instanceof JsonArray a) {
      for (Object item : a) {
        rejectOperatorKeys(item, depth + 1);
      }
    }
  }
}
