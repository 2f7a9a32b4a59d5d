package dev.caravan.keys;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * When the scheduled re-check of keys out of rotation is due: CHECK_INTERVAL_HOURS after the previous one (the
 * first one an interval after start). A timer asks every minute, so an operator's new interval applies without a
 * restart. An interval of 0 turns the schedule off (gemini-balance's CHECK_INTERVAL_HOURS=0). Thread-safe.
 */
public final class RecheckSchedule {

    private final IntSupplier intervalHours;
    private final LongSupplier clock;
    private long lastMillis;

    public RecheckSchedule(IntSupplier intervalHours, LongSupplier clock) {
        this.intervalHours = intervalHours;
        this.clock = clock;
        this.lastMillis = clock.getAsLong();
    }

    /** Whether a re-check is due now; answering yes starts the next interval. */
    public synchronized boolean due() {
        long now = clock.getAsLong();
        int hours = intervalHours.getAsInt();
        if (hours <= 0) {
            // off; when it is turned on again, the first re-check comes one interval after that
            lastMillis = now;
            return false;
        }
        if (now - lastMillis >= hours * 3_600_000L) {
            lastMillis = now;
            return true;
        }
        return false;
    }
}
