package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.Verdict;
import dev.caravan.upstream.UpstreamErrorClassifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The storm's Google shares each project's quotas between its keys and refuses as Google does: a 429 whose
 * QuotaFailure names the quota and its value and whose RetryInfo says when the minute window resets, read by
 * Caravan's own classifier as Google's would be. It counts calls to keys and projects it had already refused.
 */
class StormStubAnswersLikeGoogleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    // minutes of 60 s, so no window resets during the test; flash-lite's day runs out before its minute does
    private final StormSettings settings = new StormSettings(2, 2, 60_000, 0,
            StormSettings.models("gemini-2.5-flash=2/10,gemini-2.5-flash-lite=10/2"), 1, 2, false, true, false, 1, 40,
            10_000);
    private final HttpClient http = HttpClient.newHttpClient();
    private StormStub stub;
    private List<StormStub.Key> keys;

    @BeforeEach
    void start() throws Exception {
        stub = StormStub.start(settings, 0);
        // one call at a time: no call can race a refusal, each comes after the one before was answered
        stub.knownAfterMillis = 0;
        stub.start();
        keys = stub.keys();
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private HttpResponse<String> call(String key, String model) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(stub.baseUrl() + "/models/" + model + ":generateContent"))
                .header("x-goog-api-key", key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(StormLoad.body(40))).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void keysOfOneProjectShareItsPerMinuteQuota() throws Exception {
        StormStub.Key a = keys.get(0);
        StormStub.Key b = keys.get(1);
        StormStub.Key otherProject = keys.get(2);
        assertThat(a.project()).isEqualTo(b.project()).isNotEqualTo(otherProject.project());
        assertThat(a.secret()).hasSize(39).startsWith("storm-bench-key-").endsWith("p00k0");

        assertThat(call(a.secret(), "gemini-2.5-flash").statusCode()).isEqualTo(200);
        HttpResponse<String> second = call(b.secret(), "gemini-2.5-flash");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(second.body()).at("/usageMetadata/promptTokenCount").asLong())
                .isEqualTo(settings.promptTokens());

        HttpResponse<String> refused = call(a.secret(), "gemini-2.5-flash");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("retry-after")).as("Google sends no Retry-After").isEmpty();
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertThat(error.path("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        JsonNode violations = error.at("/details/0/violations");
        assertThat(violations).hasSize(1);
        assertThat(violations.at("/0/quotaId").asText()).isEqualTo("GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
        assertThat(violations.at("/0/quotaValue").asText()).isEqualTo("2");
        assertThat(violations.at("/0/quotaDimensions/model").asText()).isEqualTo("gemini-2.5-flash");
        String delay = error.at("/details/2/retryDelay").asText();
        assertThat(delay).matches("\\d+\\.\\d{3}s");
        assertThat(Double.parseDouble(delay.replace("s", ""))).isBetween(50.0, 60.0);

        // Caravan's classifier cools the key until the window resets, not longer
        long now = System.currentTimeMillis();
        Verdict v = new UpstreamErrorClassifier(JSON, 5_000, 3_600_000).classify(429, refused.body().getBytes(), now);
        assertThat(v.kind()).isEqualTo(Verdict.Kind.QUOTA_COOLDOWN);
        assertThat(v.untilMillis() - now).isBetween(50_000L, 60_000L);

        // the other project and the other model have their own quotas
        assertThat(call(otherProject.secret(), "gemini-2.5-flash").statusCode()).isEqualTo(200);
        assertThat(call(b.secret(), "gemini-2.5-flash-lite").statusCode()).isEqualTo(200);
        assertThat(stub.callsToCoolingKey.get()).isZero();
        assertThat(stub.callsToCoolingProject.get()).isZero();

        // b was never refused itself, but its project was; then a, refused before, is called again
        assertThat(call(b.secret(), "gemini-2.5-flash").statusCode()).isEqualTo(429);
        assertThat(stub.callsToCoolingKey.get()).isZero();
        assertThat(stub.callsToCoolingProject.get()).isEqualTo(1);
        assertThat(call(a.secret(), "gemini-2.5-flash").statusCode()).isEqualTo(429);
        assertThat(stub.callsToCoolingKey.get()).isEqualTo(1);
        assertThat(stub.callsToCoolingProject.get()).isEqualTo(2);
        assertThat(stub.served.get()).isEqualTo(4);
        assertThat(stub.refusedPerMinute.get()).isEqualTo(3);
    }

    @Test
    void aSpentDayIsRefusedWithAShortRetryDelayThatCaravanIgnores() throws Exception {
        String a = keys.get(0).secret();
        String b = keys.get(1).secret();
        assertThat(call(a, "gemini-2.5-flash-lite").statusCode()).isEqualTo(200);
        assertThat(call(b, "gemini-2.5-flash-lite").statusCode()).isEqualTo(200);
        HttpResponse<String> refused = call(a, "gemini-2.5-flash-lite");
        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertThat(error.at("/details/0/violations")).hasSize(1);
        assertThat(error.at("/details/0/violations/0/quotaId").asText())
                .isEqualTo("GenerateRequestsPerDayPerProjectPerModel-FreeTier");
        assertThat(error.at("/details/0/violations/0/quotaValue").asText()).isEqualTo("2");
        assertThat(error.path("message").asText()).contains("limit: 2, model: gemini-2.5-flash-lite");
        assertThat(error.at("/details/2/retryDelay").asText()).matches("\\d+\\.\\d{3}s");

        long now = System.currentTimeMillis();
        Verdict v = new UpstreamErrorClassifier(JSON, 5_000, 3_600_000).classify(429, refused.body().getBytes(), now);
        assertThat(v.kind()).isEqualTo(Verdict.Kind.QUOTA_COOLDOWN);
        assertThat(v.untilMillis() - now).as("until Pacific midnight, not the retryDelay").isGreaterThan(60_000);
        assertThat(stub.refusedPerDay.get()).isEqualTo(1);
    }

    @Test
    void aKeyItDoesNotKnowIsInvalidAsGooglesWouldBe() throws Exception {
        HttpResponse<String> res = call(keys.get(0).secret() + "@storm-project-00", "gemini-2.5-flash");
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).at("/error/details/0/reason").asText()).isEqualTo("API_KEY_INVALID");
        assertThat(stub.unknownKey.get()).isEqualTo(1);
        assertThat(stub.calls.get()).isZero();
    }

    @Test
    void declaredProjectsAreWrittenIntoApiKeys() throws Exception {
        StormSettings declared = StormSettings.fromEnvironment(Map.of("STORM_DECLARE_PROJECTS", "1",
                "STORM_PROJECTS", "2", "STORM_KEYS_PER_PROJECT", "2", "STORM_KEY_ORDER", "interleaved"));
        JsonNode keys = JSON.readTree(StormStub.apiKeys(declared));
        assertThat(keys).hasSize(4);
        assertThat(keys.get(0).asText()).endsWith("p00k0@storm-project-00");
        assertThat(keys.get(1).asText()).endsWith("p01k0@storm-project-01");
        assertThat(JSON.readTree(StormStub.apiKeys(settings)).get(0).asText()).doesNotContain("@");
    }
}
