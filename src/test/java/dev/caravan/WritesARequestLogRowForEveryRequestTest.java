package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 5, request log: every client request, whatever its outcome, leaves one request_log row (surface, path,
 * model, client fingerprint, status, latency, attempts, token counts, error type), and a failure an error_log row
 * with Google's error body redacted. No row ever holds a key or a token.
 */
class WritesARequestLogRowForEveryRequestTest {

    private static final String KEY_A = "AIza" + "SyA-key-aaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String KEY_B = "AIza" + "SyB-key-bbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(KEY_A, KEY_B);

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    private final Rows.Db db = gateway::openDatabase;

    @AfterEach
    void noSecretInAnyTable() {
        String all = Rows.everything(db);
        assertThat(all).doesNotContain(KEY_A).doesNotContain(KEY_B).doesNotContain(Gateway.TOKEN)
                .doesNotContain(Gateway.ADMIN_TOKEN).doesNotContain("wrong-token-123").doesNotContain("AIzaSy");
    }

    @Test
    void logsASuccessWithItsAttemptAndTheTokensGoogleCounted() throws Exception {
        long before = Rows.count(db, "request_log");

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));

        assertThat(res.statusCode()).isEqualTo(200);
        Map<String, Object> row = awaitRow(before);
        assertThat(row).containsEntry("surface", "gemini").containsEntry("method", "POST")
                .containsEntry("path", FLASH).containsEntry("model", "gemini-2.5-flash")
                .containsEntry("client_fingerprint", gateway.fingerprint(Gateway.TOKEN))
                .containsEntry("status", 200).containsEntry("attempt_count", 1)
                .containsEntry("prompt_tokens", 4).containsEntry("completion_tokens", 1).containsEntry("total_tokens", 5);
        assertThat(row.get("error_type")).isNull();
        assertThat(row.get("thought_tokens")).isNull();
        assertThat(((Number) row.get("latency_ms")).longValue()).isBetween(0L, 10_000L);
        assertThat(((Number) row.get("request_at_ms")).longValue()).isCloseTo(System.currentTimeMillis(),
                org.assertj.core.data.Offset.offset(60_000L));
        String key = gateway.stub().keysSeen().get(0);
        assertThat((String) row.get("attempts")).isEqualTo(
                "[{\"key\":\"" + gateway.fingerprint(key) + "\",\"status\":200,\"verdict\":\"SUCCESS\"}]");
        assertThat(Rows.query(db, "SELECT * FROM error_log WHERE request_id = ?", row.get("request_id"))).isEmpty();
    }

    @Test
    void logsEveryAttemptOfAFailover() throws Exception {
        gateway.stub().answerFor(KEY_A, r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("20s")));
        gateway.stub().answerFor(KEY_B, r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("20s")));
        long before = Rows.count(db, "request_log");

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));

        assertThat(res.statusCode()).isEqualTo(429);
        Map<String, Object> row = awaitRow(before);
        List<String> keys = gateway.stub().keysSeen();
        assertThat(row).containsEntry("status", 429).containsEntry("attempt_count", 2)
                .containsEntry("error_type", "QUOTA_COOLDOWN");
        assertThat((String) row.get("attempts")).isEqualTo("[{\"key\":\"" + gateway.fingerprint(keys.get(0))
                + "\",\"status\":429,\"verdict\":\"QUOTA_COOLDOWN\"},{\"key\":\"" + gateway.fingerprint(keys.get(1))
                + "\",\"status\":429,\"verdict\":\"QUOTA_COOLDOWN\"}]");
        Map<String, Object> error = awaitError(row.get("request_id"));
        assertThat(error).containsEntry("status", 429).containsEntry("upstream_status", 429)
                .containsEntry("key_fingerprint", gateway.fingerprint(keys.get(1)))
                .containsEntry("error_type", "QUOTA_COOLDOWN");
        assertThat((String) error.get("error_body")).contains("GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
    }

    @Test
    void namesGooglesFailureAsTheVerdictOfTheLastAttempt() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Close());
        long before = Rows.count(db, "request_log");

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));

        assertThat(res.statusCode()).isEqualTo(502);
        Map<String, Object> row = awaitRow(before);
        assertThat(row).containsEntry("status", 502).containsEntry("error_type", "UPSTREAM_FAILURE")
                .containsEntry("attempt_count", 2);
        Map<String, Object> error = awaitError(row.get("request_id"));
        assertThat(error).containsEntry("upstream_status", 0).containsEntry("error_type", "UPSTREAM_FAILURE");
        assertThat((String) error.get("error_body")).contains("Google could not be reached");
    }

    @Test
    void redactsKeysAndTokensInGooglesErrorBody() throws Exception {
        String leaky = "{\"error\":{\"code\":400,\"message\":\"Bad request for " + KEY_A + " and " + KEY_B
                + " from Bearer " + Gateway.TOKEN + " at https://x.test/v1?key=" + Gateway.TOKEN + "\",\"status\":\"INVALID_ARGUMENT\"}}";
        gateway.stub().answer(r -> new StubGemini.Json(400, leaky));
        long before = Rows.count(db, "request_log");

        gateway.post(FLASH, Gateway.prompt("hello"));

        Map<String, Object> row = awaitRow(before);
        assertThat(row).containsEntry("status", 400).containsEntry("error_type", "CLIENT_ERROR");
        String body = (String) awaitError(row.get("request_id")).get("error_body");
        assertThat(body).contains("Bad request for [REDACTED]").contains("INVALID_ARGUMENT");
    }

    @Test
    void logsARefusedClientWithTheFingerprintOfTheTokenItSent() throws Exception {
        long before = Rows.count(db, "request_log");

        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(FLASH)))
                .header("x-goog-api-key", "wrong-token-123").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("hi"))));

        assertThat(res.statusCode()).isEqualTo(401);
        Map<String, Object> row = awaitRow(before);
        assertThat(row).containsEntry("surface", "gemini").containsEntry("path", FLASH).containsEntry("status", 401)
                .containsEntry("error_type", "UNAUTHENTICATED").containsEntry("attempt_count", 0)
                .containsEntry("client_fingerprint", gateway.fingerprint("wrong-token-123"));
        assertThat(gateway.stub().received()).isEmpty();
        assertThat((String) awaitError(row.get("request_id")).get("error_body")).contains("Missing or invalid client token");
    }

    @Test
    void logsABadRequestOnceWithoutCallingGoogle() throws Exception {
        long before = Rows.count(db, "request_log");

        HttpResponse<String> res = gateway.post(FLASH, "{not json");

        assertThat(res.statusCode()).isEqualTo(400);
        Map<String, Object> row = awaitRow(before);
        assertThat(row).containsEntry("status", 400).containsEntry("error_type", "INVALID_ARGUMENT");
        assertThat(Rows.count(db, "request_log")).isEqualTo(before + 1);
    }

    @Test
    void readsTheTokensOfAStreamFromItsLastEvent() throws Exception {
        String last = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"!\"}],\"role\": \"model\"},"
                + "\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 11,"
                + "\"candidatesTokenCount\": 7,\"totalTokenCount\": 21,\"thoughtsTokenCount\": 3},"
                + "\"modelVersion\": \"gemini-2.5-flash\"}\r\n\r\n";
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream",
                List.of(GoogleBodies.sseEvent("Hel"), GoogleBodies.sseEvent("lo"), last), Duration.ofMillis(5), false));
        long before = Rows.count(db, "request_log");

        HttpResponse<String> res = gateway.post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                Gateway.prompt("hello"));

        assertThat(res.statusCode()).isEqualTo(200);
        Map<String, Object> row = awaitRow(before);
        assertThat(row).containsEntry("status", 200).containsEntry("streamed", 1)
                .containsEntry("prompt_tokens", 11).containsEntry("completion_tokens", 7)
                .containsEntry("thought_tokens", 3).containsEntry("total_tokens", 21);
        assertThat(row.get("error_type")).isNull();
    }

    @Test
    void logsTheOpenAiSurface() throws Exception {
        long before = Rows.count(db, "request_log");

        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));

        assertThat(res.statusCode()).isEqualTo(200);
        Map<String, Object> row = awaitRow(before);
        assertThat(row).containsEntry("surface", "openai").containsEntry("path", "/v1/chat/completions")
                .containsEntry("model", "gemini-2.5-flash").containsEntry("status", 200)
                .containsEntry("client_fingerprint", gateway.fingerprint(Gateway.TOKEN))
                .containsEntry("prompt_tokens", 4).containsEntry("completion_tokens", 1).containsEntry("total_tokens", 5);
        // the counts come from the translation's reading of Google's answer (RequestContext.usage), all four of them
        assertThat(row.get("thought_tokens")).isNull();
    }

    @Test
    void logsAnOpenAiErrorInItsOwnRow() throws Exception {
        long before = Rows.count(db, "request_log");

        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gemini-2.5-flash\",\"messages\":[]}")));

        assertThat(res.statusCode()).isEqualTo(401);
        Map<String, Object> row = awaitRow(before);
        assertThat(row).containsEntry("surface", "openai").containsEntry("status", 401);
        assertThat(row.get("client_fingerprint")).isNull();
    }

    private Map<String, Object> awaitRow(long before) {
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "request_log") > before);
        List<Map<String, Object>> rows = Rows.query(db, "SELECT * FROM request_log ORDER BY id");
        assertThat(rows).as("exactly one row for the request").hasSize((int) before + 1);
        return rows.get(rows.size() - 1);
    }

    private Map<String, Object> awaitError(Object requestId) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !Rows.query(db, "SELECT * FROM error_log WHERE request_id = ?", requestId).isEmpty());
        return Rows.query(db, "SELECT * FROM error_log WHERE request_id = ?", requestId).get(0);
    }
}
