package dev.caravan.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The helper that keeps day-dependent tests off Pacific midnight names the right midnight, winter and summer. */
class PacificMidnightTest {

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void theNextMidnightIsEightUtcInWinterAndSevenInSummer() {
        assertThat(PacificMidnight.after(at("2026-12-03T07:59:59.999Z"))).isEqualTo(at("2026-12-03T08:00:00Z"));
        assertThat(PacificMidnight.after(at("2026-12-03T08:00:00Z"))).isEqualTo(at("2026-12-04T08:00:00Z"));
        assertThat(PacificMidnight.after(at("2026-07-01T06:59:00Z"))).isEqualTo(at("2026-07-01T07:00:00Z"));
    }

    @Test
    void farFromMidnightItReturnsAtOnce() {
        // only the 45 s before midnight wait; the rest of the day (99.9% of runs) must not
        long now = System.currentTimeMillis();
        if (PacificMidnight.after(now) - now > PacificMidnight.MARGIN.toMillis() + 5_000) {
            long start = System.nanoTime();
            PacificMidnight.awaitClearOfMidnight();
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000);
        }
        PacificMidnight.awaitClearOfMidnight();
        long after = System.currentTimeMillis();
        assertThat(PacificMidnight.after(after) - after).isGreaterThanOrEqualTo(PacificMidnight.MARGIN.toMillis());
    }
}
