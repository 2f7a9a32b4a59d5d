package dev.caravan.cluster;

import java.util.Arrays;

/**
 * How long the last changes took from the replica that made them to this one, in microseconds (README "Scale out"):
 * the last {@value #KEPT} samples, for percentiles. Thread-safe (each call holds this object's lock briefly).
 */
public final class Staleness {

    static final int KEPT = 4096;

    private final long[] samples = new long[KEPT];
    private long count;

    synchronized void record(long micros) {
        samples[(int) (count++ % KEPT)] = Math.max(0, micros);
    }

    /** Samples recorded since the start. */
    public synchronized long count() {
        return count;
    }

    /** The samples kept, oldest first or not (a copy). */
    public synchronized long[] samplesMicros() {
        return Arrays.copyOf(samples, (int) Math.min(count, KEPT));
    }

    /** The {@code p}-th percentile (0 &lt; p ≤ 100) of the samples kept, in microseconds; -1 without samples. */
    public synchronized long percentileMicros(double p) {
        int n = (int) Math.min(count, KEPT);
        if (n == 0) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(samples, n);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * n) - 1;
        return sorted[Math.max(0, Math.min(n - 1, rank))];
    }
}
