package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
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
 * DESIGN §4: once bytes of a stream reached the client, a failure is never retried (that would splice two
 * answers); the stream ends with an explicit error in Google's shape and the key gets a strike.
 */
class StreamErrorAfterFirstByteTest {

    private static final String SSE_PATH = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    private static final String ARRAY_PATH = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * TIME_OUT of one second: for streams, the longest silence allowed between two events. Google's traffic goes
     * through the stub's relay, which can also reset a connection mid-stream.
     */
    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a", "pool-key-b").set("caravan.time-out", "1")
            .setFromStub("caravan.base-url", StubGemini::resettableBaseUrl);

    @Test
    void brokenSseStreamEndsWithGoogleErrorEventAndIsNotRetried() throws Exception {
        List<String> events = List.of(GoogleBodies.sseEvent("first"), GoogleBodies.sseEvent("second"));
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", events, Duration.ofMillis(50), true));
        String body = Gateway.prompt("stream please");

        Arrivals.Streamed res = Arrivals.post(gateway, SSE_PATH, body);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.contentType()).isEqualTo("text/event-stream");
        String prefix = String.join("", events);
        assertThat(res.text()).startsWith(prefix);
        JsonNode error = errorEvent(res.text().substring(prefix.length()));
        assertThat(error.path("code").asInt()).isEqualTo(502);
        assertThat(error.path("status").asText()).isEqualTo("UNAVAILABLE");
        assertThat(error.path("message").asText()).isNotBlank();
        assertStruckOnceAndNotRetried(body);
    }

    @Test
    void sseStreamResetAfterItsSecondEventEndsWithGoogleErrorEventAndIsNotRetried() throws Exception {
        List<String> events = List.of(GoogleBodies.sseEvent("first"), GoogleBodies.sseEvent("second"),
                GoogleBodies.sseEvent("never sent"));
        // a TCP reset, as a crashed server or a cut line sends, right after the second event
        gateway.stub().answer(r -> new StubGemini.Reset(
                new StubGemini.Sse("text/event-stream", events, Duration.ofMillis(50), false), events.get(1)));
        String body = Gateway.prompt("stream please");

        Arrivals.Streamed res = Arrivals.post(gateway, SSE_PATH, body);

        assertThat(res.status()).isEqualTo(200);
        String prefix = events.get(0) + events.get(1);
        assertThat(res.text()).startsWith(prefix).doesNotContain("never sent");
        JsonNode error = errorEvent(res.text().substring(prefix.length()));
        assertThat(error.path("code").asInt()).isEqualTo(502);
        assertThat(error.path("status").asText()).isEqualTo("UNAVAILABLE");
        assertStruckOnceAndNotRetried(body);
    }

    @Test
    void brokenJsonArrayStreamEndsWithErrorElementAndClosesTheArray() throws Exception {
        List<String> chunks = List.of("[" + GoogleBodies.generateContent("first").strip() + "\n",
                ",\r\n" + GoogleBodies.generateContent("second").strip() + "\n");
        gateway.stub().answer(r -> new StubGemini.Sse("application/json; charset=UTF-8", chunks, Duration.ofMillis(50), true));
        String body = Gateway.prompt("stream please");

        Arrivals.Streamed res = Arrivals.post(gateway, ARRAY_PATH, body);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.text()).startsWith(String.join("", chunks));
        // the client's JSON parser still gets one well-formed array: Google's elements, then the error
        JsonNode array = JSON.readTree(res.text());
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(3);
        assertThat(array.get(1).at("/candidates/0/content/parts/0/text").asText()).isEqualTo("second");
        assertThat(array.get(2).at("/error/code").asInt()).isEqualTo(502);
        assertThat(array.get(2).at("/error/status").asText()).isEqualTo("UNAVAILABLE");
        assertStruckOnceAndNotRetried(body);
    }

    @Test
    void silenceLongerThanTimeOutBetweenEventsEndsTheStreamWithDeadlineErrorAfterAboutOneSecond() throws Exception {
        List<String> events = List.of(GoogleBodies.sseEvent("first"), GoogleBodies.sseEvent("too late"));
        // the first event at once, then three seconds of silence: more than TIME_OUT
        gateway.stub().answer(r -> new StubGemini.Paced("text/event-stream", events,
                List.of(Duration.ZERO, Duration.ofSeconds(3)), false));
        String body = Gateway.prompt("stream please");

        Arrivals.Streamed res = Arrivals.post(gateway, SSE_PATH, body);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.text()).startsWith(events.get(0)).doesNotContain("too late");
        JsonNode error = errorEvent(res.text().substring(events.get(0).length()));
        assertThat(error.path("code").asInt()).isEqualTo(504);
        assertThat(error.path("status").asText()).isEqualTo("DEADLINE_EXCEEDED");
        // from Google's flush of its last event: the gateway cannot have heard it any earlier
        long firstEventSent = gateway.stub().sentAtNanos().get(0);
        long errorAt = res.body().nanosWhenHeld(res.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        Duration silence = Duration.ofNanos(errorAt - firstEventSent);
        System.out.printf("StreamErrorAfterFirstByteTest: error event %d ms after Google's last event (TIME_OUT 1 s)%n",
                silence.toMillis());
        // TIME_OUT is the contract: not before it, and well before the stub's next event at 3 s
        assertThat(silence).isBetween(Duration.ofMillis(990), Duration.ofMillis(2_500));
        assertStruckOnceAndNotRetried(body);
    }

    /** The tail after Google's events must be exactly one SSE event carrying Google's error envelope. */
    private static JsonNode errorEvent(String tail) throws Exception {
        assertThat(tail).startsWith("data: ").endsWith("\r\n\r\n");
        String data = tail.substring("data: ".length(), tail.length() - 4);
        assertThat(data).doesNotContain("\n");
        JsonNode envelope = JSON.readTree(data);
        assertThat(envelope.fieldNames()).toIterable().containsExactly("error");
        return envelope.get("error");
    }

    private static void assertStruckOnceAndNotRetried(String body) {
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).bodyText()).isEqualTo(body);
        String used = seen.get(0).key();
        String other = used.equals("pool-key-a") ? "pool-key-b" : "pool-key-a";
        // the verdict is recorded just after the stream's last byte went out
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(gateway.key(used).strikes()).isEqualTo(1));
        assertThat(gateway.key(other).strikes()).isZero();
        assertThat(gateway.stub().received()).hasSize(1);
    }
}
