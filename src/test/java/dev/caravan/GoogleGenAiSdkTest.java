package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.ContentEmbedding;
import com.google.genai.types.CountTokensResponse;
import com.google.genai.types.EmbedContentResponse;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Google's official Java SDK (com.google.genai) works against the gateway unchanged: only its base URL points
 * at Caravan and its API key is a Caravan client token. Each call is also made straight to the stub once, so
 * the test knows the exact bytes the SDK sends and can check that Google receives the same through the gateway.
 */
class GoogleGenAiSdkTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a", "pool-key-b");

    private static Client viaGateway;
    private static Client direct;

    @BeforeAll
    static void clients() {
        viaGateway = sdk(gateway.url(""), Gateway.TOKEN);
        // the same SDK talking to "Google" itself, with a pool key: what an unproxied call would send
        direct = sdk(gateway.stub().baseUrl().replaceFirst("/v1beta$", ""), "pool-key-a");
    }

    @AfterAll
    static void closeClients() {
        viaGateway.close();
        direct.close();
    }

    private static Client sdk(String baseUrl, String apiKey) {
        return Client.builder()
                .apiKey(apiKey)
                .httpOptions(HttpOptions.builder().baseUrl(baseUrl).apiVersion("v1beta").build())
                .build();
    }

    @BeforeEach
    void stubAnswersLikeGoogle() {
        gateway.stub().answer(r -> {
            String p = r.path();
            if (p.endsWith(":streamGenerateContent")) {
                return new StubGemini.Sse("text/event-stream", List.of(GoogleBodies.sseEvent("Hello"),
                        GoogleBodies.sseEvent(", streaming"), GoogleBodies.sseEvent(" world")), Duration.ofMillis(10), false);
            }
            if (p.endsWith(":generateContent")) {
                return new StubGemini.Json(200, GoogleBodies.generateContent("Hi from the stub"));
            }
            if (p.endsWith(":countTokens")) {
                return new StubGemini.Json(200, "{\n  \"totalTokens\": 7,\n  \"promptTokensDetails\": [{\"modality\": \"TEXT\", \"tokenCount\": 7}]\n}\n");
            }
            // the SDK's embedContent calls Gemini's batch method, even for one text
            if (p.endsWith(":batchEmbedContents")) {
                return new StubGemini.Json(200, "{\n  \"embeddings\": [{\"values\": [0.25, -0.5, 0.125]}]\n}\n");
            }
            return new StubGemini.Json(404, GoogleBodies.notFound());
        });
    }

    @Test
    void sdkGenerateContentGetsTheStubsTextAndGoogleSeesAPoolKeyAndTheSdksBody() throws Exception {
        GenerateContentResponse res = viaGateway.models.generateContent(MODEL, "Say hi", null);

        assertThat(res.text()).isEqualTo("Hi from the stub");
        StubGemini.Received up = onlyRequestThroughGateway();
        assertThat(up.method()).isEqualTo("POST");
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(JSON.readTree(up.body()).at("/contents/0/parts/0/text").asText()).isEqualTo("Say hi");
        assertThat(up.bodyText()).isEqualTo(bodySentDirectly(c -> c.models.generateContent(MODEL, "Say hi", null)));
    }

    @Test
    void sdkGenerateContentStreamYieldsEveryChunkInOrder() throws Exception {
        List<String> texts = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> stream = viaGateway.models.generateContentStream(MODEL, "Stream hi", null)) {
            for (GenerateContentResponse chunk : stream) {
                texts.add(chunk.text());
            }
        }

        assertThat(texts).containsExactly("Hello", ", streaming", " world");
        StubGemini.Received up = onlyRequestThroughGateway();
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(up.query()).isEqualTo("alt=sse");
        assertThat(JSON.readTree(up.body()).at("/contents/0/parts/0/text").asText()).isEqualTo("Stream hi");
        assertThat(up.bodyText()).isEqualTo(bodySentDirectly(c -> {
            try (ResponseStream<GenerateContentResponse> s = c.models.generateContentStream(MODEL, "Stream hi", null)) {
                s.forEach(chunk -> { });
            }
        }));
    }

    @Test
    void sdkCountTokensGetsTheStubsCount() throws Exception {
        CountTokensResponse res = viaGateway.models.countTokens(MODEL, "How many tokens?", null);

        assertThat(res.totalTokens()).hasValue(7);
        StubGemini.Received up = onlyRequestThroughGateway();
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:countTokens");
        assertThat(up.bodyText()).contains("How many tokens?");
        assertThat(up.bodyText()).isEqualTo(bodySentDirectly(c -> c.models.countTokens(MODEL, "How many tokens?", null)));
    }

    @Test
    void sdkEmbedContentGetsTheStubsVector() throws Exception {
        EmbedContentResponse res = viaGateway.models.embedContent("text-embedding-004", "Embed me", null);

        assertThat(res.embeddings()).hasValueSatisfying(list -> assertThat(list)
                .singleElement()
                .extracting(ContentEmbedding::values)
                .isEqualTo(Optional.of(List.of(0.25f, -0.5f, 0.125f))));
        StubGemini.Received up = onlyRequestThroughGateway();
        assertThat(up.path()).isEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents");
        assertThat(up.bodyText()).contains("Embed me");
        assertThat(up.bodyText()).isEqualTo(bodySentDirectly(c -> c.models.embedContent("text-embedding-004", "Embed me", null)));
    }

    /**
     * The one request the gateway made for the SDK's call: with a pool key, never the client's token, and none of
     * the SDK's own headers (the gateway strips everything but the body).
     */
    private static StubGemini.Received onlyRequestThroughGateway() {
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(1);
        StubGemini.Received up = seen.get(0);
        assertThat(up.key()).isIn("pool-key-a", "pool-key-b");
        assertThat(up.headers().toString()).doesNotContain(Gateway.TOKEN);
        assertThat(String.valueOf(up.query())).doesNotContain(Gateway.TOKEN);
        assertThat(up.header("x-goog-api-client")).isNull();
        assertThat(up.header("content-type")).isEqualTo("application/json");
        return up;
    }

    /** Makes {@code call} straight to the stub and returns the body the SDK sent. */
    private static String bodySentDirectly(Consumer<Client> call) {
        int before = gateway.stub().received().size();
        call.accept(direct);
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(before + 1);
        return seen.get(before).bodyText();
    }
}
