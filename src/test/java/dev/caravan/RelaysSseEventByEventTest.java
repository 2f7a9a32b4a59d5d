package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import dev.caravan.support.Arrivals;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DESIGN §4: the client sees each SSE event when Google sends it, not when the stream ends. */
class RelaysSseEventByEventTest {

    /** The product requirement: an event reaches the client within this much of Google flushing it. */
    private static final Duration MAX_ADDED_LATENCY = Duration.ofMillis(100);

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a", "pool-key-b");

    @Test
    void eachEventReachesTheClientWithin100MsOfGoogleFlushingItAndUnchanged() throws Exception {
        warmUp();
        List<String> events = IntStream.range(0, 5).mapToObj(i -> GoogleBodies.sseEvent("part " + i)).toList();
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", events, Duration.ofMillis(300), false));
        String body = Gateway.prompt("count to five");

        Arrivals.Streamed res = Arrivals.post(gateway, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", body);
        Arrivals got = res.body();

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.contentType()).isEqualTo("text/event-stream");
        assertThat(got.text()).isEqualTo(String.join("", events));
        List<Long> sent = gateway.stub().sentAtNanos();
        List<Long> arrived = got.nanosWhenEachHeld(events);
        assertThat(sent).hasSize(events.size());
        for (int i = 0; i < events.size(); i++) {
            long latency = arrived.get(i) - sent.get(i);
            System.out.printf("RelaysSseEventByEventTest: event %d reached the client %.1f ms after the stub flushed it%n",
                    i, latency / 1e6);
            assertThat(latency).as("event %d: nanoseconds from the stub's flush to the client", i)
                    .isLessThanOrEqualTo(MAX_ADDED_LATENCY.toNanos());
        }

        StubGemini.Received up = gateway.stub().received().get(0);
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(up.method()).isEqualTo("POST");
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(up.query()).isEqualTo("alt=sse");
        assertThat(up.key()).isIn("pool-key-a", "pool-key-b");
        assertThat(up.bodyText()).isEqualTo(body);
    }

    /**
     * One short stream through the same path first, so the measurement is the relay's and not the first-use class
     * loading and JIT of a freshly booted gateway and client (a production gateway is warm).
     */
    private static void warmUp() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of("data: {}\r\n\r\n"), Duration.ZERO, false));
        Arrivals.Streamed warm = Arrivals.post(gateway, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", Gateway.prompt("warm up"));
        assertThat(warm.status()).isEqualTo(200);
        gateway.stub().reset();
    }
}
