package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.LogCapture;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 4: a RetryInfo.retryDelay of three thousand years pauses the (key, model) for one day at most,
 * the request is served by another key, and the log says so once, without the key, however many answers ask it.
 */
class CapsGooglesRetryDelayAtOneDayTest {

    private static final String KEY_A = "retry-delay-key-a";
    private static final String KEY_B = "retry-delay-key-b";
    private static final long ONE_DAY = 24 * 3_600_000L;

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(KEY_A, KEY_B);

    @Test
    void pausesTheKeyForOneDayAtMostAndWarnsOnce() throws Exception {
        gateway.stub().answerFor(KEY_A, r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("99999999999s")));
        ApiKey a = gateway.key(KEY_A);

        try (LogCapture log = LogCapture.warningsAndErrors()) {
            for (int i = 0; i < 10; i++) {
                // each model cools key A on its own, so every request meets the absurd delay once
                long before = System.currentTimeMillis();
                HttpResponse<String> res = gateway.post("/v1beta/models/gemini-model-" + i + ":generateContent",
                        Gateway.prompt("hi"));
                long after = System.currentTimeMillis();

                assertThat(res.statusCode()).isEqualTo(200);
                ApiKey.Cooldown c = a.cooldowns().get("gemini-model-" + i);
                assertThat(c).as("key A cools for gemini-model-%d", i).isNotNull();
                assertThat(c.untilMillis()).isBetween(before + ONE_DAY, after + ONE_DAY);
            }

            assertThat(gateway.stub().keysSeen()).containsOnly(KEY_A, KEY_B).hasSize(20);
            assertThat(a.state()).isEqualTo(KeyState.ACTIVE);
            assertThat(a.strikes()).isZero();
            assertThat(log.lines()).filteredOn(l -> l.contains("retryDelay")).hasSize(1)
                    .allSatisfy(l -> assertThat(l).contains("capped at one day")
                            .doesNotContain(KEY_A, a.fingerprint(), "gemini-model-"));
        }
    }
}
