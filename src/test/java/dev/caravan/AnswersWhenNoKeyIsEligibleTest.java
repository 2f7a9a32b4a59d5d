package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN §3, no eligible key: while every key cools the gateway answers 429 at once with Retry-After in whole
 * seconds until the first returns, and calls nobody; when every key is dead it answers 503.
 */
class AnswersWhenNoKeyIsEligibleTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void answers429WithRetryAfterUntilTheFirstKeyReturnsWithoutCallingGoogle() throws Exception {
        gateway.stub().answerFor("key-a", r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("20s")));
        gateway.stub().answerFor("key-b", r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("40s")));
        HttpResponse<String> exhausting = gateway.post(FLASH, Gateway.prompt("first"));
        assertThat(exhausting.statusCode()).isEqualTo(429);
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-a", "key-b");
        gateway.stub().reset();

        long start = System.nanoTime();
        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("second"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(res.statusCode()).isEqualTo(429);
        // it answers without waiting for a key to come back (the first returns in 20 s)
        assertThat(tookMs).isLessThan(5_000);
        // key-a is back in 20 s: whole seconds, rounded up
        assertThat(res.headers().firstValue("retry-after")).hasValueSatisfying(v -> assertThat(v).matches("\\d+"));
        assertThat(Integer.parseInt(res.headers().firstValue("retry-after").orElseThrow())).isBetween(19, 20);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(res.body()).startsWith("{\"error\":{\"code\":429,\"message\":\"")
                .endsWith("\",\"status\":\"RESOURCE_EXHAUSTED\"}}")
                .contains("gemini-2.5-flash");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void stillServesOtherModelsWhileOneModelIsExhausted() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("20s")));
        assertThat(gateway.post(FLASH, Gateway.prompt("first")).statusCode()).isEqualTo(429);
        gateway.stub().reset();

        HttpResponse<String> res = gateway.post("/v1beta/models/gemini-2.5-pro:generateContent", Gateway.prompt("pro"));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("hello"));
        assertThat(gateway.stub().received()).hasSize(1);
    }

    @Test
    void firstTooManyRequestsAlsoCarriesRetryAfter() throws Exception {
        gateway.stub().answerFor("key-a", r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("20s")));
        gateway.stub().answerFor("key-b", r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("40s")));

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("first"));

        assertThat(res.statusCode()).isEqualTo(429);
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-a", "key-b");
        // Google's own body reaches the client, with the pool's knowledge of when to come back
        assertThat(res.body()).isIn(GoogleBodies.quotaPerMinute("20s"), GoogleBodies.quotaPerMinute("40s"));
        assertThat(Integer.parseInt(res.headers().firstValue("retry-after").orElseThrow())).isBetween(19, 20);
    }

    @Test
    void answers503WhenEveryKeyIsInvalidWithoutCallingGoogle() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        gateway.post(FLASH, Gateway.prompt("first"));
        assertThat(gateway.key("key-a").state()).isEqualTo(KeyState.INVALID);
        assertThat(gateway.key("key-b").state()).isEqualTo(KeyState.INVALID);
        gateway.stub().reset();

        long start = System.nanoTime();
        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("second"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(res.statusCode()).isEqualTo(503);
        // nothing to wait for: no key will come back by itself (and Google is not called, below)
        assertThat(tookMs).isLessThan(5_000);
        assertThat(res.headers().firstValue("retry-after")).isEmpty();
        assertThat(res.body()).startsWith("{\"error\":{\"code\":503,\"message\":\"")
                .endsWith("\",\"status\":\"UNAVAILABLE\"}}");
        assertThat(gateway.stub().received()).isEmpty();
    }
}
