package dev.caravan;

import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Arrivals;
import dev.caravan.support.Gateway;
import dev.caravan.support.ImpatientSdks;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.ImpatientClient;
import dev.caravan.support.RawHttp;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * STREAM_HEARTBEAT_SECONDS: while a stream's client waits for Google's first event, it gets bytes that carry no data
 * (blank lines on the Gemini surface, SSE comments on the OpenAI surface), so a client or proxy that gives up after
 * a silence keeps the stream. The first heartbeat sends the head; a failure before Google's first event still goes to
 * another key without the client seeing it, and when every key fails the error is the stream's last event. Here the
 * heartbeat comes every second, Google is silent for about three, and the client gives up after two.
 */
class KeepsStreamClientsAliveUntilTheFirstEventTest {

    private static final String SSE_PATH = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    private static final String ARRAY_PATH = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
    private static final String CHAT_STREAM = """
            {"model":"gemini-2.5-flash","stream":true,"messages":[{"role":"user","content":"count"}]}""";
    private static final int CLIENT_GIVES_UP_MS = 2_000;
    private static final Duration GOOGLE_THINKS = Duration.ofMillis(3_000);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("beat-key-a", "beat-key-b")
            .set("caravan.stream-heartbeat-seconds", "1");

    @Test
    void geminiSseStreamSilentForThreeSecondsReachesAClientThatGivesUpAfterTwo() throws Exception {
        List<String> events = streamOf("thought long");
        gateway.stub().answer(r -> new StubGemini.Delayed(GOOGLE_THINKS, sse(events)));
        String body = Gateway.prompt("think hard");

        RawHttp.Answer res = ImpatientClient.post(gateway, SSE_PATH, body, CLIENT_GIVES_UP_MS);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("content-type")).isEqualTo("text/event-stream");
        String googles = String.join("", events);
        assertThat(res.body()).endsWith(googles);
        String beats = res.body().substring(0, res.body().length() - googles.length());
        // only blank lines before Google's bytes: Google's Python SDK would take any other line for JSON
        assertThat(beats).matches("(\r\n\r\n){2,4}");
        assertThat(ImpatientClient.sseData(res.body())).hasSize(3);
        StubGemini.Received up = gateway.stub().received().get(0);
        assertThat(up.bodyText()).isEqualTo(body);
        assertThat(gateway.stub().received()).hasSize(1);
    }

    @Test
    void openAiStreamSilentForThreeSecondsReachesAClientThatGivesUpAfterTwo() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Delayed(GOOGLE_THINKS, sse(streamOf("x"))));

        RawHttp.Answer res = ImpatientClient.post(gateway, "/v1/chat/completions", CHAT_STREAM, CLIENT_GIVES_UP_MS);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("content-type")).startsWith("text/event-stream");
        assertThat(res.body()).startsWith(": heartbeat\n\n: heartbeat\n\n");
        List<String> data = ImpatientClient.sseData(res.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        assertThat(contents(data)).isEqualTo("x 1x 2x 3");
        assertThat(gateway.stub().received()).singleElement()
                .satisfies(r -> assertThat(r.path()).endsWith(":streamGenerateContent"));
    }

    @Test
    void failureOfTheFirstKeyAfterHeartbeatsGoesToTheNextKeyUnseen() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        gateway.stub().answer(r -> calls.getAndIncrement() == 0
                ? new StubGemini.Delayed(Duration.ofMillis(2_500), new StubGemini.Json(503, GoogleBodies.unavailable()))
                : new StubGemini.Delayed(Duration.ofMillis(1_500), sse(streamOf("from " + r.key()))));

        RawHttp.Answer res = ImpatientClient.post(gateway, SSE_PATH, Gateway.prompt("think"), CLIENT_GIVES_UP_MS);

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(res.status()).isEqualTo(200);
        String second = String.join("", streamOf("from " + keys.get(1)));
        // heartbeats over both attempts, then the second key's stream and nothing of the first attempt
        assertThat(res.body()).endsWith(second);
        assertThat(res.body().substring(0, res.body().length() - second.length())).matches("(\r\n\r\n){3,5}");
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(gateway.key(keys.get(0)).strikes()).isEqualTo(1));
        assertThat(gateway.key(keys.get(1)).strikes()).isZero();
    }

    @Test
    void openAiPassThroughStreamGetsCommentsUntilGooglesFirstChunk() throws Exception {
        String chunk = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"Hel\"}}]}\n\n";
        gateway.stub().answer(r -> new StubGemini.Delayed(GOOGLE_THINKS,
                new StubGemini.Sse("text/event-stream", List.of(chunk, "data: [DONE]\n\n"), Duration.ZERO, false)));

        RawHttp.Answer res = ImpatientClient.post(gateway, "/openai/v1/chat/completions", CHAT_STREAM, CLIENT_GIVES_UP_MS);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.body()).matches("(?s)(: heartbeat\n\n){2,4}" + java.util.regex.Pattern.quote(chunk + "data: [DONE]\n\n"));
        assertThat(gateway.stub().received()).singleElement()
                .satisfies(r -> assertThat(r.header("authorization")).startsWith("Bearer beat-key-"));
    }

    @Test
    void everyKeyFailingAfterHeartbeatsEndsTheGeminiStreamWithGooglesErrorEvent() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Delayed(Duration.ofMillis(1_500),
                new StubGemini.Json(503, GoogleBodies.unavailable())));

        RawHttp.Answer res = ImpatientClient.post(gateway, SSE_PATH, Gateway.prompt("think"), CLIENT_GIVES_UP_MS);

        assertThat(res.status()).isEqualTo(200);
        List<String> data = ImpatientClient.sseData(res.body());
        assertThat(data).hasSize(1);
        JsonNode error = JSON.readTree(data.get(0)).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(503);
        assertThat(error.path("status").asText()).isEqualTo("UNAVAILABLE");
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(res.body()).startsWith("\r\n\r\n\r\n\r\n").endsWith("\r\n\r\n");
        assertThat(gateway.stub().keysSeen()).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void everyKeyCoolingAfterHeartbeatsEndsTheOpenAiStreamWithAnErrorChunkAndDone() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Delayed(Duration.ofMillis(1_500),
                new StubGemini.Json(429, GoogleBodies.quotaPerMinute("30s"))));

        RawHttp.Answer res = ImpatientClient.post(gateway, "/v1/chat/completions", CHAT_STREAM, CLIENT_GIVES_UP_MS);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.body()).startsWith(": heartbeat\n\n");
        List<String> data = ImpatientClient.sseData(res.body());
        assertThat(data).hasSize(2);
        assertOpenAiError(data.get(0), "rate_limit_error");
        assertThat(data.get(1)).isEqualTo("[DONE]");
        assertThat(gateway.stub().keysSeen()).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void theClientsOwnMistakeFoundAfterHeartbeatsIsTheStreamsErrorEventAndIsNotRetried() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Delayed(Duration.ofMillis(2_500),
                new StubGemini.Json(400, GoogleBodies.badRequest())));

        RawHttp.Answer res = ImpatientClient.post(gateway, SSE_PATH, Gateway.prompt("think"), CLIENT_GIVES_UP_MS);

        assertThat(res.status()).isEqualTo(200);
        List<String> data = ImpatientClient.sseData(res.body());
        assertThat(data).hasSize(1);
        JsonNode error = JSON.readTree(data.get(0)).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(400);
        assertThat(error.path("status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.path("message").asText()).contains("contents is not specified");
        assertThat(gateway.stub().received()).hasSize(1);
    }

    @Test
    void streamedJsonArrayHasNoRoomForAHeartbeatSoAClientThatGivesUpOnSilenceLosesIt() throws Exception {
        List<String> chunks = List.of("[" + GoogleBodies.generateContent("late").strip() + "]");
        gateway.stub().answer(r -> new StubGemini.Delayed(GOOGLE_THINKS,
                new StubGemini.Sse("application/json; charset=UTF-8", chunks, Duration.ZERO, false)));

        // the impatient client is strict: three seconds of silence are more than it takes
        assertThatThrownBy(() -> ImpatientClient.post(gateway, ARRAY_PATH, Gateway.prompt("think"), CLIENT_GIVES_UP_MS))
                .isInstanceOf(SocketTimeoutException.class);
        // a patient client gets Google's array byte for byte, with nothing before it
        Arrivals.Streamed res = Arrivals.post(gateway, ARRAY_PATH, Gateway.prompt("think"));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.text()).isEqualTo(chunks.get(0));
    }

    @Test
    void streamWhoseFirstEventComesWithinTheIntervalGetsNoHeartbeat() throws Exception {
        List<String> events = streamOf("quick");
        gateway.stub().answer(r -> sse(events));

        Arrivals.Streamed res = Arrivals.post(gateway, SSE_PATH, Gateway.prompt("quick"));

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.text()).isEqualTo(String.join("", events));
    }

    @Test
    void googlesSdkStreamsThroughHeartbeatsWithAReadTimeoutOfTwoSeconds() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Delayed(GOOGLE_THINKS, sse(streamOf("sdk"))));
        List<String> texts = ImpatientSdks.geminiStreamTexts(gateway, CLIENT_GIVES_UP_MS);

        assertThat(texts).containsExactly("sdk 1", "sdk 2", "sdk 3");
    }

    @Test
    void openAiSdkStreamsThroughHeartbeatsWithAReadTimeoutOfTwoSeconds() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Delayed(GOOGLE_THINKS, sse(streamOf("sdk"))));
        String text = ImpatientSdks.openAiStreamText(gateway, CLIENT_GIVES_UP_MS);

        assertThat(text).hasToString("sdk 1sdk 2sdk 3");
    }

    /** Three events of Google's stream, each naming {@code who}. */
    private static List<String> streamOf(String who) {
        return List.of(GoogleBodies.sseEvent(who + " 1"), GoogleBodies.sseEvent(who + " 2"), GoogleBodies.sseEvent(who + " 3"));
    }

    private static StubGemini.Sse sse(List<String> events) {
        return new StubGemini.Sse("text/event-stream", events, Duration.ofMillis(10), false);
    }

    /** The text of every chat.completion.chunk's deltas, in order. */
    private static String contents(List<String> data) throws Exception {
        StringBuilder text = new StringBuilder();
        for (String d : data) {
            if (!"[DONE]".equals(d)) {
                JSON.readTree(d).path("choices").forEach(c -> text.append(c.at("/delta/content").asText("")));
            }
        }
        return text.toString();
    }
}
