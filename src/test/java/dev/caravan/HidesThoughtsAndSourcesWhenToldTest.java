package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12: SHOW_THINKING_PROCESS=false asks Google for no thought summaries and drops any that come (never into
 * content); SHOW_SEARCH_LINK=false ends a grounded OpenAI answer without its list of sources.
 */
class HidesThoughtsAndSourcesWhenToldTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("quiet-key")
            .set("caravan.show-thinking-process", "false")
            .set("caravan.show-search-link", "false")
            .set("caravan.thinking-budget-map", "{\"gemini-2.5-flash\": 2048}");

    @Test
    void asksForNoThoughtsAndShowsNone() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, """
                {"candidates":[{"content":{"role":"model","parts":[{"text":"pondering","thought":true},{"text":"42"}]},
                "finishReason":"STOP","index":0,
                "groundingMetadata":{"groundingChunks":[{"web":{"uri":"https://example.com/a","title":"A"}}]}}]}
                """));

        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gemini-2.5-flash\",\"reasoning_effort\":\"low\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"?\"}]}")));

        JsonNode sent = JSON.readTree(gateway.stub().received().get(0).body());
        assertThat(sent.path("generationConfig").path("thinkingConfig").has("includeThoughts")).isFalse();
        JsonNode message = JSON.readTree(res.body()).path("choices").get(0).path("message");
        assertThat(message.path("content").asText()).isEqualTo("42");
        assertThat(message.has("reasoning_content")).isFalse();
    }
}
