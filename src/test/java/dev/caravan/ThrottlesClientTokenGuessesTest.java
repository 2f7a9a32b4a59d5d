package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.FromAddress;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 5: guessing client tokens is throttled like admin logins. After CLIENT_TOKEN_MAX_FAILURES (5 by
 * default) wrong tokens within a minute from one address, that address gets 429 with Retry-After in the caller's
 * dialect, even with a right token, and Google sees nothing; other addresses are served as before, and a request
 * without any token is no guess. Each test is a client at its own loopback address.
 */
class ThrottlesClientTokenGuessesTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODELS = "/v1beta/models";

    @Test
    void refusesTheSixthTryOfAnAddressEvenWithTheRightTokenInGooglesEnvelope() throws Exception {
        FromAddress guesser = FromAddress.of("127.0.0.21", gateway);
        for (int i = 0; i < 5; i++) {
            assertThat(guesser.get(MODELS, "x-goog-api-key", "guess-" + i).status()).isEqualTo(401);
        }

        FromAddress.Answer right = guesser.get(MODELS, "x-goog-api-key", Gateway.TOKEN);

        assertThat(right.status()).isEqualTo(429);
        assertThat(Long.parseLong(right.header("retry-after"))).isBetween(1L, 60L);
        JsonNode error = JSON.readTree(right.body()).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(429);
        assertThat(error.path("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(error.path("message").asText()).contains("Too many wrong client tokens").doesNotContain(Gateway.TOKEN);
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void refusesInOpenAisEnvelopeOnTheOpenAiSurface() throws Exception {
        FromAddress guesser = FromAddress.of("127.0.0.22", gateway);
        for (int i = 0; i < 5; i++) {
            assertThat(guesser.get("/v1/models", "Authorization", "Bearer guess-" + i).status()).isEqualTo(401);
        }

        FromAddress.Answer right = guesser.post("/v1/chat/completions", "application/json",
                "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", "Bearer " + Gateway.TOKEN);

        assertThat(right.status()).isEqualTo(429);
        assertThat(Long.parseLong(right.header("retry-after"))).isBetween(1L, 60L);
        JsonNode error = JSON.readTree(right.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("message").asText()).contains("Too many wrong client tokens");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void servesOtherAddressesWhileOneIsRefused() throws Exception {
        FromAddress guesser = FromAddress.of("127.0.0.23", gateway);
        for (int i = 0; i < 6; i++) {
            guesser.get(MODELS, "x-goog-api-key", "guess-" + i);
        }
        assertThat(guesser.get(MODELS, "x-goog-api-key", Gateway.TOKEN).status()).isEqualTo(429);
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.models()));

        FromAddress.Answer other = FromAddress.of("127.0.0.24", gateway).get(MODELS, "x-goog-api-key", Gateway.TOKEN);

        assertThat(other.status()).isEqualTo(200);
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(gateway.stub().received().get(0).key()).isEqualTo("pool-key-a");
    }

    @Test
    void countsNoGuessForARequestWithoutAToken() throws Exception {
        FromAddress forgetful = FromAddress.of("127.0.0.25", gateway);
        for (int i = 0; i < 10; i++) {
            assertThat(forgetful.get(MODELS).status()).isEqualTo(401);
        }
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.models()));

        FromAddress.Answer right = forgetful.get(MODELS, "x-goog-api-key", Gateway.TOKEN);

        assertThat(right.status()).isEqualTo(200);
        assertThat(gateway.stub().received()).hasSize(1);
    }

    @Test
    void keepsCountingAfterARightTokenSoAClientCannotGuessOthersTokensBetweenItsOwn() throws Exception {
        FromAddress client = FromAddress.of("127.0.0.26", gateway);
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.models()));
        for (int i = 0; i < 5; i++) {
            assertThat(client.get(MODELS, "x-goog-api-key", Gateway.TOKEN).status()).isEqualTo(200);
            assertThat(client.get(MODELS, "x-goog-api-key", "someone-elses-" + i).status()).isEqualTo(401);
        }

        assertThat(client.get(MODELS, "x-goog-api-key", Gateway.TOKEN).status()).isEqualTo(429);
        assertThat(gateway.stub().received()).hasSize(5);
    }
}
