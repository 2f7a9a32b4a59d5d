package dev.caravan;

import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.Gateway;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Caravan calls Google with shared pool keys, so /openai/v1/ passes only endpoints that store nothing under a key:
 * files, batches, stored completions and every other endpoint answer 404 in OpenAI's shape and never reach Google,
 * so one client cannot read, use or delete what another uploaded. Operators can allow more:
 * {@link PassesOperatorListedOpenAiPathsThroughTest}.
 */
class KeepsSharedOpenAiObjectsOutOfThePassThroughTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("shared-pool-key-a", "shared-pool-key-b");

    private static HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Authorization", "Bearer " + Gateway.TOKEN)
                .header("content-type", "application/json")
                .method(method, publisher));
    }

    @Test
    void filesAndBatchesAreNotFoundAndNeverReachGoogle() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, "{\"object\":\"list\",\"data\":[{\"id\":\"file-of-another-client\"}]}"));
        String[][] requests = {
                {"GET", "/openai/v1/files", null},
                {"GET", "/openai/v1/files/file-abc", null},
                {"GET", "/openai/v1/files/file-abc/content", null},
                {"POST", "/openai/v1/files", "{\"purpose\":\"batch\"}"},
                {"DELETE", "/openai/v1/files/file-abc", null},
                {"GET", "/openai/v1/batches", null},
                {"POST", "/openai/v1/batches", "{\"input_file_id\":\"file-abc\",\"endpoint\":\"/v1/chat/completions\"}"},
                {"POST", "/openai/v1/batches/batch-1/cancel", "{}"},
                // stored chat completions would be every client's too
                {"GET", "/openai/v1/chat/completions", null},
                {"GET", "/openai/v1/chat/completions/chatcmpl-1", null},
                {"POST", "/openai/v1/images/generations", "{\"model\":\"imagen-3.0-generate-002\",\"prompt\":\"a boat\"}"},
        };

        for (String[] r : requests) {
            HttpResponse<String> res = call(r[0], r[1], r[2]);

            JsonNode error = assertOpenAiError(res, 404, "invalid_request_error");
            assertThat(error.path("message").asText()).as("%s %s", r[0], r[1])
                    .isEqualTo("Invalid URL (" + r[0] + " " + r[1] + ")");
            assertThat(res.body()).doesNotContain("file-of-another-client");
        }

        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void chatCompletionsStillPassThrough() throws Exception {
        HttpResponse<String> res = call("POST", "/openai/v1/chat/completions",
                "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().received()).extracting(StubGemini.Received::path)
                .containsExactly("/v1beta/openai/chat/completions");
    }
}
