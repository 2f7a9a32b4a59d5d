package dev.caravan.dialect.openai;

import static dev.caravan.dialect.openai.JsonAssert.assertJson;
import static dev.caravan.dialect.openai.JsonAssert.fill;
import static dev.caravan.dialect.openai.JsonAssert.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class TranslatesStreamTest {

    private static final String HEAD = "\"id\":\"chatcmpl-s1\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1700000000,\"model\":\"gemini-2.5-flash\"";

    private final ThoughtSignatures signatures = new ThoughtSignatures();
    private final GeminiToOpenAi translator = new GeminiToOpenAi(JsonAssert.JSON, signatures, JsonAssert.CLOCK,
            () -> "s1");

    /** Every chunk the stream gives for the events and its finish, as one JSON array. */
    private static JsonNode run(OpenAiStreamTranslator stream, String... events) {
        List<String> chunks = new ArrayList<>();
        for (String event : events) {
            chunks.addAll(stream.onEvent(json(event)));
        }
        chunks.addAll(stream.finish());
        return json("[" + String.join(",", chunks) + "]");
    }

    private static String head(String rest) {
        return "{" + HEAD + "," + rest + "}";
    }

    @Test
    void textStreamStartsWithRoleAndEndsWithFinishReason() {
        JsonNode chunks = run(translator.stream("gemini-2.5-flash", false),
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hel\"}]},\"index\":0}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":3,\"totalTokenCount\":3}}",
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"lo\"}]},\"index\":0}]}",
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"\"}]},\"finishReason\":\"STOP\","
                        + "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":2,"
                        + "\"totalTokenCount\":5}}");

        assertJson(chunks, "[" + String.join(",",
                head("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]"),
                head("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":null}]"),
                head("\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]")) + "]");
    }

    @Test
    void includeUsageAddsNullUsageToEveryChunkAndAFinalUsageChunk() {
        JsonNode chunks = run(translator.stream("gemini-2.5-flash", true),
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hi\"}]}}]}",
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"!\"}]},"
                        + "\"finishReason\":\"MAX_TOKENS\"}],\"usageMetadata\":{\"promptTokenCount\":3,"
                        + "\"candidatesTokenCount\":2,\"thoughtsTokenCount\":4,\"totalTokenCount\":9}}");

        assertJson(chunks, "[" + String.join(",",
                head("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},"
                        + "\"finish_reason\":null}],\"usage\":null"),
                head("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},\"finish_reason\":null}],\"usage\":null"),
                head("\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],\"usage\":null"),
                head("\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":6,\"total_tokens\":9,"
                        + "\"completion_tokens_details\":{\"reasoning_tokens\":4}}")) + "]");
    }

    @Test
    void thoughtsAndFunctionCallsBecomeReasoningAndIndexedToolCallDeltas() {
        JsonNode chunks = run(translator.stream("gemini-2.5-flash", false),
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Plan it.\",\"thought\":true}]}}]}",
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"get_weather\","
                        + "\"args\":{\"city\":\"Paris\"}},\"thoughtSignature\":\"sig-S\"}]}}]}",
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"get_time\","
                        + "\"args\":{}}}]},\"finishReason\":\"STOP\"}]}");

        String expected = "[" + String.join(",",
                head("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"Plan it.\"},"
                        + "\"finish_reason\":null}]"),
                head("\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"${a}\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"},"
                        + "\"extra_content\":{\"google\":{\"thought_signature\":\"sig-S\"}}}]},\"finish_reason\":null}]"),
                head("\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"${b}\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]},\"finish_reason\":null}]"),
                head("\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]")) + "]";
        String a = ToolCallIds.of("chatcmpl-s1", 0, 0);
        assertJson(chunks, fill(expected, Map.of("a", a, "b", ToolCallIds.of("chatcmpl-s1", 0, 1))));
        assertThat(signatures.recall(a)).isEqualTo("sig-S");
    }

    @Test
    void everyPartOfOneEventGoesIntoItsDelta() {
        JsonNode chunks = run(translator.stream("gemini-2.5-flash", false),
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"t\",\"thought\":true},"
                        + "{\"text\":\"a\"},{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"QQ==\"}},{\"text\":\"b\"}]},"
                        + "\"finishReason\":\"STOP\"}]}");

        assertJson(chunks.get(0).at("/choices/0/delta"), """
                {"role":"assistant","reasoning_content":"t","content":"a\\n\\n![image](data:image/png;base64,QQ==)\\n\\nb"}
                """);
    }

    @Test
    void severalCandidatesStreamAsSeparateChoices() {
        JsonNode chunks = run(translator.stream("gemini-2.5-flash", false),
                "{\"candidates\":[{\"index\":0,\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"A\"}]}},"
                        + "{\"index\":1,\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"B\"}]}}]}",
                "{\"candidates\":[{\"index\":1,\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"b\"}]},"
                        + "\"finishReason\":\"MAX_TOKENS\"},{\"index\":0,\"finishReason\":\"STOP\"}]}");

        assertJson(chunks, "[" + String.join(",",
                head("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"A\"},\"finish_reason\":null}]"),
                head("\"choices\":[{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"B\"},\"finish_reason\":null}]"),
                head("\"choices\":[{\"index\":1,\"delta\":{\"content\":\"b\"},\"finish_reason\":null}]"),
                head("\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]"),
                head("\"choices\":[{\"index\":1,\"delta\":{},\"finish_reason\":\"length\"}]")) + "]");
    }

    @Test
    void searchSourcesArriveWithTheFinishChunk() {
        JsonNode chunks = run(translator.stream("gemini-2.5-flash", false),
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Yes.\"}]}}]}",
                "{\"candidates\":[{\"finishReason\":\"STOP\",\"groundingMetadata\":{\"groundingChunks\":["
                        + "{\"web\":{\"uri\":\"https://a.example\",\"title\":\"A\"}}]}}]}");

        assertJson(chunks.get(1), head("\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                + "\"\\n\\nSources:\\n- [A](https://a.example)\\n\"},\"finish_reason\":\"stop\"}]"));
    }

    @Test
    void blockedPromptStillGivesARoleAndContentFilter() {
        JsonNode chunks = run(translator.stream("gemini-2.5-flash", false),
                "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"usageMetadata\":{\"promptTokenCount\":4}}");

        assertJson(chunks, "[" + head("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},"
                + "\"finish_reason\":\"content_filter\"}]") + "]");
    }

    @Test
    void eventsGiveChunksAsTheyArriveNotAtTheEnd() {
        OpenAiStreamTranslator stream = translator.stream("gemini-2.5-flash", false);

        assertThat(stream.onEvent(json("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}"))).hasSize(1);
        assertThat(stream.onEvent(json("{\"usageMetadata\":{\"promptTokenCount\":1}}"))).isEmpty();
        assertThat(stream.onEvent(json("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"b\"}]}}]}"))).hasSize(1);
        assertThat(stream.finish()).hasSize(1);
        assertThat(stream.finish()).isEmpty();
        assertThatThrownBy(() -> stream.onEvent(json("{}"))).isInstanceOf(IllegalStateException.class);
        assertThat(stream.id()).isEqualTo("chatcmpl-s1");
    }

    @Test
    void errorAfterTheFirstByteIsAnOpenAiErrorChunkAndEndsTheStream() {
        OpenAiStreamTranslator stream = translator.stream("gemini-2.5-flash", true);
        stream.onEvent(json("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}"));

        String error = stream.error(502, "Upstream stream broke: \"reset\"");

        assertJson(error, """
                {"error":{"message":"Upstream stream broke: \\"reset\\"","type":"server_error","param":null,"code":"upstream_unavailable"}}
                """);
        assertThat(stream.finish()).isEmpty();
    }

    @Test
    void googlesErrorEventEndsTheStreamWithAnOpenAiErrorChunkInsteadOfAFinishReason() {
        OpenAiStreamTranslator stream = translator.stream("gemini-2.5-flash", true);
        stream.onEvent(json("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}"));

        List<String> chunks = stream.onEvent(json(
                "{\"error\":{\"code\":500,\"message\":\"An internal error has occurred.\",\"status\":\"INTERNAL\"}}"));

        assertThat(chunks).hasSize(1);
        assertJson(chunks.get(0), """
                {"error":{"message":"Google ended the stream with an error: An internal error has occurred.",
                 "type":"server_error","param":null,"code":"server_error"}}
                """);
        assertThat(stream.finished()).isTrue();
        assertThat(stream.finish()).isEmpty();
    }

    @Test
    void framesChunksAsServerSentEvents() {
        assertThat(OpenAiStreamTranslator.frame("{\"a\":1}")).isEqualTo("data: {\"a\":1}\n\n");
        assertThat(OpenAiStreamTranslator.DONE).isEqualTo("data: [DONE]\n\n");
    }
}
