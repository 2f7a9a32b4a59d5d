package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.caravan.support.Arrivals;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN §4: until the first byte of a stream reaches the client, a failure of the key's attempt is retried on
 * another key, and the client only ever sees the stream that worked.
 */
class StreamFailsOverBeforeFirstByteTest {

    private static final String PATH = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    private static final String MODEL = "gemini-2.5-flash";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a", "pool-key-b");

    @Test
    void quotaExhaustedKeyBeforeStreamingHandsTheStreamToTheNextKey() throws Exception {
        String body = Gateway.prompt("stream please");
        firstAttemptFailsThenStreams(new StubGemini.Json(429, GoogleBodies.quotaPerMinute("27s")));

        Arrivals.Streamed res = Arrivals.post(gateway, PATH, body);

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates().allMatch(k -> k.startsWith("pool-key-"));
        assertClientGotOnlyTheStreamOf(keys.get(1), res);
        assertThat(gateway.stub().received()).allSatisfy(r -> {
            assertThat(r.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
            assertThat(r.query()).isEqualTo("alt=sse");
            assertThat(r.bodyText()).isEqualTo(body);
        });
        // the 429 cools the first key for this model and is no strike
        assertThat(gateway.key(keys.get(0)).cooldowns()).containsKey(MODEL);
        assertThat(gateway.key(keys.get(0)).strikes()).isZero();
        assertThat(gateway.key(keys.get(1)).strikes()).isZero();
    }

    @Test
    void overloadedGoogleBeforeStreamingHandsTheStreamToTheNextKeyAndStrikesTheFirst() throws Exception {
        String body = Gateway.prompt("stream please");
        firstAttemptFailsThenStreams(new StubGemini.Json(503, GoogleBodies.unavailable()));

        Arrivals.Streamed res = Arrivals.post(gateway, PATH, body);

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates().allMatch(k -> k.startsWith("pool-key-"));
        assertClientGotOnlyTheStreamOf(keys.get(1), res);
        assertThat(gateway.stub().received()).extracting(StubGemini.Received::bodyText).containsOnly(body);
        assertThat(gateway.key(keys.get(0)).strikes()).isEqualTo(1);
        assertThat(gateway.key(keys.get(1)).strikes()).isZero();
    }

    @Test
    void connectionDroppedBeforeStreamingHandsTheStreamToTheNextKey() throws Exception {
        String body = Gateway.prompt("stream please");
        firstAttemptFailsThenStreams(new StubGemini.Close());

        Arrivals.Streamed res = Arrivals.post(gateway, PATH, body);

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates().allMatch(k -> k.startsWith("pool-key-"));
        assertClientGotOnlyTheStreamOf(keys.get(1), res);
        assertThat(gateway.key(keys.get(0)).strikes()).isEqualTo(1);
    }

    /** The stream each key would send: its events name the key, so the client's bytes say whose stream it got. */
    private static List<String> streamOf(String key) {
        return List.of(GoogleBodies.sseEvent("from " + key + " 1"), GoogleBodies.sseEvent("from " + key + " 2"),
                GoogleBodies.sseEvent("from " + key + " 3"));
    }

    /** Whichever key the pool picks first fails with {@code failure}; every later attempt streams. */
    private static void firstAttemptFailsThenStreams(StubGemini.Reply failure) {
        AtomicInteger calls = new AtomicInteger();
        Function<StubGemini.Received, StubGemini.Reply> script = r -> calls.getAndIncrement() == 0
                ? failure
                : new StubGemini.Sse("text/event-stream", streamOf(r.key()), Duration.ofMillis(20), false);
        gateway.stub().answer(script);
    }

    private static void assertClientGotOnlyTheStreamOf(String key, Arrivals.Streamed res) {
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.contentType()).isEqualTo("text/event-stream");
        assertThat(res.text()).isEqualTo(String.join("", streamOf(key)));
    }
}
