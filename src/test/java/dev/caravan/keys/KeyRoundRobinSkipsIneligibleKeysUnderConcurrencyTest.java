package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import dev.caravan.support.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * Dead keys (invalid, suspended, disabled) and keys cooling for the model asked never come out of a pick, even
 * with many threads picking at once, and the keys that remain still share the load evenly.
 */
class KeyRoundRobinSkipsIneligibleKeysUnderConcurrencyTest {

    private static final int KEYS = 10_000;
    private static final int THREADS = 8;
    private static final int ROUNDS = 16;
    private static final String MODEL = "gemini-2.5-flash";

    @Test
    void neverPicksDeadOrCoolingKeysAndStaysFairAmongTheOthersWhenThreadsPickConcurrently() throws Exception {
        ManualClock clock = new ManualClock(1_000_000L);
        long now = clock.now();
        KeyRoundRobin pool = new KeyRoundRobin(Verdicts.secrets(KEYS), 3, clock);
        List<ApiKey> keys = pool.keys();
        boolean[] eligible = new boolean[KEYS];
        int eligibleCount = 0;
        for (int i = 0; i < KEYS; i++) {
            ApiKey k = keys.get(i);
            if (i % 7 == 0) {
                pool.record(k, MODEL, Verdicts.invalid(now));
            } else if (i % 11 == 0) {
                pool.record(k, MODEL, Verdicts.suspended(now));
            } else if (i % 13 == 0) {
                pool.record(k, MODEL, Verdicts.disabled(now));
            } else if (i % 5 == 0) {
                pool.record(k, MODEL, Verdicts.coolUntil(now + 60_000, now));
            } else {
                eligible[i] = true;
                eligibleCount++;
            }
            if (i % 3 == 0) {
                // a cool-down for another model must not take the key out of rotation for this one
                pool.record(k, "gemini-2.5-pro", Verdicts.coolUntil(now + 60_000, now));
            }
        }
        assertThat(eligibleCount).isBetween(KEYS / 3, KEYS - 1);

        ConcurrentPicks picks = ConcurrentPicks.run(pool, MODEL, THREADS, ROUNDS * eligibleCount / THREADS);

        assertThat(picks.nulls).hasValue(0);
        assertThat(picks.total()).isEqualTo(ROUNDS * eligibleCount);
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            int used = picks.count(i);
            if (!eligible[i] && used > 0) {
                wrong.add("ineligible key " + i + " (" + keys.get(i).state() + ") picked " + used + " times");
            } else if (eligible[i] && Math.abs(used - ROUNDS) > 1) {
                wrong.add("eligible key " + i + " used " + used + " times");
            }
        }
        assertThat(wrong).isEmpty();
    }
}
