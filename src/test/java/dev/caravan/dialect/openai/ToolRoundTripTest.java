package dev.caravan.dialect.openai;

import static dev.caravan.dialect.openai.JsonAssert.assertJson;
import static dev.caravan.dialect.openai.JsonAssert.fill;
import static dev.caravan.dialect.openai.JsonAssert.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ToolRoundTripTest {

    private final ThoughtSignatures signatures = new ThoughtSignatures();
    private final OpenAiToGemini toGemini = translator(signatures);
    private final GeminiToOpenAi toOpenAi = new GeminiToOpenAi(JsonAssert.JSON, signatures, JsonAssert.CLOCK,
            () -> "rt1");

    private static OpenAiToGemini translator(ThoughtSignatures signatures) {
        return new OpenAiToGemini(JsonAssert.JSON, ModelAliases.none(), ImageFetcher.refusing(), signatures);
    }

    @Test
    void toolCallsAndResultsBecomeFunctionCallsAndResponses() {
        JsonNode body = toGemini.translate(json("""
                {"model":"gemini-2.5-flash","messages":[
                  {"role":"user","content":"Weather in Paris, and the time?"},
                  {"role":"assistant","content":"","tool_calls":[
                    {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                    {"id":"call_2","type":"function","function":{"name":"get_time","arguments":""}}]},
                  {"role":"tool","tool_call_id":"call_2","content":"[1,2]"},
                  {"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"{\\"temp\\":21}"}]},
                  {"role":"assistant","content":"Sunny, 21 degrees."},
                  {"role":"tool","tool_call_id":"call_1","content":"late result"},
                  {"role":"user","content":"Thanks"}]}
                """)).body();

        assertJson(body.get("contents"), """
                [{"role":"user","parts":[{"text":"Weather in Paris, and the time?"}]},
                 {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}},
                                          {"functionCall":{"name":"get_time","args":{}}}]},
                 {"role":"user","parts":[{"functionResponse":{"name":"get_time","response":{"content":"[1,2]"}}},
                                         {"functionResponse":{"name":"get_weather","response":{"temp":21}}}]},
                 {"role":"model","parts":[{"text":"Sunny, 21 degrees."}]},
                 {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"content":"late result"}}}]},
                 {"role":"user","parts":[{"text":"Thanks"}]}]
                """);
    }

    @Test
    void geminiFunctionCallCarriesItsThoughtSignatureToTheClient() {
        JsonNode completion = JsonAssert.completion(toOpenAi, json("""
                {"candidates":[{"index":0,"finishReason":"STOP","content":{"role":"model","parts":[
                  {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"sig-A"},
                  {"functionCall":{"name":"get_time","args":{}}}]}}]}
                """), "gemini-3-pro-preview");

        assertJson(completion.at("/choices/0/message/tool_calls"), fill("""
                [{"id":"${a}","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"},
                  "extra_content":{"google":{"thought_signature":"sig-A"}}},
                 {"id":"${b}","type":"function","function":{"name":"get_time","arguments":"{}"}}]
                """, Map.of("a", ToolCallIds.of("chatcmpl-rt1", 0, 0), "b", ToolCallIds.of("chatcmpl-rt1", 0, 1))));
        assertThat(signatures.recall(ToolCallIds.of("chatcmpl-rt1", 0, 0))).isEqualTo("sig-A");
    }

    static Stream<Arguments> signaturesComingBack() {
        return Stream.of(
                arguments("remembered signature restored when the client drops extra_content",
                        "gemini-3-pro-preview", "", true,
                        "[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{}},\"thoughtSignature\":\"sig-A\"},"
                                + "{\"functionCall\":{\"name\":\"get_time\",\"args\":{}}}]"),
                arguments("signature carried in extra_content is used without any memory",
                        "gemini-3-pro-preview", ",\"extra_content\":{\"google\":{\"thought_signature\":\"sig-C\"}}", false,
                        "[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{}},\"thoughtSignature\":\"sig-C\"},"
                                + "{\"functionCall\":{\"name\":\"get_time\",\"args\":{}}}]"),
                arguments("carried signature wins over the remembered one",
                        "gemini-3-pro-preview", ",\"extra_content\":{\"google\":{\"thought_signature\":\"sig-C\"}}", true,
                        "[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{}},\"thoughtSignature\":\"sig-C\"},"
                                + "{\"functionCall\":{\"name\":\"get_time\",\"args\":{}}}]"),
                arguments("a Gemini 3 turn with no signature at all gets Google's placeholder on its first call",
                        "gemini-3-flash-preview", "", false,
                        "[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{}},"
                                + "\"thoughtSignature\":\"skip_thought_signature_validator\"},"
                                + "{\"functionCall\":{\"name\":\"get_time\",\"args\":{}}}]"),
                arguments("older models get no signature when none is known",
                        "gemini-2.5-flash", "", false,
                        "[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{}}},"
                                + "{\"functionCall\":{\"name\":\"get_time\",\"args\":{}}}]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signaturesComingBack")
    void restoresThoughtSignatureOnTheWayBack(String name, String model, String extraContent, boolean remembered,
                                              String expectedParts) {
        ThoughtSignatures memory = new ThoughtSignatures();
        if (remembered) {
            memory.remember("call_a", "sig-A");
        }
        JsonNode body = translator(memory).translate(json("""
                {"model":"%s","messages":[
                  {"role":"user","content":"Weather?"},
                  {"role":"assistant","tool_calls":[
                    {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{}"}%s},
                    {"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"call_a","content":"{}"},
                  {"role":"tool","tool_call_id":"call_b","content":"{}"}]}
                """.formatted(model, extraContent))).body();

        assertJson(body.at("/contents/1/parts"), expectedParts);
    }

    @Test
    void fullRoundTripThroughTheSharedMemory() {
        JsonNode completion = JsonAssert.completion(toOpenAi, json("""
                {"candidates":[{"content":{"role":"model","parts":[
                  {"functionCall":{"name":"get_weather","args":{"city":"Oslo"}},"thoughtSignature":"sig-Z"}]}}]}
                """), "gemini-3-pro-preview");
        JsonNode call = completion.at("/choices/0/message/tool_calls/0").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) call).remove("extra_content");

        JsonNode body = toGemini.translate(json("""
                {"model":"gemini-3-pro-preview","messages":[{"role":"user","content":"Oslo?"},
                  {"role":"assistant","content":null,"tool_calls":[%s]},
                  {"role":"tool","tool_call_id":"%s","content":"cold"}]}
                """.formatted(call, call.get("id").asText()))).body();

        assertJson(body.get("contents"), """
                [{"role":"user","parts":[{"text":"Oslo?"}]},
                 {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Oslo"}},
                                           "thoughtSignature":"sig-Z"}]},
                 {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"content":"cold"}}}]}]
                """);
    }
}
