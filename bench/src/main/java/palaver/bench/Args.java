package palaver.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --key value} and bare {@code --flag} command-line options. */
final class Args {
  private final Map<String, String> values = new HashMap<>();

  Args(String[] argv, int from) {
    for (int i = from; i < argv.length; i++) {
      if (!argv[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + argv[i]);
      }
      String key = argv[i].substring(2);
      boolean hasValue = i + 1 < argv.length && !argv[i + 1].startsWith("--");
      values.put(key, hasValue ? argv[++i] : "true");
    }
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  String get(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + key);
    }
    return v;
  }

  String get(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  int integer(String key) {
    return Integer.parseInt(get(key));
  }

  int integer(String key, int fallback) {
    return has(key) ? integer(key) : fallback;
  }

  double dbl(String key) {
    return Double.parseDouble(get(key));
  }

  double dbl(String key, double fallback) {
    return has(key) ? dbl(key) : fallback;
  }
}
