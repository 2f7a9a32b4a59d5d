package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.caravan.keys.Verdict.Kind;
import dev.caravan.support.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client's own mistake, a client that went away, or an open breaker say nothing about the key. */
class KeyRoundRobinIgnoresVerdictsThatAreNotTheKeysFaultTest {

    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private final KeyRoundRobin pool = new KeyRoundRobin(List.of("only-key"), 3, clock);
    private final ApiKey key = pool.keys().get(0);

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"CLIENT_ERROR", "CLIENT_GONE", "BREAKER_OPEN", "NOT_SENT", "CUT_AT_SHUTDOWN"})
    void leavesKeyStateStrikesAndCooldownsAloneWhenTheVerdictIs(Kind kind) {
        pool.record(key, "m", Verdicts.upstreamFailure(clock.now()));
        Evidence before = key.evidence();

        for (int i = 0; i < 5; i++) {
            // an until in the future and evidence, which a careless pool might apply as a cool-down
            pool.record(key, "m", new Verdict(kind, clock.now() + 60_000, new Evidence(400, "INVALID_ARGUMENT", null, clock.now())));
        }

        assertThat(key.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(key.strikes()).as("neither a strike nor a clean slate").isEqualTo(1);
        assertThat(key.cooldowns()).isEmpty();
        assertThat(key.evidence()).isEqualTo(before);
        assertThat(pool.pick("m", null)).isSameAs(key);
    }
}
