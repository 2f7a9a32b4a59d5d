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
 * trusted, since anybody can send it).
 *
 * <p>With several replicas ({@link #share}) the wrong tokens of an address are also counted in the shared store, and
 * an address is refused when the count of all replicas says so. The check never waits for the store: each replica
 * refuses from the count it last heard (after each wrong token it sees, and at most a second old while the address
 * keeps knocking), so across N replicas an address gets at most about N - 1 guesses more than the limit in a window.
 * Thread-safe.
 */
public final class GuessThrottle {

    /** Wrong admin tokens allowed from one address in {@link #WINDOW_MS}. */
    public static final int ADMIN_MAX_FAILURES = 5;
    /** The window in which wrong tokens are counted: a minute. */
    public static final long WINDOW_MS = 60_000L;
    private static final int MAX_ADDRESSES = 10_000;

    private final int maxFailures;
    private final long windowMs;
    /** How old the shared count of an address that keeps knocking may get before it is asked again. */
    static final long SHARED_REFRESH_MS = 1_000L;

    private final Map<String, ArrayDeque<Long>> failures = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private volatile Shared shared;
    /** The replicas' failure times of an address, as the shared store last told them. */
    private final Map<String, SharedView> sharedViews = new ConcurrentHashMap<>();

    /**
     * The count all replicas share (REDIS_URL), answered asynchronously; nobody waits for it. Implementations call
     * back with the times (ms) of the address's wrong tokens within the window, all replicas together.
     */
    public interface Shared {
        /** Counts a wrong token of {@code address} at {@code now}, then calls back with the count. */
        void failed(String address, long now, long windowMs, java.util.function.Consumer<long[]> times);

        /** Calls back with the address's wrong tokens within the window. */
        void fetch(String address, long now, long windowMs, java.util.function.Consumer<long[]> times);

        /** The address starts afresh on every replica. */
        void forget(String address);
    }

    private record SharedView(long[] times, long heardAt) {
    }

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

    /** Counts wrong tokens in {@code shared} too, from now on (several replicas). */
    public void share(Shared shared) {
        this.shared = shared;
    }

    /** Seconds until {@code address} may try again, or 0 when it may now. */
    public long retryAfterSeconds(String address) {
        ArrayDeque<Long> q = failures.get(address);
        long now = clock.getAsLong();
        long wait = 0;
        if (q != null) {
            synchronized (q) {
                prune(q, now);
                if (q.size() >= maxFailures) {
                    wait = Math.max(1, (q.peekFirst() + windowMs - now + 999) / 1000);
                }
            }
        }
        Shared s = shared;
        if (s == null) {
            return wait;
        }
        SharedView view = sharedViews.get(address);
        if (view != null || q != null) {
            if (view == null || now - view.heardAt() >= SHARED_REFRESH_MS) {
                s.fetch(address, now, windowMs, times -> hear(address, times));
            }
        }
        return view == null ? wait : Math.max(wait, sharedWait(view.times(), now));
    }

    private long sharedWait(long[] times, long now) {
        int inWindow = 0;
        long oldest = Long.MAX_VALUE;
        for (long t : times) {
            if (t > now - windowMs) {
                inWindow++;
                oldest = Math.min(oldest, t);
            }
        }
        return inWindow < maxFailures ? 0 : Math.max(1, (oldest + windowMs - now + 999) / 1000);
    }

    private void hear(String address, long[] times) {
        if (sharedViews.size() >= MAX_ADDRESSES) {
            long now = clock.getAsLong();
            sharedViews.values().removeIf(v -> now - v.heardAt() > windowMs);
        }
        sharedViews.put(address, new SharedView(times, clock.getAsLong()));
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
        Shared s = shared;
        if (s != null) {
            s.failed(address, now, windowMs, times -> hear(address, times));
        }
    }

    /**
     * A right admin token: the address starts afresh. Only for a single secret (the admin token), where whoever knows
     * it has nothing left to guess; the client API never calls it (see the class comment).
     */
    public void succeeded(String address) {
        failures.remove(address);
        Shared s = shared;
        if (s != null) {
            sharedViews.remove(address);
            s.forget(address);
        }
    }

    private void prune(ArrayDeque<Long> q, long now) {
        while (!q.isEmpty() && q.peekFirst() <= now - windowMs) {
            q.pollFirst();
        }
    }
}
