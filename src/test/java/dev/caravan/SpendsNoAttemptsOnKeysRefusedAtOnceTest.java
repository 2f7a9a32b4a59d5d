package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;

import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, "a client is not failed while capacity exists": keys that Google refuses at once (a quota 429, an invalid
 * or suspended key) do not spend the client's MAX_RETRIES while healthy keys remain untried; MAX_REJECTED_KEYS caps
 * the walk.
 */
class SpendsNoAttemptsOnKeysRefusedAtOnceTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b", "key-c", "key-d", "key-e", "key-f")
            .set("caravan.max-retries", "1").set("caravan.max-rejected-keys", "3").set("caravan.quota-wait-seconds", "0");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    private static void refusing(String... keys) {
        Set<String> refused = Set.of(keys);
        gateway.stub().answer(r -> {
            if (!refused.contains(r.key())) {
                return new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key()));
            }
            return switch (r.key()) {
                case "key-a", "key-d" -> new StubGemini.Json(400, GoogleBodies.keyInvalid());
                case "key-b", "key-e" -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("50s"));
                default -> new StubGemini.Json(403, GoogleBodies.forbidden("CONSUMER_SUSPENDED"));
            };
        });
    }

    @Test
    void aRequestWithOneAttemptReachesAHealthyKeyPastThreeThatRefuse() throws Exception {
        refusing("key-a", "key-b", "key-c");

        for (int i = 0; i < 6; i++) {
            HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello " + i));
            assertThat(res.statusCode()).as("request %d", i).isEqualTo(200);
            List<String> seen = gateway.stub().keysSeen();
            assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("from " + seen.get(seen.size() - 1)));
        }

        // each refusing key was tried once and then known: invalid, cooling, suspended
        assertThat(gateway.stub().keysSeen()).filteredOn(k -> Set.of("key-a", "key-b", "key-c").contains(k))
                .hasSize(3).doesNotHaveDuplicates();
        assertThat(gateway.key("key-a").state()).isEqualTo(KeyState.INVALID);
        assertThat(gateway.key("key-b").cooldowns()).containsKey("gemini-2.5-flash");
        assertThat(gateway.key("key-c").state()).isEqualTo(KeyState.SUSPENDED);
    }

    @Test
    void stopsOnceMaxRejectedKeysRefusedAndTheAttemptsAreSpent() throws Exception {
        refusing("key-a", "key-b", "key-c", "key-d", "key-e", "key-f");

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));

        // three refusals are free, the fourth spends the one attempt of MAX_RETRIES=1
        assertThat(gateway.stub().keysSeen()).hasSize(4).doesNotHaveDuplicates();
        assertThat(res.statusCode()).isIn(429, 503);
    }

    @Test
    void aFailureOfGoogleItselfStillSpendsTheAttempt() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(503, GoogleBodies.unavailable()));

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));

        assertThat(gateway.stub().keysSeen()).hasSize(1);
        assertThat(res.statusCode()).isEqualTo(503);
    }
}
