package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, calls to keys known cooling: a 429 that Google wrote before another one, but that the gateway reads after
 * it (a slow answer, a loaded gateway), is older news. Its shorter pause must not replace the later refusal's, else the
 * key goes back into rotation while Google still refuses it, and the next call is one to a key Caravan knew was
 * cooling.
 */
class KeepsALaterRefusalWhenAnEarlierAnswerIsReadLateTest {

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a@proj-a").set("caravan.quota-wait-seconds", "0");

    @Test
    void theAnswerOfAnEarlierCallReadLateDoesNotShortenTheKeysPause() throws Exception {
        gateway.stub().answer(r -> r.bodyText().contains("slow")
                // sent first, answered last: "retry in 0.5 s" was true when Google wrote it
                ? new StubGemini.Delayed(Duration.ofMillis(1_500), new StubGemini.Json(429, GoogleBodies.quotaPerMinute("0.5s")))
                : new StubGemini.Json(429, GoogleBodies.quotaPerMinute("30s")));
        CompletableFuture<HttpResponse<String>> slow = gateway.http().sendAsync(HttpRequest.newBuilder(
                        URI.create(gateway.url(FLASH))).header("x-goog-api-key", Gateway.TOKEN)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("slow"))).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.stub().received().size() == 1);

        // a later call on the same key is refused for 30 s, and read first
        assertThat(gateway.post(FLASH, Gateway.prompt("fast")).statusCode()).isEqualTo(429);
        assertThat(gateway.pool().retryAfterMillis("gemini-2.5-flash")).isGreaterThan(25_000);

        // then the earlier call's answer is read: the key stays out for the later refusal's 30 s
        assertThat(slow.get().statusCode()).isEqualTo(429);
        assertThat(gateway.pool().retryAfterMillis("gemini-2.5-flash")).isGreaterThan(25_000);
        assertThat(gateway.post(FLASH, Gateway.prompt("after")).statusCode()).isEqualTo(429);
        assertThat(gateway.stub().received()).as("Google was not asked again").hasSize(2);
    }
}
