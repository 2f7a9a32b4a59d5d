package dev.caravan;

import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Arrivals;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN §4 on the OpenAI surface: once chunks reached the client, a failure upstream is never retried on another
 * key; the stream ends with an OpenAI error chunk and {@code data: [DONE]}, so a client sees why it ended, and the
 * key gets a strike. The same holds for the {@code /openai/v1} pass-through.
 */
class EndsBrokenOpenAiStreamWithErrorChunkTest {

    private static final List<String> POOL = List.of("broken-pool-key-a", "broken-pool-key-b");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = """
            {"model":"gemini-2.5-flash","stream":true,"messages":[{"role":"user","content":"count"}]}""";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(POOL.toArray(String[]::new));

    @Test
    void translatedStreamCutMidwayEndsWithAnErrorChunkAndDone() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream",
                List.of(GoogleBodies.sseEvent("one"), GoogleBodies.sseEvent("two")), Duration.ofMillis(20), true));

        Arrivals.Streamed res = Arrivals.post(gateway, "/v1/chat/completions", STREAM);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.contentType()).startsWith("text/event-stream");
        List<String> events = dataLines(res.text());
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        List<String> contents = new ArrayList<>();
        for (String e : events.subList(0, events.size() - 2)) {
            JsonNode chunk = JSON.readTree(e);
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            chunk.path("choices").forEach(c -> contents.add(c.at("/delta/content").asText("")));
        }
        assertThat(String.join("", contents)).isEqualTo("onetwo");
        JsonNode error = assertOpenAiError(events.get(events.size() - 2), "server_error");
        assertThat(error.path("message").asText()).contains("broke");
        // no finish_reason was invented for a stream that did not finish
        assertThat(res.text()).doesNotContain("\"finish_reason\":\"stop\"");
        assertStruckOnceAndNotRetried();
    }

    @Test
    void googlesErrorEventMidStreamEndsTheTranslatedStreamWithAnErrorChunkAndDone() throws Exception {
        // Google can end a 200 stream with an error event of its own instead of a finish reason
        String googleError = "data: {\"error\": {\"code\": 500, \"message\": \"An internal error has occurred.\","
                + " \"status\": \"INTERNAL\"}}\r\n\r\n";
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream",
                List.of(GoogleBodies.sseEvent("one"), googleError), Duration.ofMillis(20), false));

        Arrivals.Streamed res = Arrivals.post(gateway, "/v1/chat/completions", STREAM);

        assertThat(res.status()).isEqualTo(200);
        List<String> events = dataLines(res.text());
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        assertThat(JSON.readTree(events.get(0)).at("/choices/0/delta/content").asText()).isEqualTo("one");
        JsonNode error = assertOpenAiError(events.get(events.size() - 2), "server_error");
        assertThat(error.path("message").asText()).contains("An internal error has occurred.");
        // the answer did not finish: no chunk may say it stopped normally
        assertThat(res.text()).doesNotContain("\"finish_reason\":\"stop\"");
        assertThat(gateway.stub().received()).hasSize(1);
    }

    @Test
    void passThroughStreamCutMidwayEndsWithAnErrorChunkAndDone() throws Exception {
        String first = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n";
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of(first), Duration.ofMillis(20), true));

        Arrivals.Streamed res = Arrivals.post(gateway, "/openai/v1/chat/completions", STREAM);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.text()).startsWith(first);
        List<String> events = dataLines(res.text().substring(first.length()));
        assertThat(events).hasSize(2);
        assertOpenAiError(events.get(0), "server_error");
        assertThat(events.get(1)).isEqualTo("[DONE]");
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(1);
        String bearer = seen.get(0).header("authorization");
        awaitOneStrike(bearer.substring("Bearer ".length()));
    }

    private static void assertStruckOnceAndNotRetried() {
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).key()).isIn(POOL);
        awaitOneStrike(seen.get(0).key());
    }

    /** The strike is recorded once the relay is done, which may be just after the client read the stream's end. */
    private static void awaitOneStrike(String key) {
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(gateway.key(key).strikes()).isEqualTo(1));
    }

    /** The data of each SSE event, in order. */
    private static List<String> dataLines(String sse) {
        List<String> out = new ArrayList<>();
        for (String event : sse.split("\n\n")) {
            String e = event.strip();
            if (!e.isEmpty()) {
                assertThat(e).startsWith("data: ");
                out.add(e.substring("data: ".length()));
            }
        }
        return out;
    }
}
