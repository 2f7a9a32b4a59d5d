package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.SseException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.StructuredChatCompletion;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.OpenAiSdk;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenAI's official Java SDK chats through the gateway unchanged (only its base URL and API key point at Caravan):
 * plain and streamed completions, JSON mode, a tool round trip with Gemini's thought signature, and reasoning.
 * Each test checks what the SDK got and what "Google" received: the path, a pool key, the translated body.
 */
class OpenAiSdkChatTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final List<String> POOL = List.of("chat-pool-key-a", "chat-pool-key-b");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(POOL.toArray(String[]::new));

    @RegisterExtension
    static final OpenAiSdk.Session sdk = OpenAiSdk.session(gateway);

    @Test
    void sdkCompletionGetsGeminisAnswerAndGoogleGetsTheTranslatedRequestWithAPoolKey() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("bonjour")));

        ChatCompletion completion = sdk.client().chat().completions().create(ChatCompletionCreateParams.builder()
                .model(MODEL)
                .addSystemMessage("be brief")
                .addUserMessage("hello")
                .temperature(0.5)
                .maxCompletionTokens(100)
                .build());

        assertThat(completion.id()).startsWith("chatcmpl-");
        assertThat(completion.model()).isEqualTo(MODEL);
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.message().content()).hasValue("bonjour");
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage()).hasValueSatisfying(u -> {
            assertThat(u.promptTokens()).isEqualTo(4);
            assertThat(u.completionTokens()).isEqualTo(1);
            assertThat(u.totalTokens()).isEqualTo(5);
        });
        StubGemini.Received up = onlyUpstreamRequest();
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        JsonNode sent = JSON.readTree(up.body());
        assertThat(sent.at("/systemInstruction/parts/0/text").asText()).isEqualTo("be brief");
        assertThat(sent.at("/contents/0/role").asText()).isEqualTo("user");
        assertThat(sent.at("/contents/0/parts/0/text").asText()).isEqualTo("hello");
        assertThat(sent.at("/contents").size()).isEqualTo(1);
        assertThat(sent.at("/generationConfig/temperature").asDouble()).isEqualTo(0.5);
        assertThat(sent.at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(100);
    }

    @Test
    void sdkStreamYieldsEachChunkWhileGoogleIsStillSending() throws Exception {
        // "Google" sends each event only once the SDK has yielded the text of the one before
        StubGemini.Gate gate = new StubGemini.Gate();
        gateway.stub().answer(r -> new StubGemini.Gated("text/event-stream", List.of(
                event("one", null, null), event("two", null, null), event("three", "STOP", null)), gate));

        List<String> texts = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.client().chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("count").build())) {
            Iterator<ChatCompletionChunk> it = stream.stream().iterator();
            while (it.hasNext()) {
                ChatCompletionChunk chunk = it.next();
                chunks.add(chunk);
                chunk.choices().stream().flatMap(c -> c.delta().content().stream()).forEach(text -> {
                    texts.add(text);
                    arrivals.add(System.nanoTime());
                    gate.open();
                });
            }
        }

        assertThat(texts).containsExactly("one", "two", "three");
        List<Long> sent = gateway.stub().sentAtNanos();
        assertThat(sent).hasSize(3);
        // the SDK held each text before Google sent the next event: nothing was buffered on the way
        assertThat(arrivals.get(0)).isLessThan(sent.get(1));
        assertThat(arrivals.get(1)).isLessThan(sent.get(2));
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).singleElement().satisfies(c ->
                assertThat(c.finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP));
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.get(0).id());
        assertThat(chunks.get(0).choices().get(0).delta().role()).hasValue(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        StubGemini.Received up = onlyUpstreamRequest();
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(up.query()).isEqualTo("alt=sse");
        assertThat(JSON.readTree(up.body()).at("/contents/0/parts/0/text").asText()).isEqualTo("count");
    }

    @Test
    void sdkStreamEndsWithTheFinishReasonAndAUsageChunkWhenAskedFor() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of(
                event("Once upon", null, null),
                event(" a time", "MAX_TOKENS", "{\"promptTokenCount\":6,\"candidatesTokenCount\":4,\"totalTokenCount\":10}")),
                Duration.ofMillis(10), false));

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.client().chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("tell a story")
                        .maxCompletionTokens(4)
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                        .build())) {
            stream.stream().forEach(chunks::add);
        }

        ChatCompletionChunk usage = chunks.get(chunks.size() - 1);
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage()).hasValueSatisfying(u -> {
            assertThat(u.promptTokens()).isEqualTo(6);
            assertThat(u.completionTokens()).isEqualTo(4);
            assertThat(u.totalTokens()).isEqualTo(10);
        });
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices()).singleElement().satisfies(c ->
                assertThat(c.finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.LENGTH));
        // every chunk before the last says usage is still to come
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.usage()).isEmpty());
        StubGemini.Received up = onlyUpstreamRequest();
        assertThat(up.path()).endsWith(":streamGenerateContent");
        assertThat(JSON.readTree(up.body()).at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(4);
    }

    @Test
    void sdkStreamGetsALastEventThatGoogleDidNotEndWithABlankLine() throws Exception {
        String last = event("two", "STOP", null).stripTrailing();
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of(event("one", null, null), last),
                Duration.ofMillis(10), false));

        List<String> texts = new ArrayList<>();
        List<ChatCompletionChunk.Choice.FinishReason> reasons = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.client().chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("count").build())) {
            stream.stream().flatMap(c -> c.choices().stream()).forEach(c -> {
                c.delta().content().ifPresent(texts::add);
                c.finishReason().ifPresent(reasons::add);
            });
        }

        assertThat(texts).containsExactly("one", "two");
        assertThat(reasons).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
        assertThat(onlyUpstreamRequest().path()).endsWith(":streamGenerateContent");
    }

    @Test
    void sdkStreamFailsOverToAnotherKeyBeforeTheFirstChunk() throws Exception {
        gateway.stub().answerFor(POOL.get(0), r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("20s")));
        gateway.stub().answerFor(POOL.get(1), r -> new StubGemini.Sse("text/event-stream",
                List.of(event("from the second key", "STOP", null)), Duration.ofMillis(10), false));

        for (int i = 0; i < 2; i++) {
            List<String> texts = new ArrayList<>();
            try (StreamResponse<ChatCompletionChunk> stream = sdk.client().chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("hi").build())) {
                stream.stream().flatMap(c -> c.choices().stream()).forEach(c -> c.delta().content().ifPresent(texts::add));
            }
            assertThat(texts).containsExactly("from the second key");
        }

        assertThat(gateway.stub().keysSeen()).containsOnlyOnce(POOL.get(0));
        assertThat(gateway.stub().keysSeen()).filteredOn(POOL.get(1)::equals).hasSize(2);
    }

    @Test
    void closingTheSdkStreamEarlyAbortsTheCallToGoogle() throws Exception {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            events.add(event("part " + i, null, null));
        }
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", events, Duration.ofMillis(200), false));

        String first;
        try (StreamResponse<ChatCompletionChunk> stream = sdk.client().chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("a long story").build())) {
            first = stream.stream().flatMap(c -> c.choices().stream())
                    .flatMap(c -> c.delta().content().stream()).findFirst().orElseThrow();
        }

        assertThat(first).isEqualTo("part 0");
        // Google's stream would last four seconds; the gateway hangs up on it soon after the client did
        assertThat(gateway.stub().awaitClientClosed(3)).isTrue();
        assertThat(gateway.stub().sentAtNanos().size()).isLessThan(events.size());
    }

    @Test
    void jsonModeAsksGeminiForAJsonAnswer() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("{\\\"ok\\\": true}")));

        ChatCompletion completion = sdk.client().chat().completions().create(ChatCompletionCreateParams.builder()
                .model(MODEL)
                .addUserMessage("answer in JSON")
                .responseFormat(ResponseFormatJsonObject.builder().build())
                .build());

        assertThat(completion.choices().get(0).message().content()).hasValue("{\"ok\": true}");
        JsonNode config = JSON.readTree(onlyUpstreamRequest().body()).path("generationConfig");
        assertThat(config.path("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(config.has("responseJsonSchema")).isFalse();
    }

    @Test
    void toolCallRoundTripKeepsTheNameArgumentsAndThoughtSignature() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, functionCallAnswer()));
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder()
                .model(MODEL)
                .addUserMessage("What is the weather in Paris?")
                .addTool(weatherTool())
                .build();

        ChatCompletion asked = sdk.client().chat().completions().create(first);

        ChatCompletion.Choice choice = asked.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessage message = choice.message();
        assertThat(message.toolCalls()).hasValueSatisfying(calls -> assertThat(calls).hasSize(1));
        ChatCompletionMessageFunctionToolCall call = message.toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).isNotBlank();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.function().arguments())).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        JsonNode sentFirst = JSON.readTree(onlyUpstreamRequest().body());
        JsonNode declaration = sentFirst.at("/tools/0/functionDeclarations/0");
        assertThat(declaration.path("name").asText()).isEqualTo("get_weather");
        assertThat(declaration.at("/parametersJsonSchema/properties/city/type").asText()).isEqualTo("string");

        gateway.stub().reset();
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("It is 21 degrees in Paris")));
        ChatCompletion answered = sdk.client().chat().completions().create(first.toBuilder()
                .addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder()
                        .toolCallId(call.id())
                        .content("{\"temperature\":21}")
                        .build())
                .build());

        assertThat(answered.choices().get(0).message().content()).hasValue("It is 21 degrees in Paris");
        JsonNode contents = JSON.readTree(onlyUpstreamRequest().body()).path("contents");
        assertThat(contents).hasSize(3);
        assertThat(contents.at("/1/role").asText()).isEqualTo("model");
        JsonNode callPart = contents.at("/1/parts/0");
        assertThat(callPart.at("/functionCall/name").asText()).isEqualTo("get_weather");
        assertThat(callPart.at("/functionCall/args")).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        // Gemini refuses a function call turn that lost the signature it was given
        assertThat(callPart.path("thoughtSignature").asText()).isEqualTo("c2lnbmF0dXJlLW9mLXRoZS1jYWxs");
        assertThat(contents.at("/2/role").asText()).isEqualTo("user");
        JsonNode response = contents.at("/2/parts/0/functionResponse");
        assertThat(response.path("name").asText()).isEqualTo("get_weather");
        assertThat(response.path("response")).isEqualTo(JSON.readTree("{\"temperature\":21}"));
    }

    @Test
    void structuredOutputSendsTheSdksSchemaAndTheSdkParsesTheAnswer() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200,
                GoogleBodies.generateContent("{\\\"city\\\": \\\"Paris\\\", \\\"temperature\\\": 21}")));

        StructuredChatCompletion<Weather> completion = sdk.client().chat().completions().create(
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("weather in Paris as JSON")
                        .responseFormat(Weather.class).build());

        Weather weather = completion.choices().get(0).message().content().orElseThrow();
        assertThat(weather.city).isEqualTo("Paris");
        assertThat(weather.temperature).isEqualTo(21);
        JsonNode config = JSON.readTree(onlyUpstreamRequest().body()).path("generationConfig");
        assertThat(config.path("responseMimeType").asText()).isEqualTo("application/json");
        JsonNode schema = config.path("responseJsonSchema");
        assertThat(schema.at("/properties/city/type").asText()).isEqualTo("string");
        assertThat(schema.at("/properties/temperature/type").asText()).isEqualTo("integer");
        assertThat(schema.path("required")).extracting(JsonNode::asText).containsExactlyInAnyOrder("city", "temperature");
    }

    @Test
    void sdkStreamGetsToolCallsAsDeltas() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of("data: {\"candidates\":[{\"content\":"
                + "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}},"
                + "\"thoughtSignature\":\"c2lnbmF0dXJlLW9mLXRoZS1jYWxs\"}]},\"finishReason\":\"STOP\",\"index\":0}]}\r\n\r\n"),
                Duration.ofMillis(10), false));

        List<ChatCompletionChunk.Choice.Delta.ToolCall> calls = new ArrayList<>();
        List<ChatCompletionChunk.Choice.FinishReason> reasons = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.client().chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("weather in Paris?")
                        .addTool(weatherTool()).build())) {
            stream.stream().flatMap(c -> c.choices().stream()).forEach(c -> {
                c.delta().toolCalls().ifPresent(calls::addAll);
                c.finishReason().ifPresent(reasons::add);
            });
        }

        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.index()).isZero();
            assertThat(call.id()).hasValueSatisfying(id -> assertThat(id).isNotBlank());
            assertThat(call.function().orElseThrow().name()).hasValue("get_weather");
            assertThat(JSON.readTree(call.function().orElseThrow().arguments().orElseThrow()))
                    .isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        });
        assertThat(reasons).containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
        JsonNode sent = JSON.readTree(onlyUpstreamRequest().body());
        assertThat(sent.at("/tools/0/functionDeclarations/0/name").asText()).isEqualTo("get_weather");
    }

    @Test
    void sdkStreamCutMidwayRaisesTheGatewaysErrorAfterTheChunksItGot() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of(event("one", null, null)),
                Duration.ofMillis(10), true));

        List<String> texts = new ArrayList<>();
        Throwable thrown;
        try (StreamResponse<ChatCompletionChunk> stream = sdk.client().chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("count").build())) {
            thrown = catchThrowable(() -> stream.stream().flatMap(c -> c.choices().stream())
                    .forEach(c -> c.delta().content().ifPresent(texts::add)));
        }

        assertThat(texts).containsExactly("one");
        assertThat(thrown).isInstanceOf(SseException.class);
        SseException sse = (SseException) thrown;
        assertThat(sse.type()).hasValue("server_error");
        assertThat(sse.getMessage()).contains("broke");
        assertThat(onlyUpstreamRequest().path()).endsWith(":streamGenerateContent");
    }

    @Test
    void thoughtsReachTheSdkAsReasoningContent() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, """
                {"candidates":[{"content":{"role":"model","parts":[
                  {"text":"The user wants a number.","thought":true},{"text":"42"}]},"finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1,"thoughtsTokenCount":5,"totalTokenCount":9}}
                """));

        ChatCompletion completion = sdk.client().chat().completions().create(ChatCompletionCreateParams.builder()
                .model(MODEL).addUserMessage("pick a number").build());

        ChatCompletionMessage message = completion.choices().get(0).message();
        assertThat(message.content()).hasValue("42");
        Map<String, JsonValue> extra = message._additionalProperties();
        assertThat(extra).containsKey("reasoning_content");
        assertThat(extra.get("reasoning_content").convert(String.class)).isEqualTo("The user wants a number.");
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(6);
        assertThat(onlyUpstreamRequest().path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    }

    @Test
    void streamedThoughtsReachTheSdkAsReasoningContentDeltas() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of(
                "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hmm.\",\"thought\":true}]},\"index\":0}]}\r\n\r\n",
                event("42", "STOP", null)), Duration.ofMillis(10), false));

        List<String> reasoning = new ArrayList<>();
        List<String> content = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.client().chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("pick a number").build())) {
            stream.stream().flatMap(c -> c.choices().stream()).forEach(c -> {
                JsonValue r = c.delta()._additionalProperties().get("reasoning_content");
                if (r != null) {
                    reasoning.add(r.convert(String.class));
                }
                c.delta().content().ifPresent(content::add);
            });
        }

        assertThat(reasoning).containsExactly("Hmm.");
        assertThat(content).containsExactly("42");
        assertThat(onlyUpstreamRequest().path()).endsWith(":streamGenerateContent");
    }

    /** The one request the gateway made: with a pool key, never the client's token, and no client header. */
    private static StubGemini.Received onlyUpstreamRequest() {
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(1);
        StubGemini.Received up = seen.get(0);
        assertThat(up.method()).isEqualTo("POST");
        assertThat(up.key()).isIn(POOL);
        assertThat(up.header("authorization")).isNull();
        assertThat(up.bodyText()).doesNotContain(Gateway.TOKEN);
        assertThat(up.headers().keySet()).noneMatch(h -> h.startsWith("x-stainless"));
        return up;
    }

    /** One event of Gemini's SSE stream with a text part, optionally its finish reason and usage. */
    private static String event(String text, String finishReason, String usage) {
        return "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"" + text + "\"}]},"
                + (finishReason == null ? "" : "\"finishReason\":\"" + finishReason + "\",")
                + "\"index\":0}]" + (usage == null ? "" : ",\"usageMetadata\":" + usage)
                + ",\"modelVersion\":\"gemini-2.5-flash\"}\r\n\r\n";
    }

    private static String functionCallAnswer() {
        return """
                {
                  "candidates": [
                    {
                      "content": {
                        "parts": [
                          {
                            "functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
                            "thoughtSignature": "c2lnbmF0dXJlLW9mLXRoZS1jYWxs"
                          }
                        ],
                        "role": "model"
                      },
                      "finishReason": "STOP",
                      "index": 0
                    }
                  ],
                  "usageMetadata": {"promptTokenCount": 20, "candidatesTokenCount": 5, "totalTokenCount": 25},
                  "modelVersion": "gemini-2.5-flash"
                }
                """;
    }

    /** The answer type of the structured output test, as SDK users write them. */
    public static final class Weather {
        public String city;
        public int temperature;
    }

    private static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder()
                        .name("get_weather")
                        .description("The current weather in a city")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                        "city", Map.of("type", "string", "description", "The city"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                                .build())
                        .build())
                .build();
    }
}
