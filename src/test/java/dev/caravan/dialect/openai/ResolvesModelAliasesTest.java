package dev.caravan.dialect.openai;

import static dev.caravan.dialect.openai.JsonAssert.assertJson;
import static dev.caravan.dialect.openai.JsonAssert.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResolvesModelAliasesTest {

    private static final ModelAliases ALIASES = new ModelAliases(List.of("gemini-2.5-flash"),
            List.of("gemini-2.0-flash-exp"), List.of("gemini-2.5-pro"), Map.of(), List.of());

    private final OpenAiToGemini translator = new OpenAiToGemini(JsonAssert.JSON, ALIASES, ImageFetcher.refusing(),
            new ThoughtSignatures());
    private final GeminiToOpenAi toOpenAi = new GeminiToOpenAi(JsonAssert.JSON, new ThoughtSignatures(),
            JsonAssert.CLOCK, () -> "alias");

    static Stream<Arguments> aliases() {
        return Stream.of(
                arguments("gemini-2.5-flash-search", "", "gemini-2.5-flash", """
                        {"contents":[{"role":"user","parts":[{"text":"hi"}]}],"tools":[{"googleSearch":{}}]}
                        """),
                arguments("gemini-2.5-flash-search", ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]",
                        "gemini-2.5-flash", """
                        {"contents":[{"role":"user","parts":[{"text":"hi"}]}],
                         "tools":[{"functionDeclarations":[{"name":"f"}]},{"googleSearch":{}}]}
                        """),
                arguments("gemini-2.0-flash-exp-image", ",\"temperature\":1", "gemini-2.0-flash-exp", """
                        {"contents":[{"role":"user","parts":[{"text":"hi"}]}],
                         "generationConfig":{"temperature":1,"responseModalities":["TEXT","IMAGE"]}}
                        """),
                arguments("gemini-2.5-pro-non-thinking", "", "gemini-2.5-pro", """
                        {"contents":[{"role":"user","parts":[{"text":"hi"}]}],
                         "generationConfig":{"thinkingConfig":{"thinkingBudget":128}}}
                        """),
                // Google's own ids ending in a suffix stay as they are unless their base is configured
                arguments("gemini-2.5-flash-image", "", "gemini-2.5-flash-image", """
                        {"contents":[{"role":"user","parts":[{"text":"hi"}]}]}
                        """),
                arguments("gemini-2.5-pro-search", "", "gemini-2.5-pro-search", """
                        {"contents":[{"role":"user","parts":[{"text":"hi"}]}]}
                        """),
                arguments("models/gemini-2.5-flash-search", "", "gemini-2.5-flash", """
                        {"contents":[{"role":"user","parts":[{"text":"hi"}]}],"tools":[{"googleSearch":{}}]}
                        """));
    }

    @ParameterizedTest(name = "{0}{1}")
    @MethodSource("aliases")
    void resolvesAliasForTheRequest(String model, String fields, String upstreamModel, String expectedBody) {
        GeminiChatRequest out = translator.translate(json("{\"model\":\"" + model + "\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + fields + "}"));

        assertThat(out.model()).isEqualTo(upstreamModel);
        assertThat(out.requestedModel()).isEqualTo(model);
        assertJson(out.body(), expectedBody);
    }

    @Test
    void searchAnswerListsItsSourcesAsMarkdownLinks() {
        var completion = JsonAssert.completion(toOpenAi, json("""
                {"candidates":[{"index":0,"finishReason":"STOP",
                  "content":{"role":"model","parts":[{"text":"Paris has 2.1M people."}]},
                  "groundingMetadata":{"webSearchQueries":["paris population"],"groundingChunks":[
                    {"web":{"uri":"https://a.example/1","title":"INSEE [2024]"}},
                    {"web":{"uri":"https://b.example/2","title":"Wikipedia"}},
                    {"web":{"uri":"https://a.example/1","title":"INSEE again"}},
                    {"web":{"uri":"https://c.example/3"}}]}}]}
                """), "gemini-2.5-flash-search");

        assertJson(completion.at("/choices/0/message"), """
                {"role":"assistant","content":"Paris has 2.1M people.\\n\\nSources:\\n- [INSEE \\\\[2024\\\\]](https://a.example/1)\\n- [Wikipedia](https://b.example/2)\\n- [https://c.example/3](https://c.example/3)\\n"}
                """);
    }

    @Test
    void imageAnswerShowsInlineImagesAsMarkdown() {
        var completion = JsonAssert.completion(toOpenAi, json("""
                {"candidates":[{"finishReason":"STOP","content":{"role":"model","parts":[
                  {"text":"Here is a cat:"},
                  {"inlineData":{"mimeType":"image/png","data":"iVBOR"}},
                  {"text":"And a dog:"},
                  {"inlineData":{"mimeType":"image/jpeg","data":"/9j/"}}]}}]}
                """), "gemini-2.0-flash-exp-image");

        assertJson(completion.at("/choices/0/message"), """
                {"role":"assistant","content":"Here is a cat:\\n\\n![image](data:image/png;base64,iVBOR)\\n\\nAnd a dog:\\n\\n![image](data:image/jpeg;base64,/9j/)"}
                """);
    }
}
