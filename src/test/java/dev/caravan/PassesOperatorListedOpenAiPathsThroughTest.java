package dev.caravan;

import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import dev.caravan.support.Gateway;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator who accepts that all clients share them lists more /openai/v1/ paths in
 * OPENAI_PASS_THROUGH_EXTRA_PATHS: those, and what is below them, then reach Google's OpenAI-compatible surface with
 * a pool key as Bearer; a path not listed still answers 404.
 */
class PassesOperatorListedOpenAiPathsThroughTest {

    private static final List<String> POOL = List.of("listed-pool-key-a", "listed-pool-key-b");

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(POOL.toArray(String[]::new))
            .set("caravan.openai-pass-through-extra-paths", "[\"files\",\"batches\"]");

    @Test
    void listedPathsPassThroughWithAPoolKey() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, "{\"object\":\"list\",\"data\":[]}"));

        HttpResponse<String> files = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/openai/v1/files")))
                .header("Authorization", "Bearer " + Gateway.TOKEN).GET());
        String batch = "{\"input_file_id\":\"file-abc\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}";
        HttpResponse<String> batches = gateway.send(HttpRequest.newBuilder(
                        URI.create(gateway.url("/openai/v1/batches")))
                .header("Authorization", "Bearer " + Gateway.TOKEN)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch)));

        assertThat(files.statusCode()).isEqualTo(200);
        assertThat(files.body()).isEqualTo("{\"object\":\"list\",\"data\":[]}");
        assertThat(batches.statusCode()).isEqualTo(200);
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).extracting(StubGemini.Received::method, StubGemini.Received::path).containsExactly(
                org.assertj.core.groups.Tuple.tuple("GET", "/v1beta/openai/files"),
                org.assertj.core.groups.Tuple.tuple("POST", "/v1beta/openai/batches"));
        assertThat(seen.get(1).bodyText()).isEqualTo(batch);
        assertThat(seen).allSatisfy(r -> {
            assertThat(r.header("authorization")).isIn(POOL.stream().map(k -> "Bearer " + k).toList());
            assertThat(r.headers().toString()).doesNotContain(Gateway.TOKEN);
        });
    }

    @Test
    void aPathNotListedIsStillNotFound() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(
                        URI.create(gateway.url("/openai/v1/images/generations")))
                .header("Authorization", "Bearer " + Gateway.TOKEN)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"a boat\"}")));

        assertOpenAiError(res, 404, "invalid_request_error");
        assertThat(gateway.stub().received()).isEmpty();
    }
}
