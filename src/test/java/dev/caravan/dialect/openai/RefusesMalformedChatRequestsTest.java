package dev.caravan.dialect.openai;

import static dev.caravan.dialect.openai.JsonAssert.json;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RefusesMalformedChatRequestsTest {

    private final OpenAiToGemini translator = new OpenAiToGemini(JsonAssert.JSON, ModelAliases.none(),
            new FakeImageFetcher(Map.of()), new ThoughtSignatures());

    private static final String USER = "{\"role\":\"user\",\"content\":\"hi\"}";

    static Stream<Arguments> requests() {
        return Stream.of(
                arguments("[]", null, "must be a JSON object"),
                arguments("{\"messages\":[" + USER + "]}", "model", "model is required"),
                arguments("{\"model\":\"m\"}", "messages", "messages is required and must be an array"),
                arguments("{\"model\":\"m\",\"messages\":{}}", "messages", "must be an array"),
                arguments("{\"model\":\"m\",\"messages\":[]}", "messages", "must not be empty"),
                arguments("{\"model\":\"m\",\"messages\":[\"hi\"]}", "messages[0]", "must be an object"),
                arguments("{\"model\":\"m\",\"messages\":[{\"content\":\"hi\"}]}", "messages[0].role", "is required"),
                arguments("{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}",
                        "messages[0].role", "'wizard' is not one of"),
                arguments("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"only\"}]}",
                        "messages", "at least one user or assistant message"),
                arguments("{\"model\":\"m\",\"messages\":[" + USER + ",{\"role\":\"assistant\",\"tool_calls\":"
                                + "[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{oops\"}}]}]}",
                        "messages[1].tool_calls[0].function.arguments", "is not valid JSON"),
                arguments("{\"model\":\"m\",\"messages\":[" + USER + ",{\"role\":\"assistant\",\"tool_calls\":"
                                + "[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"[1]\"}}]}]}",
                        "messages[1].tool_calls[0].function.arguments", "must encode a JSON object"),
                arguments("{\"model\":\"m\",\"messages\":[" + USER + ",{\"role\":\"assistant\",\"tool_calls\":"
                                + "[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"arguments\":\"{}\"}}]}]}",
                        "messages[1].tool_calls[0].function.name", "is required"),
                arguments("{\"model\":\"m\",\"messages\":[" + USER + ",{\"role\":\"tool\",\"tool_call_id\":\"nope\","
                                + "\"content\":\"x\"}]}",
                        "messages[1].tool_call_id", "does not match the id of any earlier assistant tool call"),
                arguments("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"video\"}]}]}",
                        "messages[0].content[0].type", "unsupported type 'video'"),
                arguments("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                                + "\"image_url\":{\"url\":\"ftp://x/y.png\"}}]}]}",
                        "messages[0].content[0].image_url.url", "must be a data URL or an http(s) URL"),
                arguments("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                                + "\"image_url\":{\"url\":\"https://gone.example/x.png\"}}]}]}",
                        "messages[0].content[0].image_url.url", "could not be fetched"),
                arguments("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                                + "\"image_url\":{\"url\":\"data:;base64,AAAA\"}}]}]}",
                        "messages[0].content[0].image_url.url", "without a MIME type"),
                arguments("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"image_url\","
                                + "\"image_url\":{\"url\":\"data:image/png;base64,AA\"}}]}," + USER + "]}",
                        "messages[0].content[0].type", "only text is allowed here"),
                arguments("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[]}]}",
                        "messages[0].content", "is required for a user message"),
                arguments("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":42}]}",
                        "messages[0].content", "must be a string or an array"),
                arguments("{\"model\":\"m\",\"messages\":[" + USER + "],\"temperature\":\"hot\"}",
                        "temperature", "must be a number"),
                arguments("{\"model\":\"m\",\"messages\":[" + USER + "],\"max_tokens\":1.5}",
                        "max_tokens", "whole number"),
                arguments("{\"model\":\"m\",\"messages\":[" + USER + "],\"stop\":[1]}", "stop", "string"),
                arguments("{\"model\":\"m\",\"messages\":[" + USER + "],\"tool_choice\":\"always\"}",
                        "tool_choice", "not one of none, auto, required"),
                arguments("{\"model\":\"m\",\"messages\":[" + USER + "],\"reasoning_effort\":\"max\"}",
                        "reasoning_effort", "not one of none, minimal, low, medium, high"),
                arguments("{\"model\":\"m\",\"messages\":[" + USER + "],\"response_format\":{\"type\":\"yaml\"}}",
                        "response_format.type", "not one of text, json_object, json_schema"),
                arguments("{\"model\":\"m\",\"messages\":[" + USER + "],\"response_format\":{\"type\":\"json_schema\"}}",
                        "response_format.json_schema.schema", "is required"),
                arguments("{\"model\":\"m\",\"messages\":[" + USER + "],\"tools\":{}}", "tools", "must be an array"),
                arguments("{\"model\":\"m\",\"messages\":[" + USER + "],\"tools\":[{\"type\":\"function\"}]}",
                        "tools[0].function", "is required"),
                arguments("{\"model\":\"m\",\"messages\":[" + USER + "],\"stream\":\"yes\"}", "stream",
                        "must be true or false"));
    }

    @ParameterizedTest(name = "{2}: {0}")
    @MethodSource("requests")
    void refusesWithAMessageNamingTheField(String request, String param, String message) {
        assertThatThrownBy(() -> translator.translate(json(request)))
                .isInstanceOf(InvalidOpenAiRequest.class)
                .hasMessageContaining(message)
                .extracting(e -> ((InvalidOpenAiRequest) e).param())
                .isEqualTo(param);
    }

    @Test
    void refusesTextThatIsNotJson() {
        assertThatThrownBy(() -> translator.translate("{\"model\":"))
                .isInstanceOf(InvalidOpenAiRequest.class)
                .hasMessageContaining("not valid JSON");
    }
}
