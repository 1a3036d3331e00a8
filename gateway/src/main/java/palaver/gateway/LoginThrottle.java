package palaver.gateway;

import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed-login throttling, in the gateway because only it knows the client's
 * address. Failures are counted per (client IP, login) and per client IP, never
 * per login alone: one client's wrong passwords slow that client down, they
 * never lock the account's owner out (issue 19: five wrong passwords from
 * anywhere used to refuse the right one for 15 minutes). A key with more than
 * its free failures inside its window has to wait after its latest failure,
 * 1 s doubling with each further failure up to {@link #MAX_DELAY_MS}; while it
 * waits, logins are answered 429 with {@code Retry-After} before any password is
 * hashed (so the throttle also spares the CPU). A success clears the pair's
 * failures and gives the address its attempt back. An attempt is counted as
 * failed the moment it goes ahead ({@link #reserve}) and given back once it is
 * known not to be a wrong password, so parallel attempts can't all pass the
 * check while the first ones are still being hashed. Kept in memory per
 * gateway instance and bounded in keys; with N gateways an attacker spreading
 * over all of them gets N times the budget. Used only from the gateway's event loop.
 */
final class LoginThrottle {
  /** Wrong passwords one client may give for one login before it has to wait. */
  static final int FAILURES_PER_LOGIN = 5;
  /** Wrong passwords one client may give over all logins before it has to wait. */
  static final int FAILURES_PER_IP = 20;
  /** A pair's failures are remembered this long: a slow guesser stays at the longest delay. */
  static final long PAIR_WINDOW_MS = 24 * 60 * 60_000L;
  static final long IP_WINDOW_MS = 60 * 60_000L;
  /** The first delay past the free failures; doubled for each further one. */
  static final long BASE_DELAY_MS = 1_000;
  static final long MAX_DELAY_MS = 15 * 60_000L;
  /** Failure times kept per key: enough to reach the longest delay, so memory per key is bounded. */
  static final int MAX_KEPT = FAILURES_PER_IP + 32;
  static final int MAX_KEYS = 100_000;

  /** How one kind of key is throttled. */
  private record Rule(int free, long windowMs) {
  }

  private static final Rule PAIR = new Rule(FAILURES_PER_LOGIN, PAIR_WINDOW_MS);
  private static final Rule IP = new Rule(FAILURES_PER_IP, IP_WINDOW_MS);

  private final LongSupplier clock;
  private final Map<String, Deque<Long>> pairs = boundedMap();
  private final Map<String, Deque<Long>> ips = boundedMap();

  LoginThrottle(Vertx vertx) {
    this(vertx, System::currentTimeMillis);
  }

  /** With another clock: tests of the delays that can't wait for them. */
  LoginThrottle(Vertx vertx, LongSupplier clock) {
    this.clock = clock;
    vertx.setPeriodic(60_000, id -> purge());
  }

  /** Milliseconds to wait before trying again, 0 when a login attempt may go ahead. */
  long retryAfterMs(String ip, String login) {
    long now = clock.getAsLong();
    long wait = waitFor(ips, IP, ip, now);
    if (login != null) {
      wait = Math.max(wait, waitFor(pairs, PAIR, pairKey(ip, login), now));
    }
    return wait;
  }

  /** How long a key with {@code failures} failures in its window waits after its latest one. */
  static long delayMs(int failures, int free) {
    if (failures < free) {
      return 0;
    }
    int doublings = Math.min(failures - free, 30);
    return Math.min(MAX_DELAY_MS, BASE_DELAY_MS << doublings);
  }

  /** A login attempt that went ahead, counted as a failure until its answer says otherwise. */
  record Attempt(String ip, String login, long at) {
  }

  /** Counts the attempt as failed up front; call after {@link #retryAfterMs} said 0. */
  Attempt reserve(String ip, String login) {
    long now = clock.getAsLong();
    record(ips, IP, ip, now);
    if (login != null) {
      record(pairs, PAIR, pairKey(ip, login), now);
    }
    return new Attempt(ip, login, now);
  }

  /** The password was right: the address gets its attempt back and the pair's failures are cleared. */
  void succeeded(Attempt attempt) {
    unrecord(ips, attempt.ip(), attempt.at());
    if (attempt.login() != null) {
      pairs.remove(pairKey(attempt.ip(), attempt.login()));
    }
  }

  /** Neither right nor wrong (invalid request, timeout): the attempt is not counted. */
  void release(Attempt attempt) {
    unrecord(ips, attempt.ip(), attempt.at());
    if (attempt.login() != null) {
      unrecord(pairs, pairKey(attempt.ip(), attempt.login()), attempt.at());
    }
  }

  private static long waitFor(Map<String, Deque<Long>> failures, Rule rule, String key, long now) {
    Deque<Long> times = failures.get(key);
    if (times == null) {
      return 0;
    }
    expire(times, rule, now);
    long delay = delayMs(times.size(), rule.free());
    return delay == 0 ? 0 : Math.max(0, times.peekLast() + delay - now);
  }

  private static void record(Map<String, Deque<Long>> failures, Rule rule, String key, long now) {
    Deque<Long> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
    expire(times, rule, now);
    if (times.size() >= MAX_KEPT) {
      times.pollFirst();
    }
    times.addLast(now);
  }

  private static void unrecord(Map<String, Deque<Long>> failures, String key, long at) {
    Deque<Long> times = failures.get(key);
    if (times != null) {
      times.removeLastOccurrence(at);
    }
  }

  private static void expire(Deque<Long> times, Rule rule, long now) {
    while (!times.isEmpty() && times.peekFirst() <= now - rule.windowMs()) {
      times.pollFirst();
    }
  }

  private void purge() {
    long now = clock.getAsLong();
    purge(pairs, PAIR, now);
    purge(ips, IP, now);
  }

  private static void purge(Map<String, Deque<Long>> failures, Rule rule, long now) {
    failures.values().removeIf(times -> {
      expire(times, rule, now);
      return times.isEmpty();
    });
  }

  /** Logins are email addresses (no NUL), so the pair key is unambiguous. */
  private static String pairKey(String ip, String login) {
    return ip + "\u0000" + login;
  }

  private static Map<String, Deque<Long>> boundedMap() {
    return new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
        return size() > MAX_KEYS;
      }
    };
  }
}
