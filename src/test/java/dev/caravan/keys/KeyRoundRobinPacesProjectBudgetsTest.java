package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import dev.caravan.config.QuotaLimits;
import dev.caravan.support.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, learned limits and pacing: the budget arithmetic per (project, model) on a manual clock. A key whose
 * project has no room is passed over like a cooling one; the pool says when the earliest budget frees.
 */
class KeyRoundRobinPacesProjectBudgetsTest {

    private static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");
    /** 10:00:00.000 Pacific, far from midnight. */
    private static final long T0 = ZonedDateTime.of(2025, 6, 10, 10, 0, 0, 0, PACIFIC).toInstant().toEpochMilli();

    private final ManualClock clock = new ManualClock(T0);

    private KeyRoundRobin pool(Map<String, QuotaLimits> table, String... keys) {
        KeyRoundRobin pool = new KeyRoundRobin(List.of(keys), 3, clock);
        pool.budgets().configure(() -> table);
        return pool;
    }

    @Test
    void twoProjectsOfTwoRequestsAMinuteServeFourAndTellWhenTheFirstFrees() {
        KeyRoundRobin pool = pool(Map.of("m", new QuotaLimits(2, -1, -1)), "k1@p1", "k2@p2");

        assertThat(pool.pick("m", null)).isNotNull();
        clock.advance(10_000);
        for (int i = 0; i < 3; i++) {
            assertThat(pool.pick("m", null)).isNotNull();
        }
        assertThat(pool.pick("m", null)).isNull();
        // the request of T0 leaves the rolling minute at T0 + 60 s: 50 s from now
        assertThat(pool.retryAfterMillis("m")).isEqualTo(50_000);
        assertThat(pool.comebackAt("m")).isEqualTo(T0 + 60_000);
        // another model has no known budget: not paced
        assertThat(pool.pick("other", null)).isNotNull();

        clock.set(T0 + 60_000);
        ApiKey back = pool.pick("m", null);
        assertThat(back).isNotNull();
        assertThat(pool.pick("m", null)).isNull();
    }

    @Test
    void keysOfOneProjectShareItsBudget() {
        KeyRoundRobin pool = pool(Map.of("m", new QuotaLimits(3, -1, -1)), "a1@p", "a2@p", "a3@p");
        for (int i = 0; i < 3; i++) {
            assertThat(pool.pick("m", null)).isNotNull();
        }
        assertThat(pool.pick("m", null)).isNull();
    }

    @Test
    void theDayBudgetEndsAtPacificMidnight() {
        KeyRoundRobin pool = pool(Map.of("m", new QuotaLimits(100, -1, 3)), "k1@p1");
        for (int i = 0; i < 3; i++) {
            assertThat(pool.pick("m", null)).isNotNull();
            clock.advance(61_000);
        }
        assertThat(pool.pick("m", null)).isNull();
        long midnight = ZonedDateTime.of(2025, 6, 11, 0, 0, 0, 0, PACIFIC).toInstant().toEpochMilli();
        assertThat(pool.retryAfterMillis("m")).isEqualTo(midnight - clock.now());

        clock.set(midnight);
        assertThat(pool.pick("m", null)).isNotNull();
    }

    @Test
    void inputTokensPaceByTheEstimateAndGooglesCountCorrectsIt() {
        KeyRoundRobin pool = pool(Map.of("m", new QuotaLimits(-1, 100, -1)), "k1@p1");
        ApiKey k = pool.pick("m", null, 60);
        assertThat(k).isNotNull();
        assertThat(pool.pick("m", null, 60)).isNull();
        // Google counted 20 prompt tokens: 80 are left this minute
        QuotaBudgets.promptTokens(k, "m", T0, clock.now(), 60, 20);
        assertThat(pool.pick("m", null, 60)).isNotNull();
        assertThat(pool.pick("m", null, 30)).isNull();
        // a request larger than the whole minute goes once the minute is empty (Google decides)
        clock.advance(60_000);
        assertThat(pool.pick("m", null, 500)).isNotNull();
        assertThat(QuotaBudgets.estimateTokens(400)).isEqualTo(100);
        assertThat(QuotaBudgets.estimateTokens(0)).isZero();
    }

