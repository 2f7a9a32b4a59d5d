package dev.caravan.admin;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down guessing of the admin token: after {@value #MAX_FAILURES} wrong tokens from one client address within
 * a minute (at login or as a Bearer token), that address is refused (429) until the oldest of them is a minute
 * old. The address is the TCP peer's: X-Forwarded-For is not trusted, since anybody can send it. Thread-safe.
 */
public final class LoginThrottle {

    static final int MAX_FAILURES = 5;
    static final long WINDOW_MS = 60_000L;
    private static final int MAX_ADDRESSES = 10_000;

    private final Map<String, ArrayDeque<Long>> failures = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public LoginThrottle(LongSupplier clock) {
        this.clock = clock;
    }

    /** Seconds until {@code address} may try again, or 0 when it may now. */
    public long retryAfterSeconds(String address) {
        ArrayDeque<Long> q = failures.get(address);
        if (q == null) {
            return 0;
        }
        long now = clock.getAsLong();
        synchronized (q) {
            prune(q, now);
            if (q.size() < MAX_FAILURES) {
                return 0;
            }
            return Math.max(1, (q.peekFirst() + WINDOW_MS - now + 999) / 1000);
        }
    }

    /** Counts a wrong token from {@code address}. */
    public void failed(String address) {
        long now = clock.getAsLong();
        if (failures.size() >= MAX_ADDRESSES) {
            failures.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    prune(e.getValue(), now);
                    return e.getValue().isEmpty();
                }
            });
        }
        ArrayDeque<Long> q = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        synchronized (q) {
            prune(q, now);
            q.addLast(now);
        }
    }

    /** A right token: the address starts afresh. */
    public void succeeded(String address) {
        failures.remove(address);
    }

    private static void prune(ArrayDeque<Long> q, long now) {
        while (!q.isEmpty() && q.peekFirst() <= now - WINDOW_MS) {
            q.pollFirst();
        }
    }
}
