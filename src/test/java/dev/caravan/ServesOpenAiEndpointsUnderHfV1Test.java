package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN §2, paths: every OpenAI endpoint also answers under {@code /hf/v1/…}, as gemini-balance's does, with the
 * same translation to Gemini and the same pool keys.
 */
class ServesOpenAiEndpointsUnderHfV1Test {

    private static final List<String> POOL = List.of("hf-pool-key-a", "hf-pool-key-b");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(POOL.toArray(String[]::new))
            .set("caravan.models-cache-seconds", "0");

    @BeforeEach
    void stubAnswersLikeGoogle() {
        gateway.stub().answer(r -> {
            String p = r.path();
            if (p.equals("/v1beta/models")) {
                return new StubGemini.Json(200, GoogleBodies.models());
            }
            if (p.endsWith(":batchEmbedContents")) {
                return new StubGemini.Json(200, "{\"embeddings\": [{\"values\": [0.5, 0.25]}]}");
            }
            if (p.endsWith(":predict")) {
                return new StubGemini.Json(200, "{\"predictions\": [{\"mimeType\": \"image/png\", \"bytesBase64Encoded\": \"aGk=\"}]}");
            }
            return new StubGemini.Json(200, GoogleBodies.generateContent("hi from hf"));
        });
    }

    private static HttpResponse<String> call(String method, String path, String body) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Authorization", "Bearer " + Gateway.TOKEN)
                .header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void chatCompletionsUnderHfV1() throws Exception {
        HttpResponse<String> res = call("POST", "/hf/v1/chat/completions",
                "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).at("/choices/0/message/content").asText()).isEqualTo("hi from hf");
        StubGemini.Received up = onlyUpstreamRequest();
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(JSON.readTree(up.body()).at("/contents/0/parts/0/text").asText()).isEqualTo("hi");
    }

    @Test
    void modelsUnderHfV1() throws Exception {
        HttpResponse<String> res = call("GET", "/hf/v1/models", null);

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode data = JSON.readTree(res.body()).path("data");
        assertThat(data.findValuesAsText("id")).contains("gemini-2.5-flash", "text-embedding-004");
        StubGemini.Received up = onlyUpstreamRequest();
        assertThat(up.method()).isEqualTo("GET");
        assertThat(up.path()).isEqualTo("/v1beta/models");
    }

    @Test
    void embeddingsUnderHfV1() throws Exception {
        HttpResponse<String> res = call("POST", "/hf/v1/embeddings", "{\"model\":\"text-embedding-004\",\"input\":\"hi\"}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).at("/data/0/embedding")).isEqualTo(JSON.readTree("[0.5,0.25]"));
        StubGemini.Received up = onlyUpstreamRequest();
        assertThat(up.path()).isEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents");
        assertThat(JSON.readTree(up.body()).at("/requests/0/content/parts/0/text").asText()).isEqualTo("hi");
    }

    @Test
    void imageGenerationsUnderHfV1() throws Exception {
        HttpResponse<String> res = call("POST", "/hf/v1/images/generations",
                "{\"model\":\"imagen-4.0-generate-001\",\"prompt\":\"a boat\"}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).at("/data/0/b64_json").asText()).isEqualTo("aGk=");
        StubGemini.Received up = onlyUpstreamRequest();
        assertThat(up.path()).isEqualTo("/v1beta/models/imagen-4.0-generate-001:predict");
        assertThat(JSON.readTree(up.body()).at("/instances/0/prompt").asText()).isEqualTo("a boat");
    }

    @Test
    void wrongTokenUnderHfV1IsRefused() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/hf/v1/models")))
                .header("Authorization", "Bearer nope").GET());

        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(res.body()).at("/error/type").asText()).isEqualTo("authentication_error");
        assertThat(gateway.stub().received()).isEmpty();
    }

    private static StubGemini.Received onlyUpstreamRequest() {
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(1);
        StubGemini.Received up = seen.get(0);
        assertThat(up.key()).isIn(POOL);
        assertThat(up.header("authorization")).isNull();
        return up;
    }
}
