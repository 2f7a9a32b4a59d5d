package dev.caravan.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Google's day ends at midnight in America/Los_Angeles (08:00 UTC in winter), and so does every per-day budget and
 * per-day pause. A test that counts the day's requests or waits on a per-day 429 asserts nonsense when the day turns
 * during it (its first requests are yesterday's, a key paused until midnight comes back). Such a test first waits,
 * when midnight is near, until the new day has begun: at most {@link #MARGIN}, and only in the minute before it.
 */
public final class PacificMidnight {

    private static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");

    /** Longer than any day-dependent test runs (each takes a few seconds). */
    public static final Duration MARGIN = Duration.ofSeconds(45);

    private PacificMidnight() {
    }

    /** The next Pacific midnight after {@code millis}, epoch milliseconds. */
    public static long after(long millis) {
        return ZonedDateTime.ofInstant(Instant.ofEpochMilli(millis), PACIFIC).toLocalDate().plusDays(1)
                .atStartOfDay(PACIFIC).toInstant().toEpochMilli();
    }

    /** Returns at once unless Google's day ends within {@link #MARGIN}; then once it has ended. */
    public static void awaitClearOfMidnight() {
        long now = System.currentTimeMillis();
        long midnight = after(now);
        if (midnight - now < MARGIN.toMillis()) {
            await().atMost(MARGIN.plusSeconds(5)).pollInterval(Duration.ofMillis(200))
                    .until(() -> System.currentTimeMillis() >= midnight);
        }
    }
}
