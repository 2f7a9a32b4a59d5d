package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A non-streamed answer whose body stops after its head is a timeout like any other: strike, next key. */
class TimesOutAStalledAnswerTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("stall-key-a", "stall-key-b").set("caravan.time-out", "1");

    @Test
    void failsOverWhenTheBodyStallsAfterTheHead() throws Exception {
        String whole = GoogleBodies.generateContent("from b");
        StubGemini.Paced stalled = new StubGemini.Paced("application/json; charset=UTF-8",
                List.of("{\"candidates\": [", "]}"), List.of(Duration.ZERO, Duration.ofSeconds(4)), false);
        gateway.stub().answerFor("stall-key-a", r -> stalled);
        gateway.stub().answerFor("stall-key-b", r -> stalled);
        gateway.stub().answer(r -> new StubGemini.Json(200, whole));

        long start = System.nanoTime();
        HttpResponse<String> res = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(res.statusCode()).isEqualTo(504);
        assertThat(res.body()).contains("\"status\":\"DEADLINE_EXCEEDED\"");
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("stall-key-a", "stall-key-b");
        assertThat(gateway.key("stall-key-a").strikes()).isEqualTo(1);
        assertThat(gateway.key("stall-key-b").strikes()).isEqualTo(1);
        // two attempts of about one second each, not the four seconds each the stub would have taken
        assertThat(tookMillis).isLessThan(6_000);
    }
}
