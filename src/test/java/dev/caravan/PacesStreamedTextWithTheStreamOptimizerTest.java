package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.caravan.support.Arrivals;
import dev.caravan.support.Gateway;
import dev.caravan.support.ImpatientClient;
import dev.caravan.support.OpenAiSdk;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * STREAM_OPTIMIZER_ENABLED (gemini-balance's stream optimizer) with its defaults: one event of 60 characters of text
 * from Google reaches the client as 12 events of 5 characters (60 is at least STREAM_LONG_TEXT_THRESHOLD, 50), each
 * followed by STREAM_MIN_DELAY (16 ms), on the native SSE stream and the OpenAI chat stream alike; a short text goes
 * one character at a time; a function call passes whole; the SDKs read the paced streams as any other.
 */
class PacesStreamedTextWithTheStreamOptimizerTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String SSE_PATH = "/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse";
    private static final String SIXTY = "Pacing makes text arrive like typing, five letters at a time";
    private static final long PAUSE_MS = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a").set("caravan.stream-optimizer-enabled", "true");
    @RegisterExtension
    static final OpenAiSdk.Session sdk = OpenAiSdk.session(gateway);

    /** Google's event with text, the finish reason and usage. */
    private static String event(String text) {
        return "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"" + text + "\"}],\"role\": \"model\"},"
                + "\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 4,"
                + "\"candidatesTokenCount\": 12,\"totalTokenCount\": 16},\"modelVersion\": \"" + MODEL + "\","
                + "\"responseId\": \"stub-1\"}\r\n\r\n";
    }

    private static void googleSends(String... events) {
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of(events), Duration.ZERO, false));
    }

    @Test
    void nativeStreamGetsTwelvePiecesOfFiveCharactersPacedBySixteenMilliseconds() throws Exception {
        googleSends(event(SIXTY));

        Arrivals.Streamed res = Arrivals.post(gateway, SSE_PATH, Gateway.prompt("type"));

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.contentType()).isEqualTo("text/event-stream");
        List<String> data = ImpatientClient.sseData(res.text());
        assertThat(data).hasSize(12);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            JsonNode e = JSON.readTree(data.get(i));
            JsonNode candidate = e.at("/candidates/0");
            assertThat(candidate.at("/content/parts")).hasSize(1);
            texts.add(candidate.at("/content/parts/0/text").asText());
            assertThat(candidate.at("/content/role").asText()).isEqualTo("model");
            assertThat(e.path("modelVersion").asText()).isEqualTo(MODEL);
            boolean last = i == data.size() - 1;
            // what describes the whole event is said once, on its last piece
            assertThat(candidate.has("finishReason")).as("finishReason on piece %d", i).isEqualTo(last);
            assertThat(e.has("usageMetadata")).as("usageMetadata on piece %d", i).isEqualTo(last);
        }
        assertThat(texts).allSatisfy(t -> assertThat(t).hasSize(5));
        assertThat(String.join("", texts)).isEqualTo(SIXTY);
        assertThat(res.text()).as("Google's own framing").endsWith("}\r\n\r\n");
        assertPaced(res, 12);
        assertThat(gateway.stub().received()).singleElement().satisfies(up -> {
            assertThat(up.key()).isEqualTo("pool-key-a");
            assertThat(up.query()).isEqualTo("alt=sse");
            assertThat(up.bodyText()).isEqualTo(Gateway.prompt("type"));
        });
    }

    @Test
    void openAiChatStreamGetsTwelveContentChunksOfFiveCharactersPaced() throws Exception {
        googleSends(event(SIXTY));

        Arrivals.Streamed res = Arrivals.post(gateway, "/v1/chat/completions", """
                {"model":"%s","stream":true,"messages":[{"role":"user","content":"type"}]}""".formatted(MODEL));

        assertThat(res.status()).isEqualTo(200);
        List<String> data = ImpatientClient.sseData(res.text());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        List<String> contents = new ArrayList<>();
        List<String> finishReasons = new ArrayList<>();
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode choice = JSON.readTree(d).at("/choices/0");
            if (choice.at("/delta/content").isTextual()) {
                contents.add(choice.at("/delta/content").asText());
            }
            if (choice.hasNonNull("finish_reason")) {
                finishReasons.add(choice.path("finish_reason").asText());
            }
        }
        assertThat(contents).hasSize(12).allSatisfy(t -> assertThat(t).hasSize(5));
        assertThat(String.join("", contents)).isEqualTo(SIXTY);
        assertThat(finishReasons).containsExactly("stop");
        assertThat(JSON.readTree(data.get(0)).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertPaced(res, 12);
        StubGemini.Received up = gateway.stub().received().get(0);
        assertThat(up.path()).isEqualTo("/v1beta/models/" + MODEL + ":streamGenerateContent");
        assertThat(up.query()).isEqualTo("alt=sse");
        assertThat(JSON.readTree(up.body()).at("/contents/0/parts/0/text").asText()).isEqualTo("type");
    }

    @Test
    void shortTextGoesOneCharacterAtATimeWithTheLongestPause() throws Exception {
        // 8 characters, at most STREAM_SHORT_TEXT_THRESHOLD (10): one by one, each followed by STREAM_MAX_DELAY (24 ms)
        googleSends(event("short \\u00e9\\ud83d\\ude00"));

        Arrivals.Streamed res = Arrivals.post(gateway, SSE_PATH, Gateway.prompt("type"));

        List<String> texts = new ArrayList<>();
        for (String d : ImpatientClient.sseData(res.text())) {
            texts.add(JSON.readTree(d).at("/candidates/0/content/parts/0/text").asText());
        }
        assertThat(texts).as("a surrogate pair stays one character").containsExactly("s", "h", "o", "r", "t", " ", "é", "😀");
        assertPacedBy(res, 8, 24);
    }

    @Test
    void functionCallAndThoughtEventsPassWholeAndUnpaced() throws Exception {
        String call = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\": \"lookup_weather_for_a_city\","
                + " \"args\": {\"city\": \"Paris, the capital of France, in the north of the country\"}}}],"
                + "\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"modelVersion\": \"" + MODEL + "\"}\r\n\r\n";
        String thought = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Thinking about which tool answers this"
                + " question best\", \"thought\": true}],\"role\": \"model\"},\"index\": 0}]}\r\n\r\n";
        googleSends(thought, call);

        Arrivals.Streamed res = Arrivals.post(gateway, SSE_PATH, Gateway.prompt("weather?"));

        assertThat(res.text()).as("byte for byte, as Google sent them").isEqualTo(thought + call);
    }

    @Test
    void googleGenAiSdkReadsThePacedStream() throws Exception {
        googleSends(event(SIXTY));
        List<String> texts = new ArrayList<>();
        try (Client client = Client.builder().apiKey(Gateway.TOKEN)
                .httpOptions(HttpOptions.builder().baseUrl(gateway.url("")).apiVersion("v1beta").build()).build();
             ResponseStream<GenerateContentResponse> stream = client.models.generateContentStream(MODEL, "type", null)) {
            for (GenerateContentResponse r : stream) {
                texts.add(r.text());
            }
        }

        assertThat(texts).hasSize(12);
        assertThat(String.join("", texts)).isEqualTo(SIXTY);
    }

    @Test
    void openAiSdkReadsThePacedStream() {
        googleSends(event(SIXTY));
        List<String> texts = new ArrayList<>();
        List<ChatCompletionChunk.Choice.FinishReason> reasons = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.client().chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("type").build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> {
                c.delta().content().ifPresent(texts::add);
                c.finishReason().ifPresent(reasons::add);
            }));
        }

        assertThat(texts).hasSize(12);
        assertThat(String.join("", texts)).isEqualTo(SIXTY);
        assertThat(reasons).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
    }

    private static void assertPaced(Arrivals.Streamed res, int pieces) {
        assertPacedBy(res, pieces, PAUSE_MS);
    }

    /**
     * From the moment Google's one event went out to the moment the client held the stream's end, every piece's pause
     * passed: the first piece cannot leave before Google's event, and the end waits for the last piece's pause. Google's
     * clock is read just after its flush, so one pause is left as a margin for that reading coming late.
     */
    private static void assertPacedBy(Arrivals.Streamed res, int pieces, long pauseMs) {
        long googleSent = gateway.stub().sentAtNanos().get(0);
        long end = res.body().nanosWhenHeld(res.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        long spanMs = (end - googleSent) / 1_000_000;
        assertThat(spanMs).as("ms from Google's event to the stream's end").isGreaterThanOrEqualTo((pieces - 1) * pauseMs);
    }
}
