package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Keys added at runtime join the rotation; a key already in the pool is never added twice. */
class KeyRoundRobinAddsNewKeysTest {

    private final KeyRoundRobin pool = new KeyRoundRobin(List.of("k1", "k2"), 3, () -> 1_000L);

    @Test
    void putsNewKeysIntoRotation() {
        List<ApiKey> added = pool.add(List.of("k3", "k4"));

        assertThat(added).extracting(ApiKey::secret).containsExactly("k3", "k4");
        assertThat(pool.size()).isEqualTo(4);
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            picked.add(pool.pick("m", null).secret());
        }
        assertThat(picked).containsExactlyInAnyOrder("k1", "k2", "k3", "k4");
    }

    @Test
    void skipsKeysAlreadyInThePoolOrRepeatedInTheBatch() {
        ApiKey k1 = pool.keys().get(0);
        pool.record(k1, "m", Verdicts.invalid(1_000L));

        List<ApiKey> added = pool.add(List.of("k2", "k3", "k3", "k1"));

        assertThat(added).extracting(ApiKey::secret).containsExactly("k3");
        assertThat(pool.keys()).extracting(ApiKey::secret).containsExactly("k1", "k2", "k3");
        assertThat(pool.keys().get(0)).as("re-adding must not revive a dead key").isSameAs(k1);
        assertThat(k1.state()).isEqualTo(KeyState.INVALID);
    }

    @Test
    void dropsDuplicatesGivenAtConstruction() {
        KeyRoundRobin p = new KeyRoundRobin(List.of("a", "b", "a", "c", "b"), 3, () -> 1_000L);

        assertThat(p.keys()).extracting(ApiKey::secret).containsExactly("a", "b", "c");
    }

    @Test
    void findsAnAddedKeyByItsFingerprint() {
        ApiKey k3 = pool.add(List.of("k3")).get(0);

        assertThat(pool.byFingerprint(pool.fingerprints().of("k3"))).isSameAs(k3);
        assertThat(pool.byFingerprint(pool.fingerprints().of("absent"))).isNull();
    }
}
