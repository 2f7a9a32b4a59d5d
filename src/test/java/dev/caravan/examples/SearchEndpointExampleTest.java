package dev.caravan.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * README "Change the flow", second example: examples/search-endpoint.camel.yaml adds POST /v1/search in YAML alone,
 * through the key pool (failover included), with OpenAI-shaped errors and a request_log row.
 */
class SearchEndpointExampleTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("search-key-a", "search-key-b")
            .customRoute(java.nio.file.Path.of("examples/search-endpoint.camel.yaml"));

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String GROUNDED = """
            {"candidates": [{"content": {"role": "model", "parts": [{"text": "Caravans crossed the Sahara."}]},
              "finishReason": "STOP", "index": 0,
              "groundingMetadata": {"webSearchQueries": ["caravan history"],
                "groundingChunks": [
                  {"web": {"uri": "https://example.org/a", "title": "Trade routes"}},
                  {"web": {"uri": "https://example.org/b", "title": "Salt caravans"}}]}}],
             "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 6, "totalTokenCount": 11}}
            """;

    private HttpResponse<String> search(String body) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/search")))
                .header("Authorization", "Bearer " + Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void answersWithTheGroundedTextAndItsSourcesThroughThePool() throws Exception {
        gateway.stub().answerFor("search-key-a", r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("9s")));
        gateway.stub().answer(r -> new StubGemini.Json(200, GROUNDED));

        HttpResponse<String> res = search("{\"query\": \"history of \\\"caravans\\\"\"}");

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(res.body());
        assertThat(answer.path("answer").asText()).isEqualTo("Caravans crossed the Sahara.");
        assertThat(answer.path("sources")).hasSize(2);
        assertThat(answer.path("sources").get(0).path("uri").asText()).isEqualTo("https://example.org/a");
        assertThat(answer.path("sources").get(1).path("title").asText()).isEqualTo("Salt caravans");

        // what Google received: the query (escaped), Google Search grounding, a pool key on the model's path
        StubGemini.Received last = gateway.stub().received().get(gateway.stub().received().size() - 1);
        assertThat(last.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(last.key()).isEqualTo("search-key-b");
        JsonNode sent = JSON.readTree(last.body());
        assertThat(sent.path("contents").get(0).path("parts").get(0).path("text").asText())
                .isEqualTo("history of \"caravans\"");
        assertThat(sent.path("tools").get(0).has("google_search")).isTrue();

        Awaitility.await().untilAsserted(() -> assertThat(dev.caravan.support.Rows.query(gateway::openDatabase,
                "SELECT status, attempt_count, surface FROM request_log WHERE path = '/v1/search'")).contains(java.util.Map.of("status", 200, "attempt_count", 2, "surface", "openai")));
    }

    @Test
    void refusesAMissingQueryInOpenAisShapeWithoutCallingGoogle() throws Exception {
        HttpResponse<String> empty = search("{}");
        HttpResponse<String> broken = search("{not json");

        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(empty.body()).path("error").path("message").asText()).contains("query");
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(broken.body()).path("error").has("type")).isTrue();
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void refusesAClientWithoutAToken() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/search")))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"x\"}")));

        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(gateway.stub().received()).isEmpty();
    }
}
