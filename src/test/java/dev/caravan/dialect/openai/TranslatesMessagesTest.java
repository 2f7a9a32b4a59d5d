package dev.caravan.dialect.openai;

import static dev.caravan.dialect.openai.JsonAssert.assertJson;
import static dev.caravan.dialect.openai.JsonAssert.json;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TranslatesMessagesTest {

    private final FakeImageFetcher images = new FakeImageFetcher(Map.of(
            "https://img.example/cat.jpg", new InlineData("image/jpeg", "Y2F0")));
    private final OpenAiToGemini translator = new OpenAiToGemini(JsonAssert.JSON, ModelAliases.none(), images,
            new ThoughtSignatures());

    static Stream<Arguments> conversations() {
        return Stream.of(
                arguments("system and developer messages become system parts in their order", """
                        [{"role":"system","content":"Be brief."},
                         {"role":"user","content":"Hi"},
                         {"role":"developer","content":"Answer in French."},
                         {"role":"system","content":[{"type":"text","text":"One"},{"type":"text","text":"Two"}]},
                         {"role":"user","content":"Hello?"}]
                        """, """
                        {"systemInstruction":{"parts":[{"text":"Be brief."},{"text":"Answer in French."},
                                                       {"text":"One"},{"text":"Two"}]},
                         "contents":[{"role":"user","parts":[{"text":"Hi"}]},
                                     {"role":"user","parts":[{"text":"Hello?"}]}]}
                        """),
                arguments("a trailing assistant message stays a model turn", """
                        [{"role":"user","content":"Write a haiku"},
                         {"role":"assistant","content":"Old pond,"}]
                        """, """
                        {"contents":[{"role":"user","parts":[{"text":"Write a haiku"}]},
                                     {"role":"model","parts":[{"text":"Old pond,"}]}]}
                        """),
                arguments("consecutive messages of one role are not merged", """
                        [{"role":"user","content":"a"},{"role":"user","content":"b"},
                         {"role":"assistant","content":"c"},{"role":"assistant","content":"d"}]
                        """, """
                        {"contents":[{"role":"user","parts":[{"text":"a"}]},{"role":"user","parts":[{"text":"b"}]},
                                     {"role":"model","parts":[{"text":"c"}]},{"role":"model","parts":[{"text":"d"}]}]}
                        """),
                arguments("array content keeps every part in order", """
                        [{"role":"user","content":[{"type":"text","text":"What is"},{"type":"text","text":"this?"},
                           {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0K","detail":"low"}}]}]
                        """, """
                        {"contents":[{"role":"user","parts":[{"text":"What is"},{"text":"this?"},
                           {"inlineData":{"mimeType":"image/png","data":"iVBORw0K"}}]}]}
                        """),
                arguments("an http image is fetched through the ImageFetcher", """
                        [{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://img.example/cat.jpg"}},
                           {"type":"text","text":"Describe"}]}]
                        """, """
                        {"contents":[{"role":"user","parts":[{"inlineData":{"mimeType":"image/jpeg","data":"Y2F0"}},
                           {"text":"Describe"}]}]}
                        """),
                arguments("input_audio becomes inline audio of its format", """
                        [{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}}]}]
                        """, """
                        {"contents":[{"role":"user","parts":[{"inlineData":{"mimeType":"audio/wav","data":"UklGRg=="}}]}]}
                        """),
                arguments("a file sent as a data URL becomes inline data", """
                        [{"role":"user","content":[{"type":"file","file":{"filename":"a.pdf",
                           "file_data":"data:application/pdf;base64,JVBERi0="}}]}]
                        """, """
                        {"contents":[{"role":"user","parts":[{"inlineData":{"mimeType":"application/pdf","data":"JVBERi0="}}]}]}
                        """),
                arguments("a percent-encoded data URL is re-encoded as base64", """
                        [{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/svg+xml,%3Csvg%2F%3E"}}]}]
                        """, """
                        {"contents":[{"role":"user","parts":[{"inlineData":{"mimeType":"image/svg+xml","data":"PHN2Zy8+"}}]}]}
                        """),
                arguments("assistant refusal parts count as text", """
                        [{"role":"user","content":"x"},
                         {"role":"assistant","content":[{"type":"refusal","refusal":"No."}]}]
                        """, """
                        {"contents":[{"role":"user","parts":[{"text":"x"}]},{"role":"model","parts":[{"text":"No."}]}]}
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conversations")
    void translatesConversation(String name, String messages, String expected) {
        GeminiChatRequest out = translator.translate(
                json("{\"model\":\"gemini-2.5-flash\",\"messages\":" + messages + "}"));

        assertJson(out.body(), expected);
    }
}
