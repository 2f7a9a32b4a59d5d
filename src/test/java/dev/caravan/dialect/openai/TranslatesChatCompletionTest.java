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

class TranslatesChatCompletionTest {

    private final GeminiToOpenAi translator = new GeminiToOpenAi(JsonAssert.JSON, new ThoughtSignatures(),
            JsonAssert.CLOCK, () -> "abc");

    @Test
    void translatesTextAnswerWithUsage() {
        JsonNode out = JsonAssert.completion(translator, json("""
                {"candidates":[{"index":0,"finishReason":"STOP","content":{"role":"model",
                   "parts":[{"text":"Hello"},{"text":", world"}]}}],
                 "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"totalTokenCount":8},
                 "modelVersion":"gemini-2.5-flash","responseId":"r1"}
                """), "gpt-4o-alias");

        assertJson(out, """
                {"id":"chatcmpl-abc","object":"chat.completion","created":1700000000,"model":"gpt-4o-alias",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello, world"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8,
                          "completion_tokens_details":{"reasoning_tokens":0}}}
                """);
    }

    @Test
    void putsThoughtsInReasoningContentAndCountsThemAsCompletion() {
        JsonNode out = JsonAssert.completion(translator, json("""
                {"candidates":[{"finishReason":"STOP","content":{"role":"model","parts":[
                   {"text":"Let me think. ","thought":true},{"text":"Done.","thought":true},{"text":"42"}]}}],
                 "usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":2,"thoughtsTokenCount":30,
                                  "cachedContentTokenCount":4,"totalTokenCount":42}}
                """), "gemini-2.5-pro");

        assertJson(out, """
                {"id":"chatcmpl-abc","object":"chat.completion","created":1700000000,"model":"gemini-2.5-pro",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"42",
                             "reasoning_content":"Let me think. Done."},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":10,"completion_tokens":32,"total_tokens":42,
                          "prompt_tokens_details":{"cached_tokens":4},
                          "completion_tokens_details":{"reasoning_tokens":30}}}
                """);
    }

    @Test
    void givesOneChoicePerCandidateWithItsOwnIndex() {
        JsonNode out = JsonAssert.completion(translator, json("""
                {"candidates":[
                   {"index":0,"finishReason":"STOP","content":{"role":"model","parts":[{"text":"A"}]}},
                   {"index":1,"finishReason":"MAX_TOKENS","content":{"role":"model","parts":[{"text":"B"}]}},
                   {"index":2,"finishReason":"STOP","content":{"role":"model","parts":[
                      {"functionCall":{"name":"f","args":{"x":1}}}]}}]}
                """), "gemini-2.5-flash");

        assertJson(out.get("choices"), fill("""
                [{"index":0,"message":{"role":"assistant","content":"A"},"finish_reason":"stop"},
                 {"index":1,"message":{"role":"assistant","content":"B"},"finish_reason":"length"},
                 {"index":2,"message":{"role":"assistant","content":null,"tool_calls":[
                    {"id":"${id}","type":"function","function":{"name":"f","arguments":"{\\"x\\":1}"}}]},
                  "finish_reason":"tool_calls"}]
                """, Map.of("id", ToolCallIds.of("chatcmpl-abc", 2, 0))));
        assertThat(out.has("usage")).isFalse();
    }

    @Test
    void keepsTextBesideToolCallsAndUsesGeminiCallIdsWhenGiven() {
        JsonNode out = JsonAssert.completion(translator, json("""
                {"candidates":[{"finishReason":"STOP","content":{"role":"model","parts":[
                   {"text":"Checking."},{"functionCall":{"id":"g-7","name":"f","args":{}}}]}}]}
                """), "gemini-2.5-flash");

        assertJson(out.at("/choices/0"), """
                {"index":0,"message":{"role":"assistant","content":"Checking.","tool_calls":[
                   {"id":"g-7","type":"function","function":{"name":"f","arguments":"{}"}}]},
                 "finish_reason":"tool_calls"}
                """);
    }

    static Stream<Arguments> finishReasons() {
        return Stream.of(
                arguments("STOP", "stop"),
                arguments("MAX_TOKENS", "length"),
                arguments("SAFETY", "content_filter"),
                arguments("RECITATION", "content_filter"),
                arguments("PROHIBITED_CONTENT", "content_filter"),
                arguments("BLOCKLIST", "content_filter"),
                arguments("SPII", "content_filter"),
                arguments("IMAGE_SAFETY", "content_filter"),
                arguments("OTHER", "stop"),
                arguments("MALFORMED_FUNCTION_CALL", "stop"),
                arguments("FINISH_REASON_UNSPECIFIED", "stop"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("finishReasons")
    void mapsFinishReason(String gemini, String openAi) {
        JsonNode out = JsonAssert.completion(translator, json("{\"candidates\":[{\"finishReason\":\"" + gemini
                + "\",\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"x\"}]}}]}"), "m");

        assertThat(out.at("/choices/0/finish_reason").asText()).isEqualTo(openAi);
    }

    @Test
    void blockedPromptGivesOneEmptyFilteredChoice() {
        JsonNode out = JsonAssert.completion(translator, json("""
                {"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},
                 "usageMetadata":{"promptTokenCount":7,"totalTokenCount":7}}
                """), "gemini-2.5-flash");

        assertJson(out, """
                {"id":"chatcmpl-abc","object":"chat.completion","created":1700000000,"model":"gemini-2.5-flash",
                 "choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"content_filter"}],
                 "usage":{"prompt_tokens":7,"completion_tokens":0,"total_tokens":7,
                          "completion_tokens_details":{"reasoning_tokens":0}}}
                """);
    }

    @Test
    void safetyStopWithoutContentGivesEmptyText() {
        JsonNode out = JsonAssert.completion(translator, json("{\"candidates\":[{\"finishReason\":\"SAFETY\","
                + "\"safetyRatings\":[]}]}"), "m");

        assertJson(out.get("choices"), """
                [{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"content_filter"}]
                """);
    }

    @Test
    void toolCallIdsAreStableForTheSameCompletionAndDifferAcrossCompletions() {
        assertThat(ToolCallIds.of("chatcmpl-a", 0, 0)).isEqualTo(ToolCallIds.of("chatcmpl-a", 0, 0))
                .matches("call_[0-9a-f]{24}")
                .isNotEqualTo(ToolCallIds.of("chatcmpl-a", 0, 1))
                .isNotEqualTo(ToolCallIds.of("chatcmpl-a", 1, 0))
                .isNotEqualTo(ToolCallIds.of("chatcmpl-b", 0, 0));
    }
}
