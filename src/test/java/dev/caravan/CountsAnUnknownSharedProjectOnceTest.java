package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, honest waits without declared projects: two keys of one project nobody named each learn Google's limit
 * (2 requests a minute) as their own budget, which would promise the project's next window twice (4 requests). Once
 * Google refuses each before it alone could have spent the window, they count as one project: the two requests that
 * fit the next window wait for it, and a third is refused at once with Retry-After instead of waiting for room that
 * is not there (a wait of 5 s holds one reset of the 4 s window).
 */
class CountsAnUnknownSharedProjectOnceTest {

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final long MINUTE_MS = 4_000;
    private static final int LIMIT = 2;

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-one-of-two", "key-two-of-two")
            .set("caravan.quota-wait-seconds", "5")
            .set("caravan.quota-minute-seconds", "4")
            // grouping off: the keys stay in projects of their own (else they are learned as one project at once)
            .set("caravan.project-evidence-seconds", "0");

    /** Google for one project of both keys, whose fixed windows start when the test does. */
    private static final class Google {
        final long origin = System.currentTimeMillis();
        long window = Long.MIN_VALUE;
        int spent;

        synchronized StubGemini.Reply answer(StubGemini.Received r) {
            long now = System.currentTimeMillis();
            long w = (now - origin) / MINUTE_MS;
            if (w != window) {
                window = w;
                spent = 0;
            }
            if (spent < LIMIT) {
                spent++;
                return new StubGemini.Json(200, GoogleBodies.generateContent("ok"));
            }
            long ms = origin + (w + 1) * MINUTE_MS - now;
            return new StubGemini.Json(429, LearnsProjectsFromGooglesAnswersTest.perMinute(LIMIT,
                    String.format(Locale.ROOT, "%d.%03ds", ms / 1000, ms % 1000), null));
        }
    }

    @Test
    void aThirdWaiterIsRefusedAtOnceWhenTwoKeysShareOneWindow() throws Exception {
        Google google = new Google();
        gateway.stub().answer(google::answer);
        // the window's two requests, one on each key
        assertThat(gateway.post(FLASH, Gateway.prompt("one")).statusCode()).isEqualTo(200);
        assertThat(gateway.post(FLASH, Gateway.prompt("two")).statusCode()).isEqualTo(200);

        // both keys refused having served one each: they share the project; the request waits for the reset
        CompletableFuture<HttpResponse<String>> first = gateway.postAsync(FLASH, Gateway.prompt("waits 1"));
        await().atMost(Duration.ofSeconds(3)).until(() -> gateway.waitingForKeys() >= 1);
        CompletableFuture<HttpResponse<String>> second = gateway.postAsync(FLASH, Gateway.prompt("waits 2"));
        await().atMost(Duration.ofSeconds(3)).until(() -> gateway.waitingForKeys() >= 2);
        int calls = gateway.stub().received().size();

        long start = System.nanoTime();
        HttpResponse<String> third = gateway.post(FLASH, Gateway.prompt("nothing left for me"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(gateway.pool().learning().sharesUnknown(gateway.key("key-one-of-two"))).isTrue();
        assertThat(gateway.pool().learning().sharesUnknown(gateway.key("key-two-of-two"))).isTrue();
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).isPresent();
        assertThat(tookMs).as("refused at once, not after waiting for a window that has room for two").isLessThan(1_500);
        assertThat(gateway.stub().received()).as("Google never saw the refused one").hasSize(calls);
        // the two that waited are served by the project's next window
        assertThat(first.get().statusCode()).isEqualTo(200);
        assertThat(second.get().statusCode()).isEqualTo(200);
    }
}
