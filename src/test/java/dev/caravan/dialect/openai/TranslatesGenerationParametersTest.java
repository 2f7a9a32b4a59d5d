package dev.caravan.dialect.openai;

import static dev.caravan.dialect.openai.JsonAssert.assertJson;
import static dev.caravan.dialect.openai.JsonAssert.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TranslatesGenerationParametersTest {

    private final OpenAiToGemini translator = new OpenAiToGemini(JsonAssert.JSON, ModelAliases.none(),
            ImageFetcher.refusing(), new ThoughtSignatures());

    private GeminiChatRequest translate(String extraFields) {
        return translator.translate(json("{\"model\":\"gemini-2.5-flash\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extraFields + "}"));
    }

    static Stream<Arguments> parameters() {
        return Stream.of(
                arguments("\"temperature\":0.2", "{\"temperature\":0.2}"),
                arguments("\"temperature\":0", "{\"temperature\":0}"),
                arguments("\"top_p\":0.9", "{\"topP\":0.9}"),
                arguments("\"top_k\":40", "{\"topK\":40}"),
                arguments("\"max_tokens\":256", "{\"maxOutputTokens\":256}"),
                arguments("\"max_completion_tokens\":512", "{\"maxOutputTokens\":512}"),
                arguments("\"max_tokens\":256,\"max_completion_tokens\":512", "{\"maxOutputTokens\":512}"),
                arguments("\"stop\":\"END\"", "{\"stopSequences\":[\"END\"]}"),
                arguments("\"stop\":[\"a\",\"b\"]", "{\"stopSequences\":[\"a\",\"b\"]}"),
                arguments("\"n\":3", "{\"candidateCount\":3}"),
                arguments("\"seed\":42", "{\"seed\":42}"),
                arguments("\"presence_penalty\":0.5", "{\"presencePenalty\":0.5}"),
                arguments("\"frequency_penalty\":-0.5", "{\"frequencyPenalty\":-0.5}"),
                arguments("\"response_format\":{\"type\":\"json_object\"}", "{\"responseMimeType\":\"application/json\"}"),
                arguments("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"strict\":true,"
                                + "\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/A\"}},"
                                + "\"$defs\":{\"A\":{\"type\":\"string\"}},\"additionalProperties\":false,\"required\":[\"a\"]}}}",
                        "{\"responseMimeType\":\"application/json\",\"responseJsonSchema\":{\"type\":\"object\","
                                + "\"properties\":{\"a\":{\"type\":\"string\"}},\"additionalProperties\":false,\"required\":[\"a\"]}}"),
                arguments("\"temperature\":1,\"top_p\":0.5,\"max_tokens\":9,\"stop\":[\"x\"],\"n\":2,\"seed\":7",
                        "{\"temperature\":1,\"topP\":0.5,\"maxOutputTokens\":9,\"stopSequences\":[\"x\"],"
                                + "\"candidateCount\":2,\"seed\":7}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parameters")
    void mapsParameter(String fields, String expected) {
        assertJson(translate("," + fields).body().get("generationConfig"), expected);
    }

    static Stream<Arguments> nothingToSend() {
        return Stream.of(
                arguments("nothing sent", ""),
                arguments("everything null", ",\"temperature\":null,\"top_p\":null,\"max_tokens\":null,\"stop\":null,"
                        + "\"n\":null,\"seed\":null,\"response_format\":null,\"reasoning_effort\":null"),
                arguments("text response format and an empty stop list", ",\"response_format\":{\"type\":\"text\"},\"stop\":[]"),
                arguments("fields Gemini has no use for", ",\"user\":\"u1\",\"logit_bias\":{\"1\":2},\"store\":true,"
                        + "\"metadata\":{\"a\":\"b\"},\"parallel_tool_calls\":false,\"service_tier\":\"auto\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nothingToSend")
    void sendsNoGenerationConfigWhenTheClientSetNothing(String name, String fields) {
        JsonNode body = translate(fields).body();

        assertJson(body, "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}");
    }

    static Stream<Arguments> streamFlags() {
        return Stream.of(
                arguments("", false, false, "generateContent", null),
                arguments(",\"stream\":false", false, false, "generateContent", null),
                arguments(",\"stream\":true", true, false, "streamGenerateContent", "alt=sse"),
                arguments(",\"stream\":true,\"stream_options\":{\"include_usage\":true}", true, true,
                        "streamGenerateContent", "alt=sse"),
                arguments(",\"stream\":true,\"stream_options\":{\"include_usage\":false}", true, false,
                        "streamGenerateContent", "alt=sse"));
    }

    @ParameterizedTest(name = "fields [{0}]")
    @MethodSource("streamFlags")
    void recordsStreamingForTheRoute(String fields, boolean stream, boolean includeUsage, String action, String query) {
        GeminiChatRequest out = translate(fields);

        assertThat(out.stream()).isEqualTo(stream);
        assertThat(out.includeUsage()).isEqualTo(includeUsage);
        assertThat(out.path()).isEqualTo("/models/gemini-2.5-flash:" + action);
        assertThat(out.query()).isEqualTo(query);
        assertThat(out.body().has("stream")).isFalse();
    }

    @Test
    void reportsTheRequestedModel() {
        GeminiChatRequest out = translator.translate(json(
                "{\"model\":\"models/gemini-2.5-pro\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

        assertThat(out.requestedModel()).isEqualTo("models/gemini-2.5-pro");
        assertThat(out.model()).isEqualTo("gemini-2.5-pro");
    }
}
