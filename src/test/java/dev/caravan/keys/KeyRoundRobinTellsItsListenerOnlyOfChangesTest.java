package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

/**
 * The storage hook: the pool tells its listener when a key's state, cool-downs or strikes change, and never when a
 * clean key succeeds, so the hot path stays free of it. Restoring saved state tells nobody.
 */
class KeyRoundRobinTellsItsListenerOnlyOfChangesTest {

    private final KeyRoundRobin pool = new KeyRoundRobin(List.of("a"), 2, () -> 1_000L);
    private final ApiKey a = pool.keys().get(0);
    private final List<String> told = new CopyOnWriteArrayList<>();

    {
        pool.listen(k -> told.add(k.fingerprint() + ":" + k.state() + ":" + k.strikes()));
    }

    private static Verdict verdict(Verdict.Kind kind, long until) {
        return new Verdict(kind, until, new Evidence(500, "X", null, 1_000L));
    }

    @Test
    void aSuccessOfACleanKeyTellsNobody() {
        for (int i = 0; i < 1000; i++) {
            pool.record(a, "m", new Verdict(Verdict.Kind.SUCCESS, 0, null));
        }
        pool.record(a, "m", verdict(Verdict.Kind.CLIENT_ERROR, 0));
        pool.record(a, "m", verdict(Verdict.Kind.CLIENT_GONE, 0));
        pool.record(a, "m", verdict(Verdict.Kind.BREAKER_OPEN, 0));

        assertThat(told).isEmpty();
    }

    @Test
    void everyChangeOfHealthIsTold() {
        String fp = a.fingerprint();
        pool.record(a, "m", verdict(Verdict.Kind.UPSTREAM_FAILURE, 0));
        pool.record(a, "m", new Verdict(Verdict.Kind.SUCCESS, 0, null));
        pool.record(a, "m", verdict(Verdict.Kind.QUOTA_COOLDOWN, 5_000L));
        pool.record(a, "m", verdict(Verdict.Kind.KEY_SUSPENDED, 0));
        pool.reset(a);
        pool.disable(a, new Evidence(0, "OPERATOR", null, 1_000L));

        assertThat(told).containsExactly(fp + ":ACTIVE:1", fp + ":ACTIVE:0", fp + ":ACTIVE:0", fp + ":SUSPENDED:0",
                fp + ":ACTIVE:0", fp + ":DISABLED:0");
        assertThat(a.manuallyDisabled()).isTrue();
    }

    @Test
    void restoringSavedStateTellsNobodyAndTakesEffect() {
        pool.restore(a, KeyState.INVALID, new Evidence(400, "API_KEY_INVALID", null, 1L), 1, false, java.util.Map.of());

        assertThat(told).isEmpty();
        assertThat(a.state()).isEqualTo(KeyState.INVALID);
        assertThat(pool.pick("m", null)).isNull();
    }
}
