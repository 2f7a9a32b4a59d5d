package dev.caravan.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.atomic.AtomicReference;

import dev.caravan.support.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * The log retention runs once at the first tick after start, then at the first tick after each midnight in TIMEZONE,
 * whatever the JVM's zone, daylight saving, or a zone changed between two runs.
 */
class RetentionScheduleTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final long MINUTE = 60_000L;

    private static long at(String localDateTime, ZoneId zone) {
        return ZonedDateTime.of(java.time.LocalDateTime.parse(localDateTime), zone).toInstant().toEpochMilli();
    }

    @Test
    void runsAtStartThenAtEachMidnightOfTheZone() {
        ManualClock clock = new ManualClock(at("2025-03-10T15:30:00", SHANGHAI));
        RetentionSchedule schedule = new RetentionSchedule(() -> SHANGHAI, clock);

        assertThat(schedule.due()).as("the first tick after start").isTrue();
        clock.set(at("2025-03-10T23:59:00", SHANGHAI));
        assertThat(schedule.due()).as("the same day").isFalse();
        clock.set(at("2025-03-11T00:00:30", SHANGHAI));
        assertThat(schedule.due()).as("the tick after midnight in Shanghai").isTrue();
        clock.advance(MINUTE);
        assertThat(schedule.due()).as("once a day").isFalse();
        clock.set(at("2025-03-11T23:59:59", SHANGHAI));
        assertThat(schedule.due()).isFalse();
        clock.set(at("2025-03-12T00:00:00", SHANGHAI));
        assertThat(schedule.due()).isTrue();
    }

    @Test
    void midnightIsTheZonesNotUtcs() {
        // 16:00 UTC is midnight in Shanghai (UTC+8): that is when the run comes, not at 00:00 UTC
        ManualClock clock = new ManualClock(Instant.parse("2025-06-01T12:00:00Z").toEpochMilli());
        RetentionSchedule schedule = new RetentionSchedule(() -> SHANGHAI, clock);
        schedule.due();

        clock.set(Instant.parse("2025-06-01T15:59:00Z").toEpochMilli());
        assertThat(schedule.due()).isFalse();
        clock.set(Instant.parse("2025-06-01T16:00:10Z").toEpochMilli());
        assertThat(schedule.due()).isTrue();
        clock.set(Instant.parse("2025-06-02T00:00:10Z").toEpochMilli());
        assertThat(schedule.due()).as("midnight UTC is 08:00 in Shanghai").isFalse();
    }

    @Test
    void aDaylightSavingDayStillHasOneRunAtMidnight() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // 2025-03-30 has 23 hours in Berlin, 2025-10-26 has 25
        ManualClock clock = new ManualClock(at("2025-03-29T12:00:00", berlin));
        RetentionSchedule schedule = new RetentionSchedule(() -> berlin, clock);
        schedule.due();

        int runs = 0;
        long midnightAfter = at("2025-03-31T00:00:00", berlin);
        long firstRunAt = 0;
        long secondRunAt = 0;
        for (clock.set(at("2025-03-29T12:01:00", berlin)); clock.now() <= midnightAfter + MINUTE; clock.advance(MINUTE)) {
            if (schedule.due()) {
                runs++;
                if (runs == 1) {
                    firstRunAt = clock.now();
                } else {
                    secondRunAt = clock.now();
                }
            }
        }
        assertThat(runs).isEqualTo(2);
        assertThat(firstRunAt).isEqualTo(at("2025-03-30T00:00:00", berlin));
        assertThat(secondRunAt).isEqualTo(midnightAfter);
    }

    @Test
    void aZoneChangedBetweenRunsGivesTheNextMidnightOfTheNewZone() {
        AtomicReference<ZoneId> zone = new AtomicReference<>(SHANGHAI);
        ZoneId losAngeles = ZoneId.of("America/Los_Angeles");
        // just after midnight in Shanghai: 2025-06-02 there, still 2025-06-01 in Los Angeles
        ManualClock clock = new ManualClock(at("2025-06-02T00:05:00", SHANGHAI));
        RetentionSchedule schedule = new RetentionSchedule(zone::get, clock);
        assertThat(schedule.due()).isTrue();

        zone.set(losAngeles);
        assertThat(schedule.zone()).isEqualTo(losAngeles);
        clock.set(at("2025-06-01T23:59:00", losAngeles));
        assertThat(schedule.due()).isFalse();
        clock.set(at("2025-06-02T00:00:00", losAngeles));
        assertThat(schedule.due()).as("the next midnight in Los Angeles, not a day later").isTrue();
    }
}
