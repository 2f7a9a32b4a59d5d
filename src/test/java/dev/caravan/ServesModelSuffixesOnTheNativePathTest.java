package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12, native path parity: {@code <m>-search}, {@code <m>-image} and {@code <m>-non-thinking} work on
 * /v1beta as on the OpenAI surface (the base model is called, the feature added unless the client said otherwise),
 * and /v1beta/models lists them after their base, without FILTERED_MODELS. A plain request still goes byte for byte.
 */
class ServesModelSuffixesOnTheNativePathTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("suffix-key")
            .set("caravan.search-models", "[\"gemini-2.5-flash\"]")
            .set("caravan.image-models", "[\"gemini-2.5-flash\"]")
            .set("caravan.thinking-models", "[\"gemini-2.5-pro\",\"gemini-2.5-flash\"]")
            .set("caravan.filtered-models", "[\"text-embedding-004\"]");

    @Test
    void callsTheBaseModelWithGoogleSearchForASearchId() throws Exception {
        HttpResponse<String> res = gateway.post("/gemini/v1beta/models/gemini-2.5-flash-search:generateContent",
                Gateway.prompt("news"));

        assertThat(res.statusCode()).isEqualTo(200);
        StubGemini.Received sent = gateway.stub().received().get(0);
        assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(JSON.readTree(sent.body()).path("tools").toString()).isEqualTo("[{\"googleSearch\":{}}]");
    }

    @Test
    void streamsAnImageIdWithImageOutput() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream",
                java.util.List.of(GoogleBodies.sseEvent("a picture")), java.time.Duration.ZERO, false));

        HttpResponse<String> res = gateway.post(
                "/v1beta/models/gemini-2.5-flash-image:streamGenerateContent?alt=sse", Gateway.prompt("draw"));

        assertThat(res.body()).contains("a picture");
        StubGemini.Received sent = gateway.stub().received().get(0);
        assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(JSON.readTree(sent.body()).path("generationConfig").path("responseModalities").toString())
                .isEqualTo("[\"TEXT\",\"IMAGE\"]");
    }

    @Test
    void turnsThinkingDownForANonThinkingIdUnlessTheClientSetIt() throws Exception {
        gateway.post("/v1beta/models/gemini-2.5-pro-non-thinking:generateContent", Gateway.prompt("quick"));
        String own = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"x\"}]}],"
                + "\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":512}}}";
        gateway.post("/v1beta/models/gemini-2.5-flash-non-thinking:generateContent", own);

        JsonNode pro = JSON.readTree(gateway.stub().received().get(0).body());
        assertThat(pro.path("generationConfig").path("thinkingConfig").toString())
                .as("Pro cannot stop thinking: its lowest budget").isEqualTo("{\"thinkingBudget\":128}");
        assertThat(gateway.stub().received().get(1).bodyText()).as("the client's own choice stands").isEqualTo(own);
        assertThat(gateway.stub().received().get(1).path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    }

    @Test
    void listsTheDerivedIdsAndHidesFilteredModels() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.models()));

        JsonNode list = JSON.readTree(gateway.get("/v1beta/models").body());

        assertThat(list.path("models").findValuesAsText("name")).containsExactly("models/gemini-2.5-flash",
                "models/gemini-2.5-flash-search", "models/gemini-2.5-flash-image", "models/gemini-2.5-flash-non-thinking");
        assertThat(list.path("models").get(1).path("displayName").asText()).isEqualTo("Gemini 2.5 Flash with Google Search");
        assertThat(list.path("nextPageToken").asText()).as("Google's paging stays").isEqualTo("page-2");
    }

    @Test
    void refusesFilteredModelsAsGeminiBalanceDoesWithoutUsingAKey() throws Exception {
        HttpResponse<String> embed = gateway.post("/v1beta/models/text-embedding-004:embedContent",
                "{\"content\":{\"parts\":[{\"text\":\"a\"}]}}");
        HttpResponse<String> entry = gateway.get("/v1beta/models/text-embedding-004");
        HttpResponse<String> chat = gateway.post("/v1/chat/completions",
                "{\"model\":\"text-embedding-004\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}");

        assertThat(embed.statusCode()).isEqualTo(400);
        assertThat(embed.body()).contains("text-embedding-004 is not supported");
        assertThat(entry.statusCode()).isEqualTo(404);
        assertThat(chat.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(chat.body()).at("/error/param").asText()).isEqualTo("model");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void answersAnAliasEntryUnderItsOwnName() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200,
                "{\"name\":\"models/gemini-2.5-flash\",\"displayName\":\"Gemini 2.5 Flash\"}"));

        JsonNode entry = JSON.readTree(gateway.get("/v1beta/models/gemini-2.5-flash-search").body());

        assertThat(gateway.stub().received().get(0).path()).isEqualTo("/v1beta/models/gemini-2.5-flash");
        assertThat(entry.path("name").asText()).isEqualTo("models/gemini-2.5-flash-search");
    }

    @Test
    void sendsAPlainRequestByteForByte() throws Exception {
        String body = Gateway.prompt("plain");

        gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", body);

        assertThat(gateway.stub().received().get(0).bodyText()).isEqualTo(body);
    }
}
