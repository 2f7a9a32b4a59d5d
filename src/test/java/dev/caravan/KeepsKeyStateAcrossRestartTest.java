package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import dev.caravan.keys.ApiKey;
import dev.caravan.keys.Evidence;
import dev.caravan.keys.KeyState;
import dev.caravan.keys.Verdict;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 5, key state: after a restart (the real main, twice, on the same SQLite file) an invalid key stays out of
 * rotation, a cooling key stays cooling until its deadline, strikes and an operator's disable are kept, and a key
 * that was reset has no row left.
 */
class KeepsKeyStateAcrossRestartTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-invalid", "key-cooling", "key-struck", "key-manual", "key-good")
            .set("caravan.max-failures", "10").set("caravan.max-retries", "5");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void restoresInvalidCoolingStruckAndDisabledKeysAfterARestart() throws Exception {
        StubGemini stub = gateway.stub();
        stub.answerFor("key-invalid", r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        stub.answerFor("key-cooling", r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("600s")));
        stub.answerFor("key-struck", r -> new StubGemini.Json(503, "{\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\"}}"));
        // enough requests for round robin to try every key at least once
        for (int i = 0; i < 5; i++) {
            gateway.post(FLASH, Gateway.prompt("q" + i));
        }
        gateway.pool().disable(gateway.key("key-manual"), new Evidence(0, "OPERATOR", null, System.currentTimeMillis()));
        assertThat(gateway.key("key-invalid").state()).isEqualTo(KeyState.INVALID);
        int strikes = gateway.key("key-struck").strikes();
        assertThat(strikes).isPositive();
        long coolingUntil = gateway.key("key-cooling").cooldowns().get("gemini-2.5-flash").untilMillis();
        Rows.Db db = gateway::openDatabase;
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "key_state") == 4);

        gateway.restart();

        ApiKey invalid = gateway.key("key-invalid");
        assertThat(invalid.state()).isEqualTo(KeyState.INVALID);
        assertThat(invalid.evidence().status()).isEqualTo(400);
        assertThat(invalid.evidence().reason()).isEqualTo("API_KEY_INVALID");
        ApiKey.Cooldown cooling = gateway.key("key-cooling").cooldowns().get("gemini-2.5-flash");
        assertThat(cooling).isNotNull();
        assertThat(cooling.untilMillis()).isEqualTo(coolingUntil);
        assertThat(cooling.kind()).isEqualTo(Verdict.Kind.QUOTA_COOLDOWN);
        assertThat(cooling.evidence().quotaId()).isEqualTo("GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
        assertThat(gateway.key("key-struck").strikes()).isEqualTo(strikes);
        assertThat(gateway.key("key-manual").state()).isEqualTo(KeyState.DISABLED);
        assertThat(gateway.key("key-manual").manuallyDisabled()).isTrue();
        assertThat(gateway.key("key-good").state()).isEqualTo(KeyState.ACTIVE);

        // in rotation after the restart: only the healthy keys, and the cooling one not for the model it cools for
        stub.reset();
        for (int i = 0; i < 6; i++) {
            assertThat(gateway.post(FLASH, Gateway.prompt("after " + i)).statusCode()).isEqualTo(200);
        }
        assertThat(stub.keysSeen()).containsOnly("key-struck", "key-good");
        stub.reset();
        gateway.post("/v1beta/models/gemini-2.5-pro:generateContent", Gateway.prompt("pro"));
        gateway.post("/v1beta/models/gemini-2.5-pro:generateContent", Gateway.prompt("pro"));
        gateway.post("/v1beta/models/gemini-2.5-pro:generateContent", Gateway.prompt("pro"));
        assertThat(stub.keysSeen()).contains("key-cooling").doesNotContain("key-invalid", "key-manual");

        // the success of key-struck cleared its strikes, which leaves it nothing to keep
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.query(db,
                "SELECT * FROM key_state WHERE key_fingerprint = ?", gateway.fingerprint("key-struck")).isEmpty());
        Map<String, Object> row = Rows.query(db, "SELECT * FROM key_state WHERE key_fingerprint = ?",
                gateway.fingerprint("key-invalid")).get(0);
        assertThat(row).containsEntry("state", "INVALID").containsEntry("reason", "API_KEY_INVALID");
        assertThat(Rows.everything(db)).doesNotContain("key-invalid").doesNotContain("key-good").doesNotContain("key-cooling");
    }
}
