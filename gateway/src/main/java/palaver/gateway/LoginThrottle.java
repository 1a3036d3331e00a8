package palaver.gateway;

import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed-login throttling, in the gateway because only it knows the client's
 * address: a sliding window of failure times per client IP and per login.
 * While either key has its limit of failures inside the window, logins are
 * answered 429 with {@code Retry-After} before any password is hashed (so the
 * throttle also spares the CPU). A success clears the login's failures, not
 * the IP's. An attempt is counted as failed the moment it goes ahead
 * ({@link #reserve}) and given back once it is known not to be a wrong
 * password, so parallel attempts can't all pass the check while the first
 * ones are still being hashed. Kept in memory per gateway instance and bounded in keys; with N
 * gateways an attacker spreading over all of them gets N times the budget.
 * Used only from the gateway's event loop.
 */
final class LoginThrottle {
  static final int FAILURES_PER_LOGIN = 5;
  static final int FAILURES_PER_IP = 20;
  static final long WINDOW_MS = 15 * 60_000;
  static final int MAX_KEYS = 100_000;

  private final Map<String, Deque<Long>> failures = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
      return size() > MAX_KEYS;
    }
  };

  LoginThrottle(Vertx vertx) {
    vertx.setPeriodic(60_000, id -> purge());
  }

  /** Milliseconds to wait before trying again, 0 when a login attempt may go ahead. */
  long retryAfterMs(String ip, String login) {
    long now = System.currentTimeMillis();
    long wait = waitFor(ipKey(ip), FAILURES_PER_IP, now);
    if (login != null) {
      wait = Math.max(wait, waitFor(loginKey(login), FAILURES_PER_LOGIN, now));
    }
    return wait;
  }

  /** A login attempt that went ahead, counted as a failure until its answer says otherwise. */
  record Attempt(String ip, String login, long at) {
  }

  /** Counts the attempt as failed up front; call after {@link #retryAfterMs} said 0. */
  Attempt reserve(String ip, String login) {
    long now = System.currentTimeMillis();
    record(ipKey(ip), FAILURES_PER_IP, now);
    if (login != null) {
      record(loginKey(login), FAILURES_PER_LOGIN, now);
    }
    return new Attempt(ip, login, now);
  }

  /** The password was right: the address gets its attempt back and the login's failures are cleared. */
  void succeeded(Attempt attempt) {
    unrecord(ipKey(attempt.ip()), attempt.at());
    succeeded(attempt.login());
  }

  /** Neither right nor wrong (invalid request, timeout): the attempt is not counted. */
  void release(Attempt attempt) {
    unrecord(ipKey(attempt.ip()), attempt.at());
    if (attempt.login() != null) {
      unrecord(loginKey(attempt.login()), attempt.at());
    }
  }

  void succeeded(String login) {
    if (login != null) {
      failures.remove(loginKey(login));
    }
  }

  private long waitFor(String key, int limit, long now) {
    Deque<Long> times = failures.get(key);
    if (times == null) {
      return 0;
    }
    expire(times, now);
    if (times.size() < limit) {
      return 0;
    }
    return times.peekFirst() + WINDOW_MS - now;
  }

  private void record(String key, int limit, long now) {
    Deque<Long> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
    expire(times, now);
    if (times.size() >= limit) {
      times.pollFirst();
    }
    times.addLast(now);
  }

  private void unrecord(String key, long at) {
    Deque<Long> times = failures.get(key);
    if (times != null) {
      times.removeLastOccurrence(at);
    }
  }

  private static void expire(Deque<Long> times, long now) {
    while (!times.isEmpty() && times.peekFirst() <= now - WINDOW_MS) {
      times.pollFirst();
    }
  }

  private void purge() {
    long now = System.currentTimeMillis();
    failures.values().removeIf(times -> {
      expire(times, now);
      return times.isEmpty();
    });
  }

  private static String ipKey(String ip) {
    return "ip:" + ip;
  }

  private static String loginKey(String login) {
    return "login:" + login;
  }
}
