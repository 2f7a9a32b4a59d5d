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

class TranslatesToolsTest {

    private final OpenAiToGemini translator = new OpenAiToGemini(JsonAssert.JSON, ModelAliases.none(),
            ImageFetcher.refusing(), new ThoughtSignatures());

    private JsonNode translate(String extraFields) {
        return translator.translate(json("{\"model\":\"gemini-2.5-flash\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extraFields + "}")).body();
    }

    @Test
    void declaresFunctionsWithCleanedJsonSchema() {
        JsonNode body = translate("""
                ,"tools":[
                  {"type":"function","function":{"name":"get_weather","description":"Weather for a place","strict":true,
                    "parameters":{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
                      "properties":{"place":{"$ref":"#/$defs/Place"},
                                    "unit":{"anyOf":[{"type":"string","enum":["c","f"]},{"type":"null"}],"default":"c"}},
                      "required":["place"],"additionalProperties":false,
                      "$defs":{"Place":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}}},
                  {"type":"function","function":{"name":"now"}},
                  {"type":"web_search_preview"}]
                """);

        assertJson(body.get("tools"), """
                [{"functionDeclarations":[
                  {"name":"get_weather","description":"Weather for a place",
                   "parametersJsonSchema":{"type":"object",
                     "properties":{"place":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},
                                   "unit":{"anyOf":[{"type":"string","enum":["c","f"]},{"type":"null"}]}},
                     "required":["place"],"additionalProperties":false}},
                  {"name":"now"}]}]
                """);
    }

    @Test
    void sendsNoToolsWhenTheClientSentNone() {
        JsonNode body = translate(",\"tools\":[],\"tool_choice\":null");

        assertThat(body.has("tools")).isFalse();
        assertThat(body.has("toolConfig")).isFalse();
    }

    static Stream<Arguments> toolChoices() {
        return Stream.of(
                arguments("\"none\"", "{\"functionCallingConfig\":{\"mode\":\"NONE\"}}"),
                arguments("\"auto\"", "{\"functionCallingConfig\":{\"mode\":\"AUTO\"}}"),
                arguments("\"required\"", "{\"functionCallingConfig\":{\"mode\":\"ANY\"}}"),
                arguments("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}",
                        "{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"get_weather\"]}}"));
    }

    @ParameterizedTest(name = "tool_choice {0}")
    @MethodSource("toolChoices")
    void mapsToolChoice(String choice, String expected) {
        JsonNode body = translate(",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}],"
                + "\"tool_choice\":" + choice);

        assertJson(body.get("toolConfig"), expected);
    }

    @Test
    void ignoresToolChoiceFormsGeminiCannotExpress() {
        JsonNode body = translate(",\"tool_choice\":{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":\"auto\"}}");

        assertThat(body.has("toolConfig")).isFalse();
    }
}
