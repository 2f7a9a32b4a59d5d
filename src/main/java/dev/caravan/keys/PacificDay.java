package dev.caravan.keys;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * Google's day, the one its per-day quotas count: the date in America/Los_Angeles, as an epoch day number. The
 * bounds of the current day are cached so the hot path pays a comparison, not a time-zone lookup. Thread-safe:
 * racing threads at midnight compute the same answer.
 */
final class PacificDay {

    static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");

    private record Span(long day, long startMillis, long endMillis) {
    }

    private volatile Span span = new Span(Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE);

    long of(long nowMillis) {
        Span s = span;
        if (nowMillis >= s.startMillis && nowMillis < s.endMillis) {
            return s.day;
        }
        LocalDate date = Instant.ofEpochMilli(nowMillis).atZone(PACIFIC).toLocalDate();
        long start = date.atStartOfDay(PACIFIC).toInstant().toEpochMilli();
        long end = date.plusDays(1).atStartOfDay(PACIFIC).toInstant().toEpochMilli();
        span = new Span(date.toEpochDay(), start, end);
        return date.toEpochDay();
    }

    /** When Google's current day (the one {@code nowMillis} is in) ends: the next midnight in America/Los_Angeles. */
    long endOf(long nowMillis) {
        of(nowMillis);
        Span s = span;
        return nowMillis >= s.startMillis && nowMillis < s.endMillis ? s.endMillis
                : Instant.ofEpochMilli(nowMillis).atZone(PACIFIC).toLocalDate().plusDays(1).atStartOfDay(PACIFIC)
                        .toInstant().toEpochMilli();
    }
}
