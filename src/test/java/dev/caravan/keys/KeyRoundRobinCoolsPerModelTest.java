package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import dev.caravan.support.ManualClock;
import org.junit.jupiter.api.Test;

/** A quota cool-down belongs to one (key, model) pair: the key keeps serving other models, and comes back on time. */
class KeyRoundRobinCoolsPerModelTest {

    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private final KeyRoundRobin pool = new KeyRoundRobin(List.of("key-a", "key-b", "key-c"), 3, clock);
    private final ApiKey a = pool.keys().get(0);

    @Test
    void skipsKeyForTheModelItCoolsFor() {
        pool.record(a, "model-a", Verdicts.coolUntil(clock.now() + 30_000, clock.now()));

        assertThat(pickSecrets("model-a", 6)).containsExactly("key-b", "key-c", "key-b", "key-c", "key-b", "key-c");
    }

    @Test
    void stillPicksKeyForAnotherModelWhileItCoolsForOne() {
        pool.record(a, "model-a", Verdicts.coolUntil(clock.now() + 30_000, clock.now()));

        assertThat(pickSecrets("model-b", 3)).containsExactly("key-a", "key-b", "key-c");
        assertThat(a.state()).isEqualTo(KeyState.ACTIVE);
    }

    @Test
    void bringsKeyBackForTheModelWhenTheClockReachesTheCooldownEnd() {
        long until = clock.now() + 30_000;
        pool.record(a, "model-a", Verdicts.coolUntil(until, clock.now()));

        clock.set(until - 1);
        assertThat(pickSecrets("model-a", 4)).doesNotContain("key-a");

        clock.set(until);
        assertThat(pickSecrets("model-a", 3)).containsExactlyInAnyOrder("key-a", "key-b", "key-c");
    }

    @Test
    void keepsTheEvidenceOfTheCooldownForOperators() {
        Verdict v = Verdicts.coolUntil(clock.now() + 30_000, clock.now());
        pool.record(a, "model-a", v);

        assertThat(a.cooldowns()).containsOnlyKeys("model-a");
        ApiKey.Cooldown c = a.cooldowns().get("model-a");
        assertThat(c.untilMillis()).isEqualTo(v.untilMillis());
        assertThat(c.kind()).isEqualTo(Verdict.Kind.QUOTA_COOLDOWN);
        assertThat(c.evidence()).isEqualTo(v.evidence());
        assertThat(a.evidence()).isEqualTo(v.evidence());
    }

    private List<String> pickSecrets(String model, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ApiKey k = pool.pick(model, null);
            out.add(k == null ? null : k.secret());
        }
        return out;
    }
}
