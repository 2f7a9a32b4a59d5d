package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Over whole revolutions every key serves the same share, however many threads pick at once. */
class KeyRoundRobinSharesFairlyUnderConcurrencyTest {

    private static final int KEYS = 10_000;
    private static final int THREADS = 8;
    private static final int ROUNDS = 20;

    @Test
    void usesEveryKeyWithinOneOfTheMeanWhenEightThreadsPickTwentyRounds() throws Exception {
        KeyRoundRobin pool = new KeyRoundRobin(Verdicts.secrets(KEYS), 3, () -> 1_000_000L);

        ConcurrentPicks picks = ConcurrentPicks.run(pool, "gemini-2.5-flash", THREADS, ROUNDS * KEYS / THREADS);

        assertThat(picks.nulls).hasValue(0);
        assertThat(picks.total()).isEqualTo(ROUNDS * KEYS);
        List<String> unfair = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            int used = picks.count(i);
            if (Math.abs(used - ROUNDS) > 1) {
                unfair.add("key " + i + " used " + used + " times");
            }
        }
        assertThat(unfair).as("keys used more than one pick away from the mean of %d", ROUNDS).isEmpty();
    }
}
