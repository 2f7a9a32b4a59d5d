package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

import dev.caravan.support.Arrivals;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN §4: the client sees each SSE event when Google sends it, not when the stream ends. "Google" sends each
 * event only once the client holds the one before, so a relay that held anything back would starve the stream
 * (the stub then cuts it). How fast an event goes through is measured in bench/, not here.
 */
class RelaysSseEventByEventTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a", "pool-key-b");

    @Test
    void eachEventReachesTheClientBeforeGoogleSendsTheNextAndUnchanged() throws Exception {
        List<String> events = IntStream.range(0, 5).mapToObj(i -> GoogleBodies.sseEvent("part " + i)).toList();
        StubGemini.Gate gate = new StubGemini.Gate();
        gateway.stub().answer(r -> new StubGemini.Gated("text/event-stream", events, gate));
        String body = Gateway.prompt("count to five");

        Arrivals.Streamed res = Arrivals.post(gateway, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", body,
                Arrivals.openAsEachArrives(events, gate));
        Arrivals got = res.body();

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.contentType()).isEqualTo("text/event-stream");
        assertThat(got.text()).isEqualTo(String.join("", events));
        List<Long> sent = gateway.stub().sentAtNanos();
        List<Long> arrived = got.nanosWhenEachHeld(events);
        assertThat(sent).hasSize(events.size());
        for (int i = 0; i < events.size(); i++) {
            System.out.printf("RelaysSseEventByEventTest: event %d reached the client %.1f ms after the stub flushed it%n",
                    i, (arrived.get(i) - sent.get(i)) / 1e6);
            if (i + 1 < events.size()) {
                assertThat(arrived.get(i)).as("event %d held before Google sent event %d", i, i + 1)
                        .isLessThan(sent.get(i + 1));
            }
        }

        StubGemini.Received up = gateway.stub().received().get(0);
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(up.method()).isEqualTo("POST");
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(up.query()).isEqualTo("alt=sse");
        assertThat(up.key()).isIn("pool-key-a", "pool-key-b");
        assertThat(up.bodyText()).isEqualTo(body);
    }
}
