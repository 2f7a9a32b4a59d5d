package dev.caravan.storage;

import java.util.function.LongSupplier;

/**
 * The cut-offs of the retention route (AUTO_DELETE_*_DAYS): rows older than these times, in epoch milliseconds,
 * are deleted. Immutable; thread-safe.
 */
public final class LogRetention {

    private static final long DAY_MS = 86_400_000L;

    private final int requestLogDays;
    private final int errorLogDays;
    private final LongSupplier clock;

    public LogRetention(int requestLogDays, int errorLogDays, LongSupplier clock) {
        this.requestLogDays = requestLogDays;
        this.errorLogDays = errorLogDays;
        this.clock = clock;
    }

    public long requestLogCutoff() {
        return clock.getAsLong() - requestLogDays * DAY_MS;
    }

    public long errorLogCutoff() {
        return clock.getAsLong() - errorLogDays * DAY_MS;
    }
}
