package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.caravan.keys.Verdict.Kind;
import dev.caravan.support.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * Google-side failures are strikes: MAX_FAILURES in a row disable the key, a success wipes the slate, and an
 * operator's reset puts the key straight back into rotation.
 */
class KeyRoundRobinDisablesKeyAfterMaxFailuresTest {

    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private final KeyRoundRobin pool = new KeyRoundRobin(List.of("only-key"), 3, clock);
    private final ApiKey key = pool.keys().get(0);

    @Test
    void keepsKeyInRotationBelowMaxFailures() {
        pool.record(key, "m", Verdicts.upstreamFailure(clock.now()));
        pool.record(key, "m", Verdicts.upstreamFailure(clock.now()));

        assertThat(key.strikes()).isEqualTo(2);
        assertThat(key.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(pool.pick("m", null)).isSameAs(key);
    }

    @Test
    void disablesKeyWithTheFailuresEvidenceAtMaxFailures() {
        Verdict last = new Verdict(Kind.UPSTREAM_FAILURE, 0, new Evidence(504, "DEADLINE_EXCEEDED", null, clock.now()));
        pool.record(key, "m", Verdicts.upstreamFailure(clock.now()));
        pool.record(key, "m", Verdicts.upstreamFailure(clock.now()));
        pool.record(key, "m", last);

        assertThat(key.state()).isEqualTo(KeyState.DISABLED);
        assertThat(key.evidence()).isEqualTo(last.evidence());
        assertThat(pool.pick("m", null)).isNull();
        assertThat(pool.pick("another-model", null)).as("a disabled key serves no model").isNull();
        assertThat(pool.retryAfterMillis("m")).isEqualTo(-1);
    }

    @Test
    void countsBrokenStreamsAsStrikes() {
        for (int i = 0; i < 3; i++) {
            pool.record(key, "m", Verdicts.of(Kind.STREAM_BROKEN, 200, "STREAM_BROKEN", clock.now()));
        }

        assertThat(key.state()).isEqualTo(KeyState.DISABLED);
    }

    @Test
    void forgetsStrikesAfterASuccess() {
        pool.record(key, "m", Verdicts.upstreamFailure(clock.now()));
        pool.record(key, "m", Verdicts.upstreamFailure(clock.now()));
        pool.record(key, "m", Verdicts.success());
        assertThat(key.strikes()).isZero();

        pool.record(key, "m", Verdicts.upstreamFailure(clock.now()));
        pool.record(key, "m", Verdicts.upstreamFailure(clock.now()));

        assertThat(key.state()).as("4 failures, but never 3 in a row").isEqualTo(KeyState.ACTIVE);
        assertThat(pool.pick("m", null)).isSameAs(key);
    }

    @Test
    void doesNotStrikeKeyForQuotaOrThrottling() {
        for (int i = 0; i < 5; i++) {
            pool.record(key, "m", new Verdict(Kind.THROTTLED, clock.now() + 5_000, new Evidence(429, "RESOURCE_EXHAUSTED", null, clock.now())));
            pool.record(key, "m", Verdicts.coolUntil(clock.now() + 5_000, clock.now()));
        }

        assertThat(key.strikes()).isZero();
        assertThat(key.state()).isEqualTo(KeyState.ACTIVE);
    }

    @Test
    void usesANewMaxFailuresForLaterStrikes() {
        pool.setMaxFailures(1);

        pool.record(key, "m", Verdicts.upstreamFailure(clock.now()));

        assertThat(key.state()).isEqualTo(KeyState.DISABLED);
    }

    @Test
    void picksResetKeyImmediatelyAfterThePoolAnsweredExhausted() {
        for (int i = 0; i < 3; i++) {
            pool.record(key, "m", Verdicts.upstreamFailure(clock.now()));
        }
        pool.record(key, "m", Verdicts.coolUntil(clock.now() + 60_000, clock.now()));
        assertThat(pool.pick("m", null)).isNull();

        pool.reset(key);

        assertThat(key.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(key.strikes()).isZero();
        assertThat(key.evidence()).isNull();
        assertThat(key.cooldowns()).isEmpty();
        assertThat(pool.pick("m", null)).as("picked at once, with the clock unchanged").isSameAs(key);
    }

    @Test
    void bringsBackAnInvalidKeyOnReset() {
        pool.record(key, "m", Verdicts.invalid(clock.now()));
        assertThat(pool.pick("m", null)).isNull();

        pool.reset(key);

        assertThat(pool.pick("m", null)).isSameAs(key);
        assertThat(pool.usable()).isEqualTo(1);
    }
}
