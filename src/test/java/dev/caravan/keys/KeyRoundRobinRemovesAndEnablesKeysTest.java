package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * The operator's pool operations: a removed key is never picked again; enable brings back only a key an operator
 * disabled (Google's verdicts need a reset); the per-(key, model) use of Google's day counts picks and starts from
 * zero at Pacific midnight.
 */
class KeyRoundRobinRemovesAndEnablesKeysTest {

    /** 2026-03-10 12:00 in Los Angeles (PDT, UTC-7). */
    private static final long NOON_PACIFIC = 1_773_169_200_000L;

    private final AtomicLong now = new AtomicLong(NOON_PACIFIC);
    private final KeyRoundRobin pool = new KeyRoundRobin(List.of("k1", "k2", "k3"), 3, now::get);
    private final List<ApiKey> told = new ArrayList<>();

    @Test
    void aRemovedKeyIsNeverPickedAgain() {
        ApiKey k2 = pool.keys().get(1);

        List<ApiKey> removed = pool.remove(List.of(k2, new KeyRoundRobin(List.of("other"), 3).keys().get(0)));

        assertThat(removed).containsExactly(k2);
        assertThat(pool.keys()).extracting(ApiKey::secret).containsExactly("k1", "k3");
        for (int i = 0; i < 20; i++) {
            assertThat(pool.pick("m", null)).isNotSameAs(k2);
        }
        assertThat(pool.remove(List.of(k2))).isEmpty();
        assertThat(pool.byFingerprint(k2.fingerprint())).isNull();
    }

    @Test
    void enableClearsOnlyAnOperatorsDisable() {
        pool.listen(told::add);
        ApiKey k1 = pool.keys().get(0);
        ApiKey k2 = pool.keys().get(1);
        pool.disable(k1, new Evidence(0, "OPERATOR_DISABLED", null, 1));
        pool.record(k2, "m", Verdicts.invalid(1));

        assertThat(pool.enable(k1, new Evidence(0, "OPERATOR_ENABLED", null, 2))).isTrue();
        assertThat(pool.enable(k2, new Evidence(0, "OPERATOR_ENABLED", null, 2))).isFalse();

        assertThat(k1.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(k1.manuallyDisabled()).isFalse();
        assertThat(k1.evidence().reason()).isEqualTo("OPERATOR_ENABLED");
        assertThat(k2.state()).isEqualTo(KeyState.INVALID);
        assertThat(told).containsExactly(k1, k2, k1);
    }

    @Test
    void countsTodaysUsePerModelUntilPacificMidnight() {
        ApiKey k1 = pool.keys().get(0);
        for (int i = 0; i < 6; i++) {
            pool.pick("gemini-2.5-flash", null);
        }
        pool.pick(null, null);
        pool.pick(null, null);
        pool.pick(null, null);

        assertThat(k1.usageOn(pool.today())).containsEntry("gemini-2.5-flash", 2L).containsEntry("", 1L);

        now.set(NOON_PACIFIC + 12 * 3_600_000L);
        long tomorrow = pool.today();
        assertThat(k1.usageOn(tomorrow)).isEmpty();
        pool.pick("gemini-2.5-pro", null);
        assertThat(k1.usageOn(tomorrow)).containsExactly(java.util.Map.entry("gemini-2.5-pro", 1L));
    }
}
