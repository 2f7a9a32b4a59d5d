package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Requests in flight finish after an operator acted: their verdicts come late. A key an operator disabled stays
 * disabled by the operator (with the operator's evidence) whatever Google then said of it, and a re-check that finds
 * it working does not put it back; a deleted key takes no verdict at all, so nothing about it is saved again; a key
 * that Google declared invalid keeps that verdict when late strikes pile up.
 */
class KeyRoundRobinLetsNoLateVerdictOverruleAnOperatorTest {

    private static final long NOW = 1_000_000L;
    private static final int MAX_FAILURES = 3;

    private final KeyRoundRobin pool = new KeyRoundRobin(List.of("k1", "k2"), MAX_FAILURES, () -> NOW);
    private final ApiKey k1 = pool.keys().get(0);
    private final ApiKey k2 = pool.keys().get(1);
    private final List<String> told = new ArrayList<>();

    {
        pool.listen(k -> told.add(k.secret() + ":" + k.state()));
    }

    private void everyLateVerdictOn(ApiKey k) {
        for (int i = 0; i < MAX_FAILURES; i++) {
            pool.record(k, "m", Verdicts.upstreamFailure(NOW));
        }
        pool.record(k, "m", Verdicts.coolUntil(NOW + 60_000, NOW));
        pool.record(k, "m", Verdicts.invalid(NOW));
        pool.record(k, "m", Verdicts.suspended(NOW));
        pool.record(k, "m", Verdicts.success());
    }

    @Test
    void aKeyAnOperatorDisabledStaysTheirsWhateverLateAnswersSay() {
        Evidence operator = new Evidence(0, "OPERATOR_DISABLED", null, NOW);
        pool.disable(k1, operator);

        everyLateVerdictOn(k1);

        assertThat(k1.state()).isEqualTo(KeyState.DISABLED);
        assertThat(k1.manuallyDisabled()).as("a scheduled re-check skips only an operator's disable").isTrue();
        assertThat(k1.evidence()).isEqualTo(operator);
        assertThat(k1.cooldowns()).isEmpty();
        assertThat(told).containsExactly("k1:DISABLED");
        assertThat(pool.recover(k1)).as("a re-check that finds it working").isFalse();
        assertThat(k1.manuallyDisabled()).isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(pool.pick("m", null)).isSameAs(k2);
        }

        assertThat(pool.enable(k1, new Evidence(0, "OPERATOR_ENABLED", null, NOW))).isTrue();
        assertThat(k1.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(k1.strikes()).isZero();
    }

    @Test
    void aDeletedKeyTakesNoVerdictAndIsNeverToldOfAgain() {
        pool.record(k1, "m", Verdicts.upstreamFailure(NOW));
        told.clear();
        assertThat(pool.remove(List.of(k1))).containsExactly(k1);

        everyLateVerdictOn(k1);
        pool.reset(k1);
        pool.disable(k1, new Evidence(0, "OPERATOR_DISABLED", null, NOW));

        assertThat(told).as("changes the storage layer would save").isEmpty();
        assertThat(k1.removed()).isTrue();
        assertThat(pool.recover(k1)).isFalse();
        assertThat(pool.enable(k1, new Evidence(0, "OPERATOR_ENABLED", null, NOW))).isFalse();
        for (int i = 0; i < 10; i++) {
            assertThat(pool.pick("m", null)).isSameAs(k2);
        }
        // the same secret added again is a new key with a clean record
        ApiKey again = pool.add(List.of("k1")).get(0);
        assertThat(again).isNotSameAs(k1);
        assertThat(again.removed()).isFalse();
        assertThat(again.strikes()).isZero();
    }

    @Test
    void lateStrikesLeaveGooglesOwnVerdictOnAKey() {
        pool.record(k1, "m", Verdicts.invalid(NOW));
        Evidence invalid = k1.evidence();

        for (int i = 0; i < MAX_FAILURES; i++) {
            pool.record(k1, "m", Verdicts.upstreamFailure(NOW));
        }

        assertThat(k1.state()).isEqualTo(KeyState.INVALID);
        assertThat(k1.evidence()).isEqualTo(invalid);
        assertThat(k1.strikes()).isEqualTo(MAX_FAILURES);
    }

    @Test
    void aReCheckPutsBackAKeyThatGoogleTookOut() {
        pool.record(k1, "m", Verdicts.invalid(NOW));
        for (int i = 0; i < MAX_FAILURES; i++) {
            pool.record(k2, "m", Verdicts.upstreamFailure(NOW));
        }
        assertThat(k2.state()).isEqualTo(KeyState.DISABLED);
        assertThat(pool.pick("m", null)).isNull();

        assertThat(pool.recover(k1)).isTrue();
        assertThat(pool.recover(k2)).isTrue();

        assertThat(k1.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(k2.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(k2.strikes()).isZero();
        assertThat(pool.pick("m", null)).isNotNull();
    }
}
