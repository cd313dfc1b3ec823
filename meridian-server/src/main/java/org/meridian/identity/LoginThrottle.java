package org.meridian.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed sign-ins counted per account and per address over a window: past the limit, further attempts are refused
 * (429) until the window has moved on, right or wrong password alike, so guessing costs time. Kept in memory on each
 * node: behind a load balancer the limit is per node.
 */
final class LoginThrottle {
    /** Failures per account: guessing one person's password. */
    static final int MAX_FAILURES = 5;
    /** Failures per address: guessing many accounts' passwords (higher, since an office shares one address). */
    static final int MAX_ADDRESS_FAILURES = 30;
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int MAX_KEYS = 100_000;

    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /**
     * Whether an attempt may be made now; if so, it is counted as a failure at once, before the password is checked,
     * so that guesses sent in parallel cannot all pass the limit while the slow hash runs ({@link #succeeded} takes it
     * back).
     */
    synchronized boolean begin(String account, String address) {
        if (recent("account:" + account) >= MAX_FAILURES || recent("address:" + address) >= MAX_ADDRESS_FAILURES) {
            return false;
        }
        if (failures.size() > MAX_KEYS) {
            forgetOld();
        }
        record("account:" + account);
        record("address:" + address);
        return true;
    }

    /** The attempt was right: the account starts afresh, and the address's count of this attempt is taken back. */
    void succeeded(String account, String address) {
        failures.remove("account:" + account);
        Deque<Instant> times = failures.get("address:" + address);
        if (times != null) {
            synchronized (times) {
                times.pollLast();
            }
        }
    }

    /** A flood of made-up names: forget the keys with no failure in the window (and, if that is not enough, all). */
    private void forgetOld() {
        Instant from = clock.instant().minus(WINDOW);
        failures.values().removeIf(times -> {
            synchronized (times) {
                return times.isEmpty() || times.peekLast().isBefore(from);
            }
        });
        if (failures.size() > MAX_KEYS) {
            failures.clear();
        }
    }

    private int recent(String key) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            Instant from = clock.instant().minus(WINDOW);
            while (!times.isEmpty() && times.peekFirst().isBefore(from)) {
                times.removeFirst();
            }
            return times.size();
        }
    }

    private void record(String key) {
        Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(clock.instant());
            while (times.size() > MAX_ADDRESS_FAILURES) {
                times.removeFirst();
            }
        }
    }
}