    @Test
    void googlesQuotaValueSetsTheBudgetOfThatProjectAndModel() {
        KeyRoundRobin pool = pool(Map.of(), "k1@p1", "k2@p2");
        // no budget known: no pacing
        for (int i = 0; i < 10; i++) {
            assertThat(pool.pick("m", null)).isNotNull();
        }
        ApiKey k1 = pool.keys().get(0);
        pool.record(k1, "m", new Verdict(Verdict.Kind.QUOTA_COOLDOWN, clock.now() + 5_000,
                new Evidence(429, "RESOURCE_EXHAUSTED", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", clock.now()),
                new QuotaSignal(null, List.of(new QuotaSignal.Violation(QuotaSignal.Dimension.REQUESTS_PER_MINUTE,
                        "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "m", 2)))));
        clock.advance(61_000);
        // p1 now paces at 2 a minute, p2 (which Google told nothing) is not paced
        int p1 = 0;
        for (int i = 0; i < 20; i++) {
            ApiKey k = pool.pick("m", null);
            if (k == k1) {
                p1++;
            }
        }
        assertThat(p1).isEqualTo(2);
        assertThat(k1.project().budgets()).containsKey("m");
    }

    @Test
    void theOperatorsLimitYieldsToGooglesOwn() {
        KeyRoundRobin pool = pool(Map.of("m", new QuotaLimits(10, -1, -1)), "k1@p1");
        ApiKey k1 = pool.keys().get(0);
        pool.record(k1, "m", new Verdict(Verdict.Kind.QUOTA_COOLDOWN, clock.now() + 1_000,
                new Evidence(429, "RESOURCE_EXHAUSTED", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", clock.now()),
                new QuotaSignal(null, List.of(new QuotaSignal.Violation(QuotaSignal.Dimension.REQUESTS_PER_MINUTE,
                        "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "m", 1)))));
        clock.advance(61_000);
        assertThat(pool.pick("m", null)).isNotNull();
        assertThat(pool.pick("m", null)).isNull();
    }

    @Test
    void headroomSumsTheProjectsAndProjectsTheRunOut() {
        KeyRoundRobin pool = pool(Map.of("m", new QuotaLimits(10, 1000, 100)), "k1@p1", "k2@p2");
        for (int i = 0; i < 6; i++) {
            assertThat(pool.pick("m", null, 10)).isNotNull();
        }
        QuotaBudgets.Headroom h = pool.headroom().get(0);
        assertThat(h.model()).isEqualTo("m");
        assertThat(h.projects()).isEqualTo(2);
        assertThat(h.minuteRequests()).isEqualTo(new QuotaBudgets.Window(2, 20, 6, 14));
        assertThat(h.minuteTokens()).isEqualTo(new QuotaBudgets.Window(2, 2000, 60, 1940));
        assertThat(h.dayRequests()).isEqualTo(new QuotaBudgets.Window(2, 200, 6, 194));
        // 194 requests left at 6 a minute: 32 minutes and 20 s, well before midnight
        assertThat(h.runoutSeconds()).isEqualTo(194 * 60 / 6);
        assertThat(h.dayEndsSeconds()).isEqualTo(14 * 3600);

        clock.advance(61_000);
        assertThat(pool.headroom().get(0).runoutSeconds()).as("no rate: no run-out").isEqualTo(-1);
    }

    @Test
    void aCompressedMinuteFreesSooner() {
        KeyRoundRobin pool = pool(Map.of("m", new QuotaLimits(1, -1, -1)), "k1@p1");
        pool.budgets().minuteSeconds(10);
        assertThat(pool.pick("m", null)).isNotNull();
        assertThat(pool.pick("m", null)).isNull();
        // sixty slots of 167 ms (rounded up, never shorter than the stub's minute): the window is 10.02 s, counted from
        // the start of the request's slot
        assertThat(pool.retryAfterMillis("m")).isBetween(9_850L, 10_020L);
    }

    private static Verdict perMinute429(long now, long resetAt, long limit) {
        String id = "GenerateRequestsPerMinutePerProjectPerModel-FreeTier";
        return new Verdict(Verdict.Kind.QUOTA_COOLDOWN, resetAt, new Evidence(429, "RESOURCE_EXHAUSTED", id, now),
                new QuotaSignal(null, List.of(new QuotaSignal.Violation(QuotaSignal.Dimension.REQUESTS_PER_MINUTE, id,
                        "m", limit)), resetAt));
    }

    @Test
    void googlesRetryDelayAlignsTheMinuteWithItsFixedWindow() {
        KeyRoundRobin pool = pool(Map.of("m", new QuotaLimits(2, -1, -1)), "k1@p1");
        clock.set(T0 + 50_000);
        ApiKey k1 = pool.pick("m", null);
        assertThat(k1).isNotNull();
        assertThat(pool.pick("m", null)).isNotNull();
        assertThat(pool.pick("m", null)).isNull();
        // rolling, the minute would hold both requests until T0 + 110 s
        assertThat(pool.comebackAt("m")).isEqualTo(T0 + 110_000);

        // Google's 429 says its window resets in 10 s: from then on the budget counts Google's fixed windows
        pool.record(k1, "m", perMinute429(clock.now(), T0 + 60_000, 2));
        assertThat(pool.comebackAt("m")).isEqualTo(T0 + 60_000);
        clock.set(T0 + 60_000);
        assertThat(pool.pick("m", null)).isNotNull();
        assertThat(pool.pick("m", null)).isNotNull();
        assertThat(pool.pick("m", null)).isNull();
        assertThat(pool.comebackAt("m")).isEqualTo(T0 + 120_000);
        // what the waiting admission counts: this window's room (none) and a whole minute's at the next reset
        assertThat(pool.returningBy("m", T0 + 119_000)).isZero();
        assertThat(pool.returningBy("m", T0 + 120_000)).isEqualTo(2);
        assertThat(pool.returningBy("m", T0 + 180_000)).isEqualTo(4);
    }

    @Test
    void aRequestTakenJustBeforeGooglesResetCountsInTheNextWindowToo() {
        KeyRoundRobin pool = pool(Map.of("m", new QuotaLimits(2, -1, -1)), "k1@p1");
        ApiKey k1 = pool.keys().get(0);
        clock.set(T0 - 1_000);
        pool.record(k1, "m", perMinute429(clock.now(), T0, 2));
        // the last second of Google's window: on its way, the request may reach Google after the reset
        clock.set(T0 + 59_500);
        assertThat(pool.pick("m", null)).isNotNull();
        clock.set(T0 + 60_000);
        assertThat(pool.pick("m", null)).isNotNull();
        assertThat(pool.pick("m", null)).isNull();
    }
}
