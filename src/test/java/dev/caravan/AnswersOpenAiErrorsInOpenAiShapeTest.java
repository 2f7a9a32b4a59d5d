package dev.caravan;

import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN §2, errors: OpenAI callers get OpenAI's envelope {@code {"error":{"message","type","param","code"}}} with
 * an honest status and the type OpenAI's SDKs map to their exceptions: 401 authentication_error, 400
 * invalid_request_error, 429 rate_limit_error with Retry-After while every key cools, 5xx server_error.
 */
class AnswersOpenAiErrorsInOpenAiShapeTest {

    private static final List<String> POOL = List.of("errors-pool-key-a", "errors-pool-key-b");
    private static final String CHAT = "/v1/chat/completions";
    private static final String HELLO = """
            {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hello"}]}""";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(POOL.toArray(String[]::new));

    private static HttpResponse<String> post(String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return gateway.send(b);
    }

    @Test
    void wrongOrMissingTokenIs401AuthenticationError() throws Exception {
        assertOpenAiError(post(CHAT, "not-a-token", HELLO), 401, "authentication_error");
        assertOpenAiError(post(CHAT, null, HELLO), 401, "authentication_error");
        HttpResponse<String> models = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/models")))
                .header("Authorization", "Bearer not-a-token").GET());
        assertOpenAiError(models, 401, "authentication_error");

        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void malformedJsonIs400InvalidRequestError() throws Exception {
        assertOpenAiError(post(CHAT, Gateway.TOKEN, "{\"model\":\"gemini-2.5-flash\",\"messages\":["), 400,
                "invalid_request_error");
        assertOpenAiError(post(CHAT, Gateway.TOKEN, "[1,2]"), 400, "invalid_request_error");
        assertOpenAiError(post("/v1/embeddings", Gateway.TOKEN, "not json"), 400, "invalid_request_error");

        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void badMessagesAre400InvalidRequestErrorNamingTheField() throws Exception {
        JsonNode notArray = assertOpenAiError(post(CHAT, Gateway.TOKEN,
                "{\"model\":\"gemini-2.5-flash\",\"messages\":\"hello\"}"), 400, "invalid_request_error");
        assertThat(notArray.path("param").asText()).isEqualTo("messages");
        assertOpenAiError(post(CHAT, Gateway.TOKEN, "{\"model\":\"gemini-2.5-flash\",\"messages\":[]}"), 400,
                "invalid_request_error");
        JsonNode badRole = assertOpenAiError(post(CHAT, Gateway.TOKEN,
                "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"), 400,
                "invalid_request_error");
        assertThat(badRole.path("param").asText()).isEqualTo("messages[0].role");
        JsonNode noModel = assertOpenAiError(post(CHAT, Gateway.TOKEN,
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400, "invalid_request_error");
        assertThat(noModel.path("param").asText()).isEqualTo("model");

        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void everyKeyCoolingIs429RateLimitErrorWithRetryAfter() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("20s")));

        HttpResponse<String> exhausting = post(CHAT, Gateway.TOKEN, HELLO);

        assertOpenAiError(exhausting, 429, "rate_limit_error");
        assertThat(exhausting.headers().firstValue("retry-after")).hasValueSatisfying(v ->
                assertThat(Integer.parseInt(v)).isBetween(19, 20));
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrderElementsOf(POOL);
        gateway.stub().reset();

        HttpResponse<String> res = post(CHAT, Gateway.TOKEN, HELLO);

        JsonNode error = assertOpenAiError(res, 429, "rate_limit_error");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(res.headers().firstValue("retry-after")).hasValueSatisfying(v ->
                assertThat(Integer.parseInt(v)).isBetween(19, 20));
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void googleFailingIs5xxServerError() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(500, GoogleBodies.internal()));
        HttpResponse<String> internal = post(CHAT, Gateway.TOKEN, HELLO);
        // Google's own failure on every key is the gateway's upstream failing: 502, never the gateway's 500
        JsonNode failed = assertOpenAiError(internal, 502, "server_error");
        assertThat(failed.path("message").asText()).contains("HTTP 500", "INTERNAL");
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrderElementsOf(POOL);
        resetKeys();

        gateway.stub().answer(r -> new StubGemini.Json(503, GoogleBodies.unavailable()));
        JsonNode overloaded = assertOpenAiError(post(CHAT, Gateway.TOKEN, HELLO), 503, "server_error");
        assertThat(overloaded.path("message").asText()).contains("overloaded");
        resetKeys();

        gateway.stub().answer(r -> new StubGemini.Close());
        assertOpenAiError(post(CHAT, Gateway.TOKEN, HELLO), 502, "server_error");
    }

    @Test
    void googlesClientErrorsKeepTheirStatusInOpenAiShape() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(404, GoogleBodies.notFound()));

        JsonNode error = assertOpenAiError(post(CHAT, Gateway.TOKEN, HELLO), 404, "invalid_request_error");

        assertThat(error.path("message").asText()).contains("is not found");
        // a model Google does not have: OpenAI's own code for it
        assertThat(error.path("code").asText()).isEqualTo("model_not_found");
        // the client's own mistake: one attempt, no other key tried
        assertThat(gateway.stub().received()).hasSize(1);
    }

    private static void resetKeys() {
        gateway.pool().keys().forEach(k -> gateway.pool().reset(k));
        gateway.stub().reset();
    }
}
