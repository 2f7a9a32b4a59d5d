package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN §2: a 429 carries Retry-After. Google's own 429 passed on after the last attempt says when to come back
 * too, also when the keys' pauses (here a throttling pause of zero seconds, as a short one that ended while the
 * request waited) are over by the time the answer goes out: at least a second, on both surfaces.
 */
class SaysWhenToComeBackOnEvery429Test {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("come-back-key-a", "come-back-key-b")
            .set("caravan.throttle-cooldown-seconds", "0").set("caravan.quota-wait-seconds", "0");

    @Test
    void googlesThrottling429SaysWhenToComeBack() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(429, GoogleBodies.throttled()));

        HttpResponse<String> gemini = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("a"));
        HttpResponse<String> openAi = gateway.post("/v1/chat/completions",
                "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"b\"}]}");

        for (HttpResponse<String> res : java.util.List.of(gemini, openAi)) {
            assertThat(res.statusCode()).isEqualTo(429);
            assertThat(res.headers().firstValue("retry-after")).hasValueSatisfying(v ->
                    assertThat(Integer.parseInt(v)).isGreaterThanOrEqualTo(1));
        }
        assertThat(gateway.stub().received()).isNotEmpty();
    }
}
