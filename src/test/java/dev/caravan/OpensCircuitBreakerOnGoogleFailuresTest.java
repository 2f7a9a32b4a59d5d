package dev.caravan;

import static dev.caravan.support.GoogleEnvelope.assertGoogleError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN §1 and §7, circuit breaker: it guards Google as a whole. Quota answers do not count; once enough 5xx
 * answers fail in its window it opens, and requests get a fast 503 in Google's envelope without reaching Google
 * and without blaming any key. The breaker stays open for the whole class (60 s), so the story is one test.
 */
class OpensCircuitBreakerOnGoogleFailuresTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b")
            .set("caravan.max-failures", "100")
            // each throttled request ends at once rather than waiting the short pause out (QUOTA_WAIT_SECONDS)
            .set("caravan.quota-wait-seconds", "0")
            .smallCircuitBreaker();

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void opensAfterEnough5xxAndAnswersFast503WithoutCallingGoogle() throws Exception {
        // quota answers are the keys' business, not Google failing: 3 requests x 2 keys of 429 keep it closed
        gateway.stub().answer(r -> new StubGemini.Json(429, GoogleBodies.throttled()));
        for (int i = 0; i < 3; i++) {
            gateway.pool().keys().forEach(k -> gateway.pool().reset(k));
            assertThat(gateway.post(FLASH, Gateway.prompt("quota " + i)).statusCode()).isEqualTo(429);
        }
        assertThat(gateway.stub().received()).hasSize(6);
        gateway.pool().keys().forEach(k -> gateway.pool().reset(k));
        gateway.stub().reset();

        // one request failing on both keys: 2 failures in the last 4 calls reach the 50 % threshold
        gateway.stub().answer(r -> new StubGemini.Json(503, GoogleBodies.unavailable()));
        HttpResponse<String> failing = gateway.post(FLASH, Gateway.prompt("failing"));
        assertThat(failing.statusCode()).isEqualTo(503);
        assertThat(failing.body()).isEqualTo(GoogleBodies.unavailable());
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-a", "key-b");
        assertThat(gateway.key("key-a").strikes()).isEqualTo(1);
        assertThat(gateway.key("key-b").strikes()).isEqualTo(1);
        gateway.stub().reset();
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("would be fine")));

        long start = System.nanoTime();
        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("while open"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        String message = assertGoogleError(res, 503, "UNAVAILABLE");
        assertThat(message).containsIgnoringCase("circuit breaker");
        // no wait for Google (TIME_OUT is 300 s here): the breaker answers by itself
        assertThat(tookMs).isLessThan(5_000);
        assertThat(gateway.stub().received()).isEmpty();
        // Google failing as a whole is no key's fault
        assertThat(gateway.key("key-a").strikes()).isEqualTo(1);
        assertThat(gateway.key("key-b").strikes()).isEqualTo(1);
        assertThat(gateway.key("key-a").state()).isEqualTo(KeyState.ACTIVE);
        assertThat(gateway.key("key-b").state()).isEqualTo(KeyState.ACTIVE);

        // every surface call goes through the same breaker
        HttpResponse<String> list = gateway.get("/v1beta/models");
        assertGoogleError(list, 503, "UNAVAILABLE");
        assertThat(gateway.stub().received()).isEmpty();
    }
}
