package dev.caravan.dialect.openai;

import static dev.caravan.dialect.openai.JsonAssert.assertJson;
import static dev.caravan.dialect.openai.JsonAssert.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TranslatesEmbeddingsTest {

    private final OpenAiEmbeddings embeddings = new OpenAiEmbeddings();

    static Stream<Arguments> requests() {
        return Stream.of(
                arguments("one string", """
                        {"model":"gemini-embedding-001","input":"hello"}
                        """, """
                        {"requests":[{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"hello"}]}}]}
                        """),
                arguments("a list keeps its order, dimensions become outputDimensionality", """
                        {"model":"models/text-embedding-004","input":["b","a","c"],"dimensions":256,"user":"x"}
                        """, """
                        {"requests":[
                          {"model":"models/text-embedding-004","content":{"parts":[{"text":"b"}]},"outputDimensionality":256},
                          {"model":"models/text-embedding-004","content":{"parts":[{"text":"a"}]},"outputDimensionality":256},
                          {"model":"models/text-embedding-004","content":{"parts":[{"text":"c"}]},"outputDimensionality":256}]}
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void translatesRequest(String name, String request, String expected) {
        GeminiEmbedRequest out = embeddings.toGemini(json(request));

        assertJson(out.body(), expected);
        assertThat(out.path()).endsWith(":batchEmbedContents").startsWith("/models/").doesNotContain("models/models");
    }

    @Test
    void translatesFloatResponse() {
        GeminiEmbedRequest request = embeddings.toGemini(json("{\"model\":\"gemini-embedding-001\",\"input\":[\"a\",\"b\"]}"));

        JsonNode out = embeddings.toOpenAi(json("{\"embeddings\":[{\"values\":[0.5,-1.25]},{\"values\":[3,0.125]}]}"),
                request);

        assertJson(out, """
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-1.25]},
                                         {"object":"embedding","index":1,"embedding":[3,0.125]}],
                 "model":"gemini-embedding-001","usage":{"prompt_tokens":0,"total_tokens":0}}
                """);
    }

    @Test
    void reportsGooglesTokenCountWhenItGivesOne() {
        GeminiEmbedRequest request = embeddings.toGemini(json("{\"model\":\"gemini-embedding-001\",\"input\":\"a b\"}"));

        JsonNode out = embeddings.toOpenAi(json(
                "{\"embeddings\":[{\"values\":[1]}],\"usageMetadata\":{\"promptTokenCount\":7}}"), request);

        assertJson(out.path("usage"), "{\"prompt_tokens\":7,\"total_tokens\":7}");
    }

    @Test
    void refusesAnAnswerShortOfTheInputs() {
        GeminiEmbedRequest request = embeddings.toGemini(json("{\"model\":\"gemini-embedding-001\",\"input\":[\"a\",\"b\"]}"));

        assertThatThrownBy(() -> embeddings.toOpenAi(json("{\"embeddings\":[{\"values\":[1]}]}"), request))
                .isInstanceOfSatisfying(dev.caravan.errors.ClientError.class, e -> assertThat(e.httpStatus()).isEqualTo(502));
    }

    @Test
    void translatesBase64ResponseAsLittleEndianFloat32() {
        GeminiEmbedRequest request = embeddings.toGemini(json(
                "{\"model\":\"gemini-embedding-001\",\"input\":\"a\",\"encoding_format\":\"base64\"}"));

        JsonNode out = embeddings.toOpenAi(json("{\"embeddings\":[{\"values\":[0.5,-1.25,3.0e-3]}]}"), request);

        String b64 = out.at("/data/0/embedding").asText();
        ByteBuffer decoded = ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(decoded.remaining()).isEqualTo(12);
        assertThat(decoded.getFloat()).isEqualTo(0.5f);
        assertThat(decoded.getFloat()).isEqualTo(-1.25f);
        assertThat(decoded.getFloat()).isEqualTo(3.0e-3f);
        // 0.5f little-endian is 00 00 00 3f
        assertThat(b64).startsWith("AAAAPw");
        assertJson(out, "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\"" + b64
                + "\"}],\"model\":\"gemini-embedding-001\",\"usage\":{\"prompt_tokens\":0,\"total_tokens\":0}}");
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                arguments("{\"model\":\"m\",\"input\":[1,2,3]}", "token arrays"),
                arguments("{\"model\":\"m\",\"input\":[[1,2],[3]]}", "token arrays"),
                arguments("{\"model\":\"m\"}", "input is required"),
                arguments("{\"model\":\"m\",\"input\":[]}", "non-empty array"),
                arguments("{\"input\":\"a\"}", "model is required"),
                arguments("{\"model\":\"m\",\"input\":\"a\",\"encoding_format\":\"int8\"}", "encoding_format"),
                arguments("{\"model\":\"m\",\"input\":\"a\",\"dimensions\":0}", "dimensions"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesWhatGeminiCannotEmbed(String request, String message) {
        assertThatThrownBy(() -> embeddings.toGemini(json(request)))
                .isInstanceOf(InvalidOpenAiRequest.class)
                .hasMessageContaining(message);
    }
}
