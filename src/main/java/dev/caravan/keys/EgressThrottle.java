package dev.caravan.keys;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells Google throttling the gateway (its address, or a proxy's) from keys going bad (issue 14): when many projects
 * refuse without a quota reason within seconds (a 429 without details, a 403), the refusals are the gateway's, not
 * the keys'. The pool then pauses as a whole, for 2 s doubling with each new trip within 5 minutes up to
 * EGRESS_PAUSE_MAX_SECONDS, and the keys that such a 403 retired in the window are put back.
 *
 * <p>Thread-safe: its state is guarded by its lock, taken only on such refusals; picks read one volatile.
 */
public final class EgressThrottle {

    private static final Logger LOG = LoggerFactory.getLogger(EgressThrottle.class);
    static final long FIRST_PAUSE_MS = 2_000;
    /** Trips closer than this to the previous one double the pause. */
    static final long ESCALATION_MS = 5 * 60_000;
    /** Refusals remembered at most. */
    static final int MAX_RECENT = 1_024;

    private record Refusal(Project project, ApiKey key, long atMillis) {
    }

    private final ArrayDeque<Refusal> recent = new ArrayDeque<>();
    private volatile long pausedUntil;
    private long lastTripMillis = Long.MIN_VALUE / 2;
    private long lastPauseMs;
    private volatile long trips;
    private volatile IntSupplier projects = () -> 0;
    private volatile IntSupplier windowSeconds = () -> 10;
    private volatile IntSupplier maxPauseSeconds = () -> 60;

    /** EGRESS_THROTTLE_PROJECTS (0: off), EGRESS_THROTTLE_WINDOW_SECONDS, EGRESS_PAUSE_MAX_SECONDS; read at each use. */
    public void configure(IntSupplier projects, IntSupplier windowSeconds, IntSupplier maxPauseSeconds) {
        this.projects = projects;
        this.windowSeconds = windowSeconds;
        this.maxPauseSeconds = maxPauseSeconds;
    }

    /** Whether a verdict is a refusal without a quota reason, which egress throttling looks like. */
    static boolean unexplained(Verdict v) {
        return switch (v.kind()) {
            case THROTTLED, KEY_DISABLED, KEY_SUSPENDED -> v.evidence() == null || v.evidence().status() != 400;
            default -> false;
        };
    }

    /**
     * Notes a refusal without a quota reason on {@code key}.
     *
     * @return the keys to put back when this refusal trips a pause (those a 403 retired in the window), else empty
     */
    List<ApiKey> refused(ApiKey key, long now) {
        int threshold = projects.getAsInt();
        if (threshold <= 0) {
            return List.of();
        }
        long window = windowSeconds.getAsInt() * 1000L;
        synchronized (this) {
            recent.addLast(new Refusal(key.project(), key, now));
            while (!recent.isEmpty() && (now - recent.peekFirst().atMillis > window || recent.size() > MAX_RECENT)) {
                recent.removeFirst();
            }
            if (now < pausedUntil) {
                return List.of();
            }
            Set<Project> distinct = new HashSet<>();
            for (Refusal r : recent) {
                distinct.add(r.project);
            }
            if (distinct.size() < threshold) {
                return List.of();
            }
            long pause = now - lastTripMillis < ESCALATION_MS ? Math.min(lastPauseMs * 2, maxPauseSeconds.getAsInt() * 1000L)
                    : Math.min(FIRST_PAUSE_MS, maxPauseSeconds.getAsInt() * 1000L);
            lastTripMillis = now;
            lastPauseMs = pause;
            pausedUntil = now + pause;
            trips++;
            List<ApiKey> back = new ArrayList<>();
            for (Refusal r : recent) {
                back.add(r.key);
            }
            recent.clear();
            LOG.warn("{} projects refused without a quota reason within {} s: Google seems to throttle the gateway's "
                    + "address (or its proxy), not the keys; pausing the pool for {} ms, no key retired",
                    distinct.size(), window / 1000, pause);
            return back;
        }
    }

    /** Until when the pool pauses (epoch ms), 0 or past when it does not. */
    public long pausedUntil() {
        return pausedUntil;
    }

    /** Pauses so far. */
    public long trips() {
        return trips;
    }
}
