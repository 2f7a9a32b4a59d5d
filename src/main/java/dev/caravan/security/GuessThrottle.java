package dev.caravan.security;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down guessing of a token: after {@code maxFailures} wrong tokens from one client address within the window,
 * that address is refused (429) until the oldest of them has left the window, even with a right token. One instance
 * guards every door of the admin token (login, Bearer calls, the management port: {@link #admin}), another the client
 * API (CLIENT_TOKEN_MAX_FAILURES), so a client misconfigured behind the same address as the operator does not lock
 * the operator out. A right token does not wipe the count: otherwise a client holding one token could interleave it
 * with guesses at another. Addresses are as {@link ClientAddress} gives them (the TCP peer's; X-Forwarded-For is not
 * trusted, since anybody can send it). Thread-safe.
 */
public final class GuessThrottle {

    /** Wrong admin tokens allowed from one address in {@link #WINDOW_MS}. */
    public static final int ADMIN_MAX_FAILURES = 5;
    /** The window in which wrong tokens are counted: a minute. */
    public static final long WINDOW_MS = 60_000L;
    private static final int MAX_ADDRESSES = 10_000;

    private final int maxFailures;
    private final long windowMs;
    private final Map<String, ArrayDeque<Long>> failures = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public GuessThrottle(int maxFailures, long windowMs, LongSupplier clock) {
        if (maxFailures < 1 || windowMs < 1) {
            throw new IllegalArgumentException("a throttle needs at least one try in a window of at least 1 ms");
        }
        this.maxFailures = maxFailures;
        this.windowMs = windowMs;
        this.clock = clock;
    }

    /** The admin token's throttle: {@value #ADMIN_MAX_FAILURES} wrong tokens a minute. */
    public static GuessThrottle admin(LongSupplier clock) {
        return new GuessThrottle(ADMIN_MAX_FAILURES, WINDOW_MS, clock);
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
            if (q.size() < maxFailures) {
                return 0;
            }
            return Math.max(1, (q.peekFirst() + windowMs - now + 999) / 1000);
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

    /**
     * A right admin token: the address starts afresh. Only for a single secret (the admin token), where whoever knows
     * it has nothing left to guess; the client API never calls it (see the class comment).
     */
    public void succeeded(String address) {
        failures.remove(address);
    }

    private void prune(ArrayDeque<Long> q, long now) {
        while (!q.isEmpty() && q.peekFirst() <= now - windowMs) {
            q.pollFirst();
        }
    }
}
