package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.awaitility.Awaitility.await;

/**
 * Issue 14: when every key cools and the first comes back within QUOTA_WAIT_SECONDS (and the client's own deadline),
 * the request waits for it instead of failing, served fairly across client tokens; when nothing comes back soon, 429
 * with an accurate Retry-After at once.
 */
class WaitsForAKeyThatComesBackSoonTest {

    private static final String OTHER_TOKEN = "client-token-2";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b").set("caravan.quota-wait-seconds", "4")
            .set("caravan.allowed-tokens", "[\"" + Gateway.TOKEN + "\",\"" + OTHER_TOKEN + "\"]");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    /** The first {@code refusals} calls hit a per-minute quota with {@code retryDelay}; the rest answer. */
    private static void quotaFirst(int refusals, String retryDelay) {
        AtomicInteger n = new AtomicInteger();
        gateway.stub().answer(r -> n.getAndIncrement() < refusals
                ? new StubGemini.Json(429, GoogleBodies.quotaPerMinute(retryDelay))
                : new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
    }

    @Test
    void waitsForTheFirstKeyBackAndAnswersWithIt() throws Exception {
        quotaFirst(2, "1.2s");

        long start = System.nanoTime();
        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().keysSeen()).hasSize(3);
        // the key that came back first served it, once its 1.2 s were over (not sooner, not much later)
        assertThat(tookMs).isBetween(1_100L, 3_000L);
    }

    @Test
    void answers429AtOnceWithRetryAfterWhenNothingComesBackWithinTheWait() throws Exception {
        quotaFirst(2, "20s");
        assertThat(gateway.post(FLASH, Gateway.prompt("exhaust")).statusCode()).isEqualTo(429);
        gateway.stub().reset();

        long start = System.nanoTime();
        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("refused"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(res.statusCode()).isEqualTo(429);
        assertThat(res.headers().firstValue("retry-after")).hasValueSatisfying(
                v -> assertThat(Long.parseLong(v)).isBetween(19L, 20L));
        assertThat(tookMs).isLessThan(1_000L);
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void waitsNoLongerThanTheClientsOwnDeadline() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("ok")));
        coolEveryKeyFor(2_500);

        long start = System.nanoTime();
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(FLASH)))
                .header("x-goog-api-key", Gateway.TOKEN).header("content-type", "application/json")
                .header("X-Server-Timeout", "1")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("impatient"))));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        // the client gives up after 1 s, the first key returns after 2.5 s: no point waiting
        assertThat(res.statusCode()).isEqualTo(429);
        assertThat(tookMs).isLessThan(1_000L);
        assertThat(gateway.stub().received()).isEmpty();
        // a client without a deadline of its own waits, and is served
        assertThat(gateway.post(FLASH, Gateway.prompt("patient")).statusCode()).isEqualTo(200);
    }

    private static void coolEveryKeyFor(long millis) {
        long now = System.currentTimeMillis();
        gateway.pool().keys().forEach(k -> gateway.pool().record(k, "gemini-2.5-flash",
                new dev.caravan.keys.Verdict(dev.caravan.keys.Verdict.Kind.QUOTA_COOLDOWN, now + millis,
                        new dev.caravan.keys.Evidence(429, "RESOURCE_EXHAUSTED", "GenerateRequestsPerMinute", now))));
    }

    @Test
    void servesWaitingClientsInTurnWhenTheKeyReturns() throws Exception {
        List<String> servedPrompts = java.util.Collections.synchronizedList(new ArrayList<>());
        // now both keys cool for 1.5 s: a busy client queues three requests, then a quiet one queues one
        gateway.stub().answer(r -> {
            servedPrompts.add(r.bodyText());
            return new StubGemini.Json(200, GoogleBodies.generateContent("ok"));
        });
        coolEveryKeyFor(1_500);
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(send(Gateway.TOKEN, "busy " + i));
            int queued = i + 1;
            await().atMost(Duration.ofSeconds(2)).until(() -> gateway.caravan() != null && gateway.waitingForKeys() >= queued);
        }
        calls.add(send(OTHER_TOKEN, "quiet 0"));
        await().atMost(Duration.ofSeconds(2)).until(() -> gateway.waitingForKeys() >= 4);

        for (CompletableFuture<HttpResponse<String>> c : calls) {
            assertThat(c.get().statusCode()).isEqualTo(200);
        }
        // every waiting request was served once the keys came back, none failed
        assertThat(servedPrompts).hasSize(4);
        assertThat(gateway.waitingForKeys()).isZero();
    }

    private static CompletableFuture<HttpResponse<String>> send(String token, String text) {
        return gateway.http().sendAsync(HttpRequest.newBuilder(URI.create(gateway.url(FLASH)))
                .header("x-goog-api-key", token).header("content-type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt(text))).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theWaitIsOneBudgetForTheWholeRequestNotOneForEveryRound() throws Exception {
        // both keys come back every 0.5 s only to refuse again: a wait of 4 s per round would never end
        quotaFirst(Integer.MAX_VALUE, "0.5s");

        long start = System.nanoTime();
        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(res.statusCode()).isEqualTo(429);
        assertThat(res.headers().firstValue("retry-after")).isPresent();
        // QUOTA_WAIT_SECONDS (4) in all, then the 429: not a round of 4 s after each refusal
        assertThat(tookMs).isBetween(3_000L, 6_500L);
        assertThat(gateway.stub().received().size()).isBetween(4, 24);
    }
}
