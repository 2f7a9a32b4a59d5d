package dev.caravan.storage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * When the log retention (AUTO_DELETE_*) is due: once soon after start, then at every midnight in TIMEZONE, as
 * gemini-balance runs it daily at 00:00 in its TIMEZONE. A timer asks every minute, so the run comes within a minute
 * of midnight, a daylight-saving change moves nothing (the date changes once a day whatever the clock does), and a
 * zone an operator changes applies at the next midnight of the new zone. Thread-safe.
 */
public final class RetentionSchedule {

    private final Supplier<ZoneId> zone;
    private final LongSupplier clock;
    /** The date, in the zone of that moment, of the last run; null before the first. */
    private LocalDate lastRun;

    public RetentionSchedule(Supplier<ZoneId> zone, LongSupplier clock) {
        this.zone = zone;
        this.clock = clock;
    }

    /** The zone in force, in which the retention runs at midnight. */
    public ZoneId zone() {
        return zone.get();
    }

    /** Whether the retention is due now; answering yes marks today as done. */
    public synchronized boolean due() {
        LocalDate today = Instant.ofEpochMilli(clock.getAsLong()).atZone(zone.get()).toLocalDate();
        if (lastRun == null || today.isAfter(lastRun)) {
            // the first ask (a restart does not leave rows past their age until midnight), or a new day
            lastRun = today;
            return true;
        }
        if (today.isBefore(lastRun)) {
            // the zone was moved west past midnight: the next midnight of the new zone is the next run
            lastRun = today;
        }
        return false;
    }
}
