package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN §3, timeout: Google not answering within TIME_OUT is a strike and the request moves to another key; when
 * every attempt times out the client gets 504 in Google's envelope.
 */
class RetriesNextKeyOnTimeoutTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b").set("caravan.time-out", "1");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void strikesTheSilentKeyAndAnswersFromTheOther() throws Exception {
        AtomicInteger n = new AtomicInteger();
        gateway.stub().answer(r -> n.getAndIncrement() == 0
                ? new StubGemini.Hang()
                : new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
        String prompt = Gateway.prompt("hello");

        long start = System.nanoTime();
        HttpResponse<String> res = gateway.post(FLASH, prompt);
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("from " + keys.get(1)));
        assertThat(gateway.stub().received()).allSatisfy(r -> assertThat(r.bodyText()).isEqualTo(prompt));
        // the retry came after the 1 s time-out, not after the stub's 30 s of silence
        assertThat(tookMs).isBetween(900L, 5_000L);
        assertThat(gateway.key(keys.get(0)).strikes()).isEqualTo(1);
        assertThat(gateway.key(keys.get(0)).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(gateway.key(keys.get(1)).strikes()).isZero();
    }

    @Test
    void answers504InGooglesEnvelopeWhenEveryAttemptTimesOut() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Hang());

        long start = System.nanoTime();
        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-a", "key-b");
        assertThat(res.statusCode()).isEqualTo(504);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(res.body()).startsWith("{\"error\":{\"code\":504,\"message\":\"")
                .endsWith("\",\"status\":\"DEADLINE_EXCEEDED\"}}")
                .doesNotContain("key-a", "key-b");
        assertThat(tookMs).isBetween(1_800L, 8_000L);
        assertThat(gateway.key("key-a").strikes()).isEqualTo(1);
        assertThat(gateway.key("key-b").strikes()).isEqualTo(1);
    }
}
