package dev.caravan.dialect.openai;

import static dev.caravan.dialect.openai.JsonAssert.assertJson;
import static dev.caravan.dialect.openai.JsonAssert.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MapsReasoningEffortTest {

    private final OpenAiToGemini translator = new OpenAiToGemini(JsonAssert.JSON,
            new ModelAliases(List.of(), List.of(), List.of("gemini-2.5-flash", "gemini-2.5-pro"),
                    Map.of("gemini-2.5-flash", 2048, "gemini-3-flash-preview", -1), List.of()),
            ImageFetcher.refusing(), new ThoughtSignatures());

    static Stream<Arguments> efforts() {
        return Stream.of(
                arguments("gemini-2.5-flash", "none", "{\"thinkingBudget\":0}"),
                arguments("gemini-2.5-pro", "none", "{\"thinkingBudget\":128}"),
                arguments("gemini-2.5-flash", "minimal", "{\"thinkingBudget\":1024,\"includeThoughts\":true}"),
                arguments("gemini-2.5-flash", "low", "{\"thinkingBudget\":1024,\"includeThoughts\":true}"),
                arguments("gemini-2.5-flash", "medium", "{\"thinkingBudget\":8192,\"includeThoughts\":true}"),
                arguments("gemini-2.5-pro", "high", "{\"thinkingBudget\":24576,\"includeThoughts\":true}"),
                arguments("gemini-3-pro-preview", "none", "{\"thinkingLevel\":\"low\"}"),
                arguments("gemini-3-pro-preview", "minimal", "{\"thinkingLevel\":\"low\",\"includeThoughts\":true}"),
                arguments("gemini-3-pro-preview", "low", "{\"thinkingLevel\":\"low\",\"includeThoughts\":true}"),
                arguments("gemini-3-pro-preview", "medium", "{\"thinkingLevel\":\"high\",\"includeThoughts\":true}"),
                arguments("gemini-3-pro-preview", "high", "{\"thinkingLevel\":\"high\",\"includeThoughts\":true}"),
                arguments("gemini-3-flash-preview", "none", "{\"thinkingLevel\":\"minimal\"}"),
                arguments("gemini-3-flash-preview", "minimal", "{\"thinkingLevel\":\"minimal\",\"includeThoughts\":true}"),
                arguments("gemini-3-flash-preview", "low", "{\"thinkingLevel\":\"low\",\"includeThoughts\":true}"),
                arguments("gemini-3-flash-preview", "medium", "{\"thinkingLevel\":\"medium\",\"includeThoughts\":true}"),
                arguments("gemini-3-flash-preview", "high", "{\"thinkingLevel\":\"high\",\"includeThoughts\":true}"),
                // THINKING_BUDGET_MAP only when the client said nothing; thoughts shown (SHOW_THINKING_PROCESS)
                arguments("gemini-2.5-flash", null, "{\"thinkingBudget\":2048,\"includeThoughts\":true}"),
                arguments("gemini-3-flash-preview", null, "{\"thinkingBudget\":-1,\"includeThoughts\":true}"),
                arguments("gemini-2.5-flash", "high", "{\"thinkingBudget\":24576,\"includeThoughts\":true}"),
                arguments("gemini-2.5-pro", null, null),
                // -non-thinking is the model the client chose: it wins over reasoning_effort
                arguments("gemini-2.5-flash-non-thinking", null, "{\"thinkingBudget\":0}"),
                arguments("gemini-2.5-pro-non-thinking", null, "{\"thinkingBudget\":128}"),
                arguments("gemini-2.5-flash-non-thinking", "high", "{\"thinkingBudget\":0}"));
    }

    @ParameterizedTest(name = "{0} with reasoning_effort {1}")
    @MethodSource("efforts")
    void mapsToThinkingConfig(String model, String effort, String expected) {
        String effortField = effort == null ? "" : ",\"reasoning_effort\":\"" + effort + "\"";
        JsonNode body = translator.translate(json("{\"model\":\"" + model + "\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"hi\"}]" + effortField + "}")).body();

        if (expected == null) {
            assertThat(body.has("generationConfig")).isFalse();
        } else {
            assertJson(body.at("/generationConfig/thinkingConfig"), expected);
        }
    }
}
