package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.caravan.support.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * When no key can be picked, the pool says how long until the first cooling key for the model returns (the
 * client's Retry-After), or -1 when waiting will not help because no key is usable at all.
 */
class KeyRoundRobinTellsWhenAKeyReturnsTest {

    private final ManualClock clock = new ManualClock(1_700_000_000_000L);

    @Test
    void givesMillisUntilTheFirstCoolingKeyReturnsWhenAllKeysCool() {
        KeyRoundRobin pool = new KeyRoundRobin(List.of("k1", "k2", "k3"), 3, clock);
        long now = clock.now();
        List<ApiKey> keys = pool.keys();
        pool.record(keys.get(0), "m", Verdicts.coolUntil(now + 5_000, now));
        pool.record(keys.get(1), "m", Verdicts.coolUntil(now + 2_000, now));
        pool.record(keys.get(2), "m", Verdicts.coolUntil(now + 9_000, now));

        assertThat(pool.pick("m", null)).isNull();
        assertThat(pool.retryAfterMillis("m")).isEqualTo(2_000);

        clock.advance(500);
        assertThat(pool.retryAfterMillis("m")).isEqualTo(1_500);
    }

    @Test
    void ignoresDeadKeysWhenTellingWhenACoolingOneReturns() {
        KeyRoundRobin pool = new KeyRoundRobin(List.of("k1", "k2"), 3, clock);
        long now = clock.now();
        pool.record(pool.keys().get(0), "m", Verdicts.invalid(now));
        pool.record(pool.keys().get(1), "m", Verdicts.coolUntil(now + 3_000, now));

        assertThat(pool.pick("m", null)).isNull();
        assertThat(pool.retryAfterMillis("m")).isEqualTo(3_000);
    }

    @Test
    void givesZeroForAModelThatAKeyCanServeNow() {
        KeyRoundRobin pool = new KeyRoundRobin(List.of("k1"), 3, clock);
        pool.record(pool.keys().get(0), "m", Verdicts.coolUntil(clock.now() + 3_000, clock.now()));

        assertThat(pool.retryAfterMillis("other")).isZero();
        assertThat(pool.pick("other", null)).isNotNull();
    }

    @Test
    void givesMinusOneWhenEveryKeyIsDead() {
        KeyRoundRobin pool = new KeyRoundRobin(List.of("k1", "k2", "k3"), 3, clock);
        long now = clock.now();
        pool.record(pool.keys().get(0), "m", Verdicts.invalid(now));
        pool.record(pool.keys().get(1), "m", Verdicts.suspended(now));
        pool.record(pool.keys().get(2), "m", Verdicts.disabled(now));

        assertThat(pool.pick("m", null)).isNull();
        assertThat(pool.retryAfterMillis("m")).isEqualTo(-1);
        assertThat(pool.usable()).isZero();
    }

    @Test
    void givesMinusOneForAnEmptyPool() {
        KeyRoundRobin pool = new KeyRoundRobin(List.of(), 3, clock);

        assertThat(pool.pick("m", null)).isNull();
        assertThat(pool.pick(null, new TriedKeys())).isNull();
        assertThat(pool.retryAfterMillis("m")).isEqualTo(-1);
        assertThat(pool.size()).isZero();
    }
}
