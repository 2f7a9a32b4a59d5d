package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.caravan.support.Arrivals;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Without {@code alt=sse}, Google streams one JSON array whose elements arrive as they are generated; the
 * gateway passes it on byte for byte and piece by piece: "Google" sends each piece only once the client holds the
 * one before.
 */
class RelaysStreamedJsonArrayTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a", "pool-key-b");

    @Test
    void streamedJsonArrayPassesThroughByteForByteAsItArrives() throws Exception {
        // Google's own framing: "[" before the first object, ",\r\n" between objects, "]" at the end
        List<String> chunks = List.of(
                "[" + GoogleBodies.generateContent("one").strip() + "\n",
                ",\r\n" + GoogleBodies.generateContent("two").strip() + "\n",
                ",\r\n" + GoogleBodies.generateContent("three").strip() + "\n",
                "]");
        StubGemini.Gate gate = new StubGemini.Gate();
        gateway.stub().answer(r -> new StubGemini.Gated("application/json; charset=UTF-8", chunks, gate));
        String body = "{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"count\"}]}]}";

        Arrivals.Streamed res = Arrivals.post(gateway, "/v1beta/models/gemini-2.5-flash:streamGenerateContent", body,
                Arrivals.openAsEachArrives(chunks, gate));
        Arrivals got = res.body();

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.contentType()).isEqualTo("application/json; charset=UTF-8");
        assertThat(got.text()).isEqualTo(String.join("", chunks));
        List<Long> sent = gateway.stub().sentAtNanos();
        List<Long> arrived = got.nanosWhenEachHeld(chunks);
        assertThat(sent).hasSize(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            System.out.printf("RelaysStreamedJsonArrayTest: chunk %d reached the client %.1f ms after the stub flushed it%n",
                    i, (arrived.get(i) - sent.get(i)) / 1e6);
            if (i + 1 < chunks.size()) {
                assertThat(arrived.get(i)).as("chunk %d held before Google sent chunk %d", i, i + 1)
                        .isLessThan(sent.get(i + 1));
            }
        }

        assertThat(gateway.stub().received()).hasSize(1);
        StubGemini.Received up = gateway.stub().received().get(0);
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(up.query()).isNull();
        assertThat(up.key()).isIn("pool-key-a", "pool-key-b");
        assertThat(up.bodyText()).isEqualTo(body);
    }
}
