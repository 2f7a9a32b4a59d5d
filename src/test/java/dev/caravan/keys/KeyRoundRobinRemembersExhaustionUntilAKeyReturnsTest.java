package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.caravan.keys.Verdict.Kind;
import dev.caravan.support.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * An exhausted pool answers "none" cheaply by remembering until when no key can serve the model; that memory must
 * never outlive the truth: time passing, a reset, new keys or a shorter cool-down end it.
 */
class KeyRoundRobinRemembersExhaustionUntilAKeyReturnsTest {

    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private final KeyRoundRobin pool = new KeyRoundRobin(List.of("k1", "k2", "k3"), 3, clock);
    private final List<ApiKey> keys = pool.keys();
    private final long t0 = clock.now();

    @Test
    void picksAgainOnceTheClockPassesTheEarliestCooldown() {
        pool.record(keys.get(0), "m", Verdicts.coolUntil(t0 + 3_000, t0));
        pool.record(keys.get(1), "m", Verdicts.coolUntil(t0 + 1_000, t0));
        pool.record(keys.get(2), "m", Verdicts.coolUntil(t0 + 2_000, t0));
        assertThat(pool.pick("m", null)).isNull();

        clock.set(t0 + 999);
        assertThat(pool.pick("m", null)).isNull();

        clock.set(t0 + 1_000);
        assertThat(pool.pick("m", null)).isSameAs(keys.get(1));
        assertThat(pool.pick("m", null)).as("only one key is back yet").isSameAs(keys.get(1));

        clock.set(t0 + 2_500);
        assertThat(List.of(pool.pick("m", null), pool.pick("m", null))).containsExactlyInAnyOrder(keys.get(1), keys.get(2));
    }

    @Test
    void keepsServingOtherModelsWhileOneIsExhausted() {
        for (ApiKey k : keys) {
            pool.record(k, "m", Verdicts.coolUntil(t0 + 60_000, t0));
        }
        assertThat(pool.pick("m", null)).isNull();

        assertThat(pool.pick("other", null)).isNotNull();
        assertThat(pool.pick("m", null)).isNull();
    }

    @Test
    void picksANewlyAddedKeyAtOnceWhenEveryOldKeyIsDead() {
        for (ApiKey k : keys) {
            pool.record(k, "m", Verdicts.invalid(t0));
        }
        assertThat(pool.pick("m", null)).isNull();

        List<ApiKey> added = pool.add(List.of("k4"));

        assertThat(pool.pick("m", null)).isSameAs(added.get(0));
    }

    @Test
    void picksAgainWhenALaterVerdictShortensTheCooldown() {
        // two requests were in flight on the same key: the first learns the daily quota is gone ...
        for (ApiKey k : keys) {
            pool.record(k, "m", Verdicts.coolUntil(t0 + 86_400_000, t0));
        }
        assertThat(pool.pick("m", null)).isNull();
        // ... then the second, older one reports mere throttling, which replaces the pause with a short one
        pool.record(keys.get(0), "m", new Verdict(Kind.THROTTLED, t0 + 5_000, new Evidence(429, "RESOURCE_EXHAUSTED", null, t0)));

        clock.set(t0 + 5_000);

        assertThat(pool.retryAfterMillis("m")).isZero();
        assertThat(pool.pick("m", null)).as("the pool must agree with its own Retry-After").isSameAs(keys.get(0));
    }
}
