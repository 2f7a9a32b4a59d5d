package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.caravan.support.ManualClock;
import org.junit.jupiter.api.Test;

/** A request's retries go to keys it has not tried; when none is left the pool says so instead of repeating one. */
class KeyRoundRobinNeverReusesTriedKeysTest {

    private final ManualClock clock = new ManualClock(1_700_000_000_000L);

    @Test
    void triesEveryKeyOnceBeforeAnsweringNoneLeft() {
        KeyRoundRobin pool = new KeyRoundRobin(List.of("k1", "k2", "k3", "k4", "k5"), 3, clock);
        TriedKeys tried = new TriedKeys();
        Set<ApiKey> seen = new HashSet<>();

        for (int attempt = 0; attempt < 5; attempt++) {
            ApiKey k = pool.pick("m", tried);
            assertThat(k).isNotNull();
            assertThat(seen.add(k)).as("key %s picked twice for one request", k.secret()).isTrue();
            tried.add(k);
        }

        assertThat(pool.pick("m", tried)).isNull();
        assertThat(tried.size()).isEqualTo(5);
    }

    @Test
    void skipsTheTriedKeyEvenWhenTheCursorLandsOnIt() {
        KeyRoundRobin pool = new KeyRoundRobin(List.of("k1", "k2"), 3, clock);
        TriedKeys tried = new TriedKeys();
        ApiKey first = pool.pick("m", tried);
        tried.add(first);
        // another request takes the second key, so the cursor comes back round to the first
        ApiKey other = pool.pick("m", null);
        assertThat(other).isNotSameAs(first);

        ApiKey retry = pool.pick("m", tried);

        assertThat(retry).isSameAs(other);
    }

    @Test
    void answersNoneWhenEveryUntriedKeyIsDeadOrCooling() {
        KeyRoundRobin pool = new KeyRoundRobin(List.of("k1", "k2", "k3", "k4"), 3, clock);
        List<ApiKey> keys = pool.keys();
        TriedKeys tried = new TriedKeys();
        tried.add(keys.get(0));
        tried.add(keys.get(3));
        pool.record(keys.get(1), "m", Verdicts.invalid(clock.now()));
        pool.record(keys.get(2), "m", Verdicts.coolUntil(clock.now() + 10_000, clock.now()));

        assertThat(pool.pick("m", tried)).isNull();
    }

    @Test
    void stillServesOtherRequestsAfterOneRanOutOfUntriedKeys() {
        KeyRoundRobin pool = new KeyRoundRobin(List.of("k1", "k2"), 3, clock);
        TriedKeys tried = new TriedKeys();
        tried.add(pool.keys().get(0));
        tried.add(pool.keys().get(1));
        assertThat(pool.pick("m", tried)).isNull();

        // one request having tried everything says nothing about the pool: no "exhausted" answer may stick
        assertThat(pool.pick("m", new TriedKeys())).isNotNull();
        assertThat(pool.pick("m", null)).isNotNull();
    }

    @Test
    void remembersMoreKeysThanItsInitialCapacity() {
        KeyRoundRobin pool = new KeyRoundRobin(Verdicts.secrets(9), 3, clock);
        TriedKeys tried = new TriedKeys();
        for (ApiKey k : pool.keys()) {
            tried.add(k);
        }

        assertThat(tried.size()).isEqualTo(9);
        assertThat(pool.keys()).allSatisfy(k -> assertThat(tried.contains(k)).isTrue());
        assertThat(pool.pick("m", tried)).isNull();
    }
}
