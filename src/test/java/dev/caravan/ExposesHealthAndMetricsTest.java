package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ExposesHealthAndMetricsTest {

    private static final String KEY_A = "metrics-secret-key-a";
    private static final String KEY_B = "metrics-secret-key-b";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(KEY_A, KEY_B);

    private static HttpResponse<String> management(String path) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.managementUrl(path))).GET());
    }

    @Test
    void reportsUpWhileAKeyIsUsableAndDownWithTheReasonWhenNoneIs() throws Exception {
        assertThat(management("/observe/health").statusCode()).isEqualTo(200);
        assertThat(management("/observe/health").body()).contains("\"UP\"");

        gateway.stub().answer(r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("x"));

        HttpResponse<String> down = management("/observe/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("DOWN").contains("no usable API key");
    }

    @Test
    void countsAttemptsCooldownsAndKeysByStateWithoutSecretsInLabels() throws Exception {
        gateway.stub().answerFor(KEY_A, r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("30s")));
        gateway.stub().answerFor(KEY_B, r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("30s")));
        gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("x"));
        gateway.stub().reset();
        gateway.stub().answerFor(KEY_A, r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        gateway.post("/v1beta/models/gemini-2.5-pro:generateContent", Gateway.prompt("y"));

        String metrics = management("/observe/metrics").body();

        assertThat(metrics).contains("caravan_upstream_attempts_total{outcome=\"quota_cooldown\"}");
        assertThat(metrics).contains("caravan_upstream_attempts_total{outcome=\"key_invalid\"}");
        assertThat(metrics).contains("caravan_key_cooldowns_total{reason=\"per_minute\"}");
        assertThat(metrics).contains("caravan_keys{state=\"invalid\"} 1.0");
        // KEY_B pauses gemini-2.5-flash for 30 s (KEY_A's pause no longer counts: it is out of rotation)
        assertThat(metrics).contains("caravan_keys_cooling 1.0");
        // Camel's per-route policy is off (issue 16): caravan_* count every request, and the JVM's meters stay
        assertThat(metrics).contains("jvm_memory_used_bytes").doesNotContain("camel_route_policy");
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(management("/observe/metrics").body())
                .contains("caravan_requests_total{model=\"gemini-2.5-pro\",status=\"200\",surface=\"gemini\"}")
                .contains("caravan_request_duration_seconds_count")
                .contains("caravan_tokens_total{kind=\"prompt\",model=\"gemini-2.5-pro\"}"));
        assertThat(metrics).doesNotContain(KEY_A, KEY_B, Gateway.TOKEN);
    }
}
