package dev.caravan.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.Evidence;
import dev.caravan.keys.KeyFingerprint;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.KeyState;
import dev.caravan.keys.KeyStateListener;
import dev.caravan.keys.Verdict;
import dev.caravan.support.SharedRedis;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The merge rules of the shared key state (README "Scale out") between two pools in this JVM through the machine's
 * Redis: a replica applies what another sent without sending it back, a later deadline wins over an earlier one, a
 * reset ends the pauses learned before it, and changes made on both sides while Redis was away all survive the
 * catch-up.
 */
class ReplicasConvergeWithoutEchoesTest {

    @RegisterExtension
    static final SharedRedis redis = SharedRedis.relayed();

    private static final String FLASH = "gemini-2.5-flash";
    private static final List<String> KEYS = List.of("test-key-1", "test-key-2");

    private Vertx vertx;
    private SharedStore store;
    private KeyRoundRobin a;
    private KeyRoundRobin b;
    private SharedKeyState sa;
    private SharedKeyState sb;

    @BeforeEach
    void twoReplicas() {
        vertx = Vertx.vertx();
        store = SharedStore.connect(vertx, redis.url());
        KeyFingerprint names = KeyFingerprint.ephemeral();
        a = new KeyRoundRobin(KEYS, 3, System::currentTimeMillis, names);
        b = new KeyRoundRobin(KEYS, 3, System::currentTimeMillis, names);
        // each test its own hash and channel
        String prefix = redis.prefix() + System.nanoTime() + ":";
        ObjectMapper json = new ObjectMapper();
        sa = new SharedKeyState(store, vertx, a, "gemini", KeyStateListener.NONE, json, System::currentTimeMillis,
                fp -> null, prefix);
        sb = new SharedKeyState(store, vertx, b, "gemini", KeyStateListener.NONE, json, System::currentTimeMillis,
                fp -> null, prefix);
        a.listen(sa.start());
        b.listen(sb.start());
        await().atMost(Duration.ofSeconds(10)).until(() -> sa.connected() && sb.connected());
    }

    @AfterEach
    void stop() throws Exception {
        sa.close();
        sb.close();
        store.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
        redis.restore();
    }

    private static Verdict perDay(long until) {
        long now = System.currentTimeMillis();
        return new Verdict(Verdict.Kind.QUOTA_COOLDOWN, until, new Evidence(429, "RESOURCE_EXHAUSTED",
                "GenerateRequestsPerDayPerProjectPerModel-FreeTier", now));
    }

    private static ApiKey first(KeyRoundRobin pool) {
        return pool.keys().get(0);
    }

    @Test
    void aReplicaAppliesWhatAnotherSentWithoutSendingItBack() {
        long until = System.currentTimeMillis() + 3_600_000;
        a.record(first(a), FLASH, perDay(until));

        await().atMost(Duration.ofSeconds(1)).until(() -> first(b).cooldowns().containsKey(FLASH));
        // nothing comes back to A, however long one waits
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> sa.staleness().count() == 0);
        assertThat(sb.staleness().count()).isPositive();
        assertThat(first(b).cooldowns().get(FLASH).untilMillis()).isEqualTo(until);
        // B skips the key for that model, as A does
        assertThat(b.pick(FLASH, null)).isSameAs(b.keys().get(1));
        assertThat(b.pick(FLASH, null)).isSameAs(b.keys().get(1));
    }

    @Test
    void theLaterDeadlineWinsAndAResetEndsThePausesLearnedBeforeIt() throws Exception {
        long now = System.currentTimeMillis();
        a.record(first(a), FLASH, perDay(now + 3_600_000));
        await().atMost(Duration.ofSeconds(1)).until(() -> first(b).cooldowns().containsKey(FLASH));

        // B learns a shorter pause for the same model: it does not shorten A's
        b.record(first(b), FLASH, new Verdict(Verdict.Kind.QUOTA_COOLDOWN, now + 10_000,
                new Evidence(429, "RESOURCE_EXHAUSTED", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", now + 1)));
        await().atMost(Duration.ofSeconds(1)).until(() -> sa.staleness().count() >= 1);
        assertThat(first(a).cooldowns().get(FLASH).untilMillis()).isEqualTo(now + 3_600_000);

        // an operator's reset on B ends it everywhere
        b.reset(first(b));
        await().atMost(Duration.ofSeconds(1)).until(() -> first(a).cooldowns().isEmpty());
        assertThat(first(a).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(a.pick(FLASH, null)).isNotNull();
    }

    @Test
    void changesMadeOnBothSidesWhileRedisWasAwayAllSurviveTheCatchUp() throws Exception {
        redis.cut();
        await().atMost(Duration.ofSeconds(10)).until(() -> !sa.connected() && !sb.connected());
        long until = System.currentTimeMillis() + 3_600_000;
        // A: a per-day pause of key 1, and strikes that take key 2 out; then B: an operator disables key 2
        a.record(first(a), FLASH, perDay(until));
        for (int i = 0; i < 3; i++) {
            a.record(a.keys().get(1), FLASH, new Verdict(Verdict.Kind.UPSTREAM_FAILURE, 0,
                    new Evidence(503, "UNAVAILABLE", null, System.currentTimeMillis())));
        }
        assertThat(a.keys().get(1).state()).isEqualTo(KeyState.DISABLED);
        long struckOut = System.currentTimeMillis();
        await().until(() -> System.currentTimeMillis() > struckOut);
        b.disable(b.keys().get(1), new Evidence(0, "OPERATOR_DISABLED", null, System.currentTimeMillis()));

        redis.restore();
        await().atMost(Duration.ofSeconds(15)).until(() -> sa.connected() && sb.connected());

        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            for (KeyRoundRobin pool : List.of(a, b)) {
                assertThat(first(pool).cooldowns().get(FLASH)).isNotNull();
                assertThat(first(pool).cooldowns().get(FLASH).untilMillis()).isEqualTo(until);
                // the operator's word came later: it holds on both, whichever replica reconnected first
                assertThat(pool.keys().get(1).manuallyDisabled()).isTrue();
                assertThat(pool.keys().get(1).evidence().reason()).isEqualTo("OPERATOR_DISABLED");
                assertThat(pool.keys().get(1).strikes()).isEqualTo(3);
            }
        });
    }
}
