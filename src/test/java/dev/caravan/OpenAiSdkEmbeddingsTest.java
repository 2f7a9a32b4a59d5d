package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.Embedding;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.caravan.support.Gateway;
import dev.caravan.support.OpenAiSdk;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenAI's Java SDK embeds text through the gateway: each input becomes one request of Gemini's
 * batchEmbedContents, in order, {@code dimensions} becomes {@code outputDimensionality}, and the vectors come back
 * in the encoding the SDK asked for (floats, or base64 of little-endian float32), whichever it asks by default.
 */
class OpenAiSdkEmbeddingsTest {

    private static final String MODEL = "text-embedding-004";
    private static final List<String> POOL = List.of("embed-pool-key-a", "embed-pool-key-b");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One vector per input, in the order Gemini answers; exact in float32, so both encodings compare equal. */
    private static final List<List<Float>> VECTORS = List.of(
            List.of(0.25f, -0.5f, 0.125f), List.of(1.0f, 0.0f, -1.0f), List.of(-0.75f, 0.5f, 2.0f));

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(POOL.toArray(String[]::new));

    @RegisterExtension
    static final OpenAiSdk.Session sdk = OpenAiSdk.session(gateway);

    @BeforeEach
    void stubAnswersLikeGoogle() {
        stubEmbedsEachRequest();
    }

    private static void stubEmbedsEachRequest() {
        gateway.stub().answer(r -> {
            if (!r.path().endsWith(":batchEmbedContents")) {
                return new StubGemini.Json(404, "{\"error\":{\"code\":404,\"message\":\"not here\",\"status\":\"NOT_FOUND\"}}");
            }
            int n;
            try {
                n = JSON.readTree(r.body()).path("requests").size();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            StringBuilder body = new StringBuilder("{\"embeddings\": [");
            for (int i = 0; i < n; i++) {
                body.append(i == 0 ? "" : ",").append("{\"values\": ").append(VECTORS.get(i)).append('}');
            }
            return new StubGemini.Json(200, body.append("]}").toString());
        });
    }

    @Test
    void sdkEmbedsOneStringAsOneBatchRequestWithItsDimensions() throws Exception {
        CreateEmbeddingResponse res = sdk.client().embeddings().create(EmbeddingCreateParams.builder()
                .model(MODEL).input("hello world").dimensions(3).build());

        assertThat(res.data()).singleElement().satisfies(e -> {
            assertThat(e.index()).isZero();
            assertThat(e.embedding()).isEqualTo(VECTORS.get(0));
        });
        assertThat(res.model()).isEqualTo(MODEL);
        JsonNode requests = requestsGoogleReceived();
        assertThat(requests).hasSize(1);
        assertThat(requests.at("/0/model").asText()).isEqualTo("models/text-embedding-004");
        assertThat(requests.at("/0/content/parts/0/text").asText()).isEqualTo("hello world");
        assertThat(requests.at("/0/outputDimensionality").asInt()).isEqualTo(3);
    }

    @Test
    void sdkEmbedsAListInTheOrderGiven() throws Exception {
        CreateEmbeddingResponse res = sdk.client().embeddings().create(EmbeddingCreateParams.builder()
                .model(MODEL).inputOfArrayOfStrings(List.of("first", "second", "third")).build());

        assertThat(res.data()).extracting(Embedding::index).containsExactly(0L, 1L, 2L);
        assertThat(res.data()).extracting(Embedding::embedding).containsExactlyElementsOf(VECTORS);
        JsonNode requests = requestsGoogleReceived();
        List<String> texts = new ArrayList<>();
        requests.forEach(r -> texts.add(r.at("/content/parts/0/text").asText()));
        assertThat(texts).containsExactly("first", "second", "third");
        assertThat(requests).allSatisfy(r -> assertThat(r.has("outputDimensionality")).isFalse());
    }

    @Test
    void sdkAsksForBase64ByDefaultAndGetsIt() throws Exception {
        // openai-java, like OpenAI's Python SDK, sends encoding_format base64 when the caller names none
        assertThat(encodingTheSdkSendsByDefault()).isEqualTo("base64");

        CreateEmbeddingResponse res = sdk.client().embeddings().create(EmbeddingCreateParams.builder()
                .model(MODEL).inputOfArrayOfStrings(List.of("a", "b")).build());

        assertThat(res.data()).allSatisfy(e -> assertThat(e.embeddingValue().isBase64()).isTrue());
        assertThat(res.data()).extracting(Embedding::embedding).containsExactly(VECTORS.get(0), VECTORS.get(1));
        assertThat(requestsGoogleReceived()).hasSize(2);
    }

    @Test
    void base64EncodingGivesLittleEndianFloat32() throws Exception {
        CreateEmbeddingResponse res = sdk.client().embeddings().create(EmbeddingCreateParams.builder()
                .model(MODEL).input("hello").encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());

        Embedding e = res.data().get(0);
        assertThat(e.embeddingValue().isBase64()).isTrue();
        assertThat(floats(e.embeddingValue().asBase64())).isEqualTo(VECTORS.get(0));
        assertThat(e.embedding()).isEqualTo(VECTORS.get(0));
        // the encoding is the gateway's business: Gemini is not told about it
        assertThat(requestsGoogleReceived().get(0).has("encoding_format")).isFalse();
    }

    @Test
    void floatEncodingGivesAnArrayOfNumbers() throws Exception {
        CreateEmbeddingResponse res = sdk.client().embeddings().create(EmbeddingCreateParams.builder()
                .model(MODEL).input("hello").encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());

        Embedding e = res.data().get(0);
        assertThat(e.embeddingValue().isFloats()).isTrue();
        assertThat(e.embedding()).isEqualTo(VECTORS.get(0));
        assertThat(requestsGoogleReceived()).hasSize(1);
    }

    /**
     * The SDK's own default {@code encoding_format}, read from what it sends to a server that records requests
     * (the stub itself), or null when it sends none.
     */
    private static String encodingTheSdkSendsByDefault() throws Exception {
        OpenAIClient direct = OpenAiSdk.direct(gateway.stub());
        try {
            // the stub answers nothing the SDK can read; only the request matters here
            catchThrowable(() -> direct.embeddings().create(EmbeddingCreateParams.builder()
                    .model(MODEL).input("probe").build()));
        } finally {
            direct.close();
        }
        StubGemini.Received probe = gateway.stub().received().get(0);
        assertThat(probe.path()).isEqualTo("/v1/embeddings");
        gateway.stub().reset();
        stubEmbedsEachRequest();
        JsonNode format = JSON.readTree(probe.body()).get("encoding_format");
        return format == null ? null : format.asText();
    }

    /** The requests of the one batchEmbedContents call the gateway made, checked for path and key. */
    private static JsonNode requestsGoogleReceived() throws Exception {
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(1);
        StubGemini.Received up = seen.get(0);
        assertThat(up.method()).isEqualTo("POST");
        assertThat(up.path()).isEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents");
        assertThat(up.key()).isIn(POOL);
        assertThat(up.header("authorization")).isNull();
        return JSON.readTree(up.body()).path("requests");
    }

    private static List<Float> floats(String base64) {
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        List<Float> out = new ArrayList<>();
        while (buf.hasRemaining()) {
            out.add(buf.getFloat());
        }
        return out;
    }
}
