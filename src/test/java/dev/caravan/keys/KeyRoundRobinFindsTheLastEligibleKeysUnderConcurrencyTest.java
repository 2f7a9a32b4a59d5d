package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.RepeatedTest;

/**
 * When only one key is left in rotation, every pick must still find it while other threads move the shared
 * cursor past it: "no key" becomes a 429 for the client, so the pool may say it only when it is true.
 *
 * <p>A race: each repetition gives eight threads 160,000 picks to collide in; a pool that trusts one revolution
 * of the shared cursor answers "none" hundreds of times per repetition on two cores.
 */
class KeyRoundRobinFindsTheLastEligibleKeysUnderConcurrencyTest {

    private static final int KEYS = 16;
    private static final int SURVIVOR = 11;
    private static final int THREADS = 8;
    private static final int PICKS_PER_THREAD = 20_000;

    @RepeatedTest(3)
    void neverAnswersNoKeyWhileOneIsEligibleWhenThreadsRaceForIt() throws Exception {
        KeyRoundRobin pool = new KeyRoundRobin(Verdicts.secrets(KEYS), 3, () -> 1_000_000L);
        List<ApiKey> keys = pool.keys();
        for (int i = 0; i < KEYS; i++) {
            if (i != SURVIVOR) {
                pool.record(keys.get(i), "gemini-2.5-flash", Verdicts.invalid(1_000_000L));
            }
        }

        ConcurrentPicks picks = ConcurrentPicks.run(pool, "gemini-2.5-flash", THREADS, PICKS_PER_THREAD);

        assertThat(picks.nulls).as("picks that found no key although one was eligible").hasValue(0);
        assertThat(picks.count(SURVIVOR)).isEqualTo(THREADS * PICKS_PER_THREAD);
    }
}
