package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.caravan.support.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: keys of one project that were learned in two parts (two pairs grouped before any pair met) become one
 * project once keys of the two parts reset together in three windows and no key of one was seen apart from a key of
 * the other; a key of one part served inside the other's spent window keeps them apart.
 */
class ProjectLearningMergesLearnedPartsOfOneProjectTest {

    private static final long T0 = 1_750_000_000_000L;
    private static final long MINUTE = 60_000;
    private static final String MODEL = "m";
    private static final String PER_MINUTE = "GenerateRequestsPerMinutePerProjectPerModel-FreeTier";

    private final ManualClock clock = new ManualClock(T0);
    private final KeyRoundRobin pool = new KeyRoundRobin(List.of("k1", "k2", "k3", "k4"), 3, clock);

    private ApiKey key(String secret) {
        return pool.keys().stream().filter(k -> k.secret().equals(secret)).findFirst().orElseThrow();
    }

    /** Google's per-minute 429 for {@code secret}, read at the middle of window {@code w}, sent 5 ms before. */
    private void refuse(String secret, int w) {
        long reset = T0 + (w + 1) * MINUTE;
        clock.set(T0 + w * MINUTE + MINUTE / 2);
        QuotaSignal signal = new QuotaSignal(null, List.of(new QuotaSignal.Violation(
                QuotaSignal.Dimension.REQUESTS_PER_MINUTE, PER_MINUTE, MODEL, 10)), reset);
        pool.record(key(secret), MODEL, new Verdict(Verdict.Kind.QUOTA_COOLDOWN, reset,
                new Evidence(429, "RESOURCE_EXHAUSTED", PER_MINUTE, clock.now()), signal), clock.now() - 5);
    }

    /** Two learned parts: k1 and k2 refused together in windows 0-2, k3 and k4 in windows 4-6. */
    private void twoParts() {
        for (int w = 0; w < 3; w++) {
            refuse("k1", w);
            refuse("k2", w);
        }
        for (int w = 4; w < 7; w++) {
            refuse("k3", w);
            refuse("k4", w);
        }
        assertThat(key("k1").project()).isSameAs(key("k2").project());
        assertThat(key("k3").project()).isSameAs(key("k4").project());
        assertThat(key("k1").project()).isNotSameAs(key("k3").project());
        assertThat(key("k1").projectSource()).isEqualTo(Project.Source.LEARNED);
        assertThat(key("k3").projectSource()).isEqualTo(Project.Source.LEARNED);
    }

    @Test
    void twoLearnedPartsThatResetTogetherBecomeOneProject() {
        twoParts();
        for (int w = 8; w < 11; w++) {
            refuse("k1", w);
            refuse("k3", w);
        }
        Project p = key("k1").project();
        assertThat(List.of(key("k2"), key("k3"), key("k4"))).allMatch(k -> k.project() == p);
        assertThat(key("k4").projectEvidence()).contains("two learned parts of one project");
    }

    @Test
    void aKeyServedInsideTheOthersSpentWindowKeepsThePartsApart() {
        twoParts();
        for (int w = 8; w < 11; w++) {
            refuse("k1", w);
            refuse("k3", w);
            // k4 served a call sent after k1's refusal was read, answered well before k1's window reset
            clock.advance(1_000);
            pool.record(key("k4"), MODEL, Verdicts.success(), clock.now() - 100);
        }
        assertThat(key("k1").project()).isSameAs(key("k2").project());
        assertThat(key("k3").project()).isSameAs(key("k4").project());
        assertThat(key("k1").project()).isNotSameAs(key("k3").project());
    }
}
