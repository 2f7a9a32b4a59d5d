package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.caravan.support.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * What a key keeps per model is bounded, whatever the number of models it is asked for: its use per model (past
 * {@link ApiKey#MAX_USAGE_MODELS} names, the rest count as "other") and its cool-downs (past
 * {@link ApiKey#MAX_COOLDOWN_MODELS}, ended ones go first, then the one ending soonest; the newest always stays).
 */
class KeyRoundRobinBoundsPerModelStateTest {

    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private final KeyRoundRobin pool = new KeyRoundRobin(List.of("key-a"), 3, clock);
    private final ApiKey a = pool.keys().get(0);

    @Test
    void countsUseForAtMostSoManyModelsAndTheRestAsOther() {
        for (int i = 0; i < 500; i++) {
            assertThat(pool.pick("model-" + i, null)).isSameAs(a);
        }

        var usage = a.usageOn(pool.today());
        assertThat(usage).hasSize(ApiKey.MAX_USAGE_MODELS + 1).containsEntry("model-0", 1L)
                .containsEntry("other", 500L - ApiKey.MAX_USAGE_MODELS);
        assertThat(usage.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(500L);
    }

    @Test
    void countsUseUnderThePoolsLabel() {
        pool.countUseAs(m -> m.startsWith("known-") ? m : "other");

        pool.pick("known-model", null);
        pool.pick("invented-1", null);
        pool.pick("invented-2", null);
        pool.pick(null, null);

        assertThat(a.usageOn(pool.today())).containsOnly(java.util.Map.entry("known-model", 1L),
                java.util.Map.entry("other", 2L), java.util.Map.entry("", 1L));
    }

    @Test
    void keepsAtMostSoManyCooldownsAndAlwaysTheNewest() {
        for (int i = 0; i < 500; i++) {
            // each later model cools for longer, so the one ending soonest is the oldest
            pool.record(a, "model-" + i, Verdicts.coolUntil(clock.now() + 60_000 + i, clock.now()));
        }

        assertThat(a.cooldowns()).hasSize(ApiKey.MAX_COOLDOWN_MODELS).containsKey("model-499")
                .doesNotContainKey("model-0");
        assertThat(pool.pick("model-499", null)).isNull();
    }

    @Test
    void dropsEndedCooldownsBeforeLiveOnes() {
        pool.record(a, "long", Verdicts.coolUntil(clock.now() + 3_600_000, clock.now()));
        for (int i = 0; i < ApiKey.MAX_COOLDOWN_MODELS - 1; i++) {
            pool.record(a, "short-" + i, Verdicts.coolUntil(clock.now() + 1_000, clock.now()));
        }
        clock.set(clock.now() + 2_000);

        pool.record(a, "new", Verdicts.coolUntil(clock.now() + 60_000, clock.now()));

        assertThat(a.cooldowns()).containsOnlyKeys("long", "new");
    }
}
