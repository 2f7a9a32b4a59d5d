package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14's first rule, the coincidence: a burst in which three projects are refused one after the other within
 * milliseconds names no pair of them, though its first two 429s alone looked like a clear coincidence (a black-box run
 * found two healthy keys grouped that way, one pausing the other for the rest of its minute). The third project's 429
 * undoes the grouping its first two made, and the keys stay apart after the span.
 */
class LearnsNothingFromABurstThatRefusesEveryProjectTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-x", "key-y", "key-z").set("caravan.quota-wait-seconds", "0")
            .set("caravan.project-evidence-seconds", "2");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void aBurstThatRefusesThreeProjectsAtOnceTeachesNothing() throws Exception {
        // one request walks every key, and each is refused its per-minute quota within milliseconds of the others:
        // three projects ran out together, which names no pair of them
        // and Google's retryDelay puts every reset at one moment, as windows that Google happens to align would be
        AtomicInteger calls = new AtomicInteger();
        long resetAt = System.currentTimeMillis() + 1_500;
        gateway.stub().answer(r -> {
            if (calls.incrementAndGet() > 3) {
                return new StubGemini.Json(200, GoogleBodies.generateContent("ok"));
            }
            long ms = Math.max(1, resetAt - System.currentTimeMillis());
            return new StubGemini.Json(429, LearnsProjectsFromGooglesAnswersTest.perMinute(10,
                    (ms / 1000) + "." + String.format("%03d", ms % 1000) + "s", null));
        });

        assertThat(gateway.post(FLASH, Gateway.prompt("burst")).statusCode()).isEqualTo(429);
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-x", "key-y", "key-z");

        long burst = System.currentTimeMillis();
        // the third 429 undid the grouping at once; a request served after the span (PROJECT_EVIDENCE_SECONDS) shows
        // that nothing learned from the burst later grouped the keys either
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            long sent = System.currentTimeMillis();
            assertThat(gateway.post(FLASH, Gateway.prompt("later")).statusCode()).isEqualTo(200);
            assertThat(sent).isGreaterThan(burst + 2_500);
        });
        assertThat(gateway.key("key-x").project().own()).isTrue();
        assertThat(gateway.key("key-y").project().own()).isTrue();
        assertThat(gateway.key("key-z").project().own()).isTrue();
    }
}
