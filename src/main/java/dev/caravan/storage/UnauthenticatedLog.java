package dev.caravan.storage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Keeps unauthenticated requests (no token, a wrong one, an address throttled for guessing) from flooding the
 * request and error logs: within one interval (UNAUTHENTICATED_LOG_SECONDS) only the first refusal of each address,
 * surface and status gets its own rows; the others are counted, and {@link #drain} turns each count into one summary
 * at the end of the interval. At most {@value #MAX_ADDRESSES} addresses are tracked per interval; refusals from any
 * further address are counted together in one summary per surface and status. So an interval writes at most
 * 2 × {@value #MAX_ADDRESSES} + 4 rows of each table (two surfaces, two statuses), whatever the flood. The exact number is in the metric
 * caravan_unauthenticated_total. Thread-safe (calls are serialised; they come only from refused requests).
 */
public final class UnauthenticatedLog {

    /** Addresses (with surface and status) that get rows of their own in one interval. */
    static final int MAX_ADDRESSES = 100;
    /** The address of the summary for the refusals beyond {@link #MAX_ADDRESSES} addresses. */
    public static final String OTHER_ADDRESSES = "other addresses";

    private final LongSupplier clock;
    private Map<Bucket, Summary> buckets = new LinkedHashMap<>();
    /** The refusals from addresses beyond the first {@link #MAX_ADDRESSES}, by surface and status. */
    private Map<Bucket, Summary> overflow = new LinkedHashMap<>();
    private long intervalStart;

    /** Refusals of one address, surface and status in the current interval. */
    private record Bucket(String address, String surface, int status) {
    }

    /**
     * Refusals that were counted and not logged one by one.
     *
     * @param address    the client address ({@link dev.caravan.security.ClientAddress}), or {@link #OTHER_ADDRESSES}
     * @param path       the path of the last of them
     * @param count      how many
     * @param fromMillis the start of the interval
     * @param toMillis   its end
     */
    public record Summary(String address, String surface, int status, String path, long count, long fromMillis,
                          long toMillis) {
    }

    public UnauthenticatedLog(LongSupplier clock) {
        this.clock = clock;
        this.intervalStart = clock.getAsLong();
    }

    /**
     * Whether this refusal gets its own rows (the first of its address, surface and status in the interval); when
     * not, it is counted for the interval's summary.
     */
    public synchronized boolean admit(String address, String surface, int status, String path) {
        Bucket key = new Bucket(address, surface, status);
        Summary seen = buckets.get(key);
        if (seen == null && buckets.size() < MAX_ADDRESSES) {
            buckets.put(key, new Summary(address, surface, status, path, 0, intervalStart, 0));
            return true;
        }
        Map<Bucket, Summary> counted = seen != null ? buckets : overflow;
        Bucket k = seen != null ? key : new Bucket(OTHER_ADDRESSES, surface, status);
        Summary before = counted.get(k);
        counted.put(k, new Summary(k.address(), surface, status, path, (before == null ? 0 : before.count()) + 1,
                intervalStart, 0));
        return false;
    }

    /** Ends the interval: the refusals counted in it, one summary per address (none for a count of 0). */
    public synchronized List<Summary> drain() {
        long now = clock.getAsLong();
        List<Summary> out = new ArrayList<>();
        for (Map<Bucket, Summary> m : List.of(buckets, overflow)) {
            for (Summary s : m.values()) {
                if (s.count() > 0) {
                    out.add(new Summary(s.address(), s.surface(), s.status(), s.path(), s.count(), s.fromMillis(), now));
                }
            }
        }
        buckets = new LinkedHashMap<>();
        overflow = new LinkedHashMap<>();
        intervalStart = now;
        return out;
    }
}
