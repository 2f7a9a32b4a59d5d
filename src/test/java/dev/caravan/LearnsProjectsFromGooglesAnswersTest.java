package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.caravan.keys.Project;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14: keys whose project nobody named are grouped where Google's answers show it: a project Google names
 * (ErrorInfo consumer), or two keys' quota 429s that coincide while neither key alone spent the limit.
 */
class LearnsProjectsFromGooglesAnswersTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-x", "key-y", "key-z").set("caravan.quota-wait-seconds", "0")
            .set("caravan.project-evidence-seconds", "2");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String PRO = "/v1beta/models/gemini-2.5-pro:generateContent";

    /** A per-minute 429 as Google sends it when a project's requests per minute are spent. */
    static String perMinute(long limit, String retryDelay, String consumer) {
        return perMinute("gemini-2.5-flash", limit, retryDelay, consumer);
    }

    static String perMinute(String model, long limit, String retryDelay, String consumer) {
        String info = consumer == null ? "" : """
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
                 "domain": "googleapis.com", "metadata": {"consumer": "%s", "service": "generativelanguage.googleapis.com"}},
                """.formatted(consumer);
        return """
                {"error": {"code": 429, "message": "You exceeded your current quota.", "status": "RESOURCE_EXHAUSTED",
                  "details": [%s
                    {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{
                      "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                      "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                      "quotaDimensions": {"location": "global", "model": "%s"},
                      "quotaValue": "%d"}]},
                    {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "%s"}]}}
                """.formatted(info, model, limit, retryDelay);
    }

    @Test
    void takesTheProjectGoogleNames() throws Exception {
        gateway.stub().answer(r -> r.key().equals("key-z")
                ? new StubGemini.Json(429, perMinute(10, "20s", "projects/4242"))
                : new StubGemini.Json(200, GoogleBodies.generateContent("ok")));

        for (int i = 0; i < 3; i++) {
            assertThat(gateway.post(FLASH, Gateway.prompt("hello " + i)).statusCode()).isEqualTo(200);
        }

        assertThat(gateway.key("key-z").project().name()).isEqualTo("projects/4242");
        assertThat(gateway.key("key-z").projectSource()).isEqualTo(Project.Source.GOOGLE);
        assertThat(gateway.key("key-x").project().own()).isTrue();
    }

    @Test
    void groupsTwoKeysWhoseQuota429sCoincideBeforeEitherSpentTheLimit() throws Exception {
        // key-x and key-y share one project with 6 requests per minute of gemini-2.5-pro; key-z has a project of its own
        AtomicInteger shared = new AtomicInteger();
        long resetAt = System.currentTimeMillis() + 40_000;
        AtomicLong z = new AtomicLong();
        gateway.stub().answer(r -> {
            if (r.key().equals("key-z")) {
                z.incrementAndGet();
                return new StubGemini.Json(200, GoogleBodies.generateContent("z"));
            }
            if (shared.incrementAndGet() <= 6) {
                return new StubGemini.Json(200, GoogleBodies.generateContent("shared"));
            }
            long ms = resetAt - System.currentTimeMillis();
            return new StubGemini.Json(429, perMinute("gemini-2.5-pro", 6, (ms / 1000) + "." + String.format("%03d", ms % 1000) + "s", null));
        });

        for (int i = 0; i < 12; i++) {
            assertThat(gateway.post(PRO, Gateway.prompt("hello " + i)).statusCode()).isEqualTo(200);
        }

        // no third project was refused in the span: the grouping stands (and is kept while calls go on)
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(gateway.post(PRO, Gateway.prompt("settle")).statusCode()).isEqualTo(200);
            assertThat(gateway.key("key-x").project()).isSameAs(gateway.key("key-y").project());
        });
        assertThat(gateway.key("key-x").projectSource()).isEqualTo(Project.Source.LEARNED);
        assertThat(gateway.key("key-x").projectEvidence()).contains("GenerateRequestsPerMinutePerProjectPerModel");
        assertThat(gateway.key("key-z").project()).isNotSameAs(gateway.key("key-x").project());
        // once learned, the shared project pauses as one: no more calls to either of its keys
        int before = shared.get();
        for (int i = 0; i < 4; i++) {
            assertThat(gateway.post(PRO, Gateway.prompt("after " + i)).statusCode()).isEqualTo(200);
        }
        assertThat(shared.get()).isEqualTo(before);
    }
}
