package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.PacificMidnight;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, learned limits and pacing, through the real gateway: budgets per (project, model) from QUOTA_LIMITS and
 * from Google's quotaValue keep requests within the limits, so Google is not asked when no project has room, and the
 * client's 429 says when the first budget frees. Each test uses a model of its own (the gateway is shared).
 */
class PacesRequestsWithinProjectBudgetsTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a@proj-a", "key-b@proj-b")
            .set("caravan.quota-wait-seconds", "0")
            // spaces keep "}}" out of the value (a property placeholder's end)
            .set("caravan.quota-limits", "{\"gemini-2.5-flash\": {\"rpm\": 2}, \"gemini-2.5-pro\": {\"rpm\": 100, \"rpd\": 1} }");

    private static String path(String model) {
        return "/v1beta/models/" + model + ":generateContent";
    }

    @Test
    void twoProjectsOfTwoAMinuteServeFourAndCaravanRefusesTheFifthWithoutAskingGoogle() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
        long start = System.currentTimeMillis();
        for (int i = 0; i < 4; i++) {
            assertThat(gateway.post(path("gemini-2.5-flash"), Gateway.prompt("hello " + i)).statusCode()).isEqualTo(200);
        }
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-a", "key-a", "key-b", "key-b");

        HttpResponse<String> fifth = gateway.post(path("gemini-2.5-flash"), Gateway.prompt("one too many"));
        assertThat(fifth.statusCode()).isEqualTo(429);
        assertThat(fifth.body()).contains("RESOURCE_EXHAUSTED");
        // the first request leaves the rolling minute 60 s after it was counted
        long retryAfter = Long.parseLong(fifth.headers().firstValue("Retry-After").orElseThrow());
        long elapsed = (System.currentTimeMillis() - start) / 1000;
        assertThat(retryAfter).isBetween(59 - elapsed, 60L);
        assertThat(gateway.stub().keysSeen()).as("Google was not asked").hasSize(4);

        // the admin API and the metrics show the spent minute
        JsonNode quota = AdminClient.json(new AdminClient(gateway).login().get("/admin/api/quota"));
        JsonNode flash = null;
        for (JsonNode m : quota.path("models")) {
            if (m.path("model").asText().equals("gemini-2.5-flash")) {
                flash = m;
            }
        }
        assertThat(flash).isNotNull();
        assertThat(flash.path("projects").asInt()).isEqualTo(2);
        assertThat(flash.path("minuteRequests").path("limit").asLong()).isEqualTo(4);
        assertThat(flash.path("minuteRequests").path("used").asLong()).isEqualTo(4);
        assertThat(flash.path("minuteRequests").path("headroom").asLong()).isZero();
        assertThat(flash.path("dayRequests").path("projects").asInt()).as("no day limit known").isZero();
        assertThat(flash.path("runoutSeconds").asLong()).isEqualTo(-1);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            String metrics = gateway.send(HttpRequest.newBuilder(URI.create(gateway.managementUrl("/observe/metrics")))
                    .GET()).body();
            assertThat(metrics).contains("caravan_quota_headroom{model=\"gemini-2.5-flash\",window=\"minute\"} 0.0");
        });
    }

    @Test
    void theDayBudgetRefusesUntilPacificMidnight() throws Exception {
        // the day's count and per-day pauses end at Pacific midnight: none may pass during the test
        PacificMidnight.awaitClearOfMidnight();
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
        assertThat(gateway.post(path("gemini-2.5-pro"), Gateway.prompt("one")).statusCode()).isEqualTo(200);
        assertThat(gateway.post(path("gemini-2.5-pro"), Gateway.prompt("two")).statusCode()).isEqualTo(200);
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-a", "key-b");

        HttpResponse<String> third = gateway.post(path("gemini-2.5-pro"), Gateway.prompt("three"));
        assertThat(third.statusCode()).isEqualTo(429);
        long midnight = PacificMidnight.after(System.currentTimeMillis());
        long expected = (midnight - System.currentTimeMillis()) / 1000;
        long retryAfter = Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(expected - 2, expected + 2);
        assertThat(gateway.stub().keysSeen()).hasSize(2);
    }

    @Test
    void aQuotaValueInGooglesAnswerPacesTheNextMinuteAtIt() throws Exception {
        // no limit configured for this model: Google's first 429s teach 2 a minute to each project
        AtomicInteger n = new AtomicInteger();
        gateway.stub().answer(r -> n.getAndIncrement() < 2
                ? new StubGemini.Json(429, GoogleBodies.quotaPerMinute("1s").replace("\"10\"", "\"2\"")
                        .replace("gemini-2.5-flash", "gemini-2.0-flash"))
                : new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
        assertThat(gateway.post(path("gemini-2.0-flash"), Gateway.prompt("taught")).statusCode()).isEqualTo(429);
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-a", "key-b");

        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.pool().retryAfterMillis("gemini-2.0-flash") == 0);
        for (int i = 0; i < 4; i++) {
            assertThat(gateway.post(path("gemini-2.0-flash"), Gateway.prompt("paced " + i)).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> fifth = gateway.post(path("gemini-2.0-flash"), Gateway.prompt("one too many"));
        assertThat(fifth.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(fifth.headers().firstValue("Retry-After").orElseThrow())).isBetween(50L, 60L);
        assertThat(gateway.stub().keysSeen()).as("2 taught, 4 paced, none refused by Google").hasSize(6);
    }
}
