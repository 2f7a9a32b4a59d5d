package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** CHECK_INTERVAL_HOURS=0 is gemini-balance's "off": no re-check is ever due until an interval is set again. */
class RecheckScheduleTurnsOffAtZeroTest {

    private static final long HOUR = 3_600_000L;

    @Test
    void neverDueWhileTheIntervalIsZero() {
        AtomicLong now = new AtomicLong(1_000_000);
        AtomicInteger hours = new AtomicInteger(0);
        RecheckSchedule schedule = new RecheckSchedule(hours::get, now::get);

        now.addAndGet(1_000 * HOUR);
        assertThat(schedule.due()).isFalse();

        hours.set(2);
        now.addAndGet(HOUR);
        assertThat(schedule.due()).as("an interval counts from when it was turned on").isFalse();
        now.addAndGet(HOUR);
        assertThat(schedule.due()).isTrue();
        assertThat(schedule.due()).isFalse();
    }
}
