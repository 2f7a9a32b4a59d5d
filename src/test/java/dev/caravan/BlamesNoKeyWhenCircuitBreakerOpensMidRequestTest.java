package dev.caravan;

import static dev.caravan.support.GoogleEnvelope.assertGoogleError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import dev.caravan.keys.ApiKey;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN §3 and §7: when the circuit breaker opens between two attempts of one request, the attempts it refuses
 * blame no key (a strike is earned only by a call Google failed) and no further key is tried. The breaker stays
 * open for the whole class (60 s), so the story is one test.
 */
class BlamesNoKeyWhenCircuitBreakerOpensMidRequestTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b", "key-c", "key-d")
            .set("caravan.max-retries", "3")
            .set("caravan.max-failures", "100")
            .smallCircuitBreaker();

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void strikesOnlyTheKeysGoogleActuallyFailed() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(503, GoogleBodies.unavailable()));

        // three failed calls: one short of the breaker's minimum, so it is still closed
        HttpResponse<String> first = gateway.post(FLASH, Gateway.prompt("first"));
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.body()).isEqualTo(GoogleBodies.unavailable());
        assertThat(gateway.stub().keysSeen()).hasSize(3).doesNotHaveDuplicates();

        // the fourth failed call opens it in the middle of this request
        HttpResponse<String> second = gateway.post(FLASH, Gateway.prompt("second"));

        List<String> seen = gateway.stub().keysSeen();
        assertThat(seen).hasSize(4);
        assertGoogleError(second, 503, "UNAVAILABLE");
        for (ApiKey k : gateway.pool().keys()) {
            long calls = seen.stream().filter(k.secret()::equals).count();
            assertThat(k.strikes()).as("strikes of %s, called %d times", k.secret(), calls).isEqualTo((int) calls);
        }
        gateway.stub().reset();

        HttpResponse<String> third = gateway.post(FLASH, Gateway.prompt("third"));

        assertThat(assertGoogleError(third, 503, "UNAVAILABLE")).containsIgnoringCase("circuit breaker");
        assertThat(gateway.stub().received()).isEmpty();
        for (ApiKey k : gateway.pool().keys()) {
            long calls = seen.stream().filter(k.secret()::equals).count();
            assertThat(k.strikes()).as("strikes of %s", k.secret()).isEqualTo((int) calls);
        }
    }
}
