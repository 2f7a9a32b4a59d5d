package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyState;
import dev.caravan.keys.Verdict;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN §3, 429 with {@code limit: 0} or {@code quotaValue} 0: the model is not available to that key, so the
 * (key, model) pair is excluded for a long time (caravan.unavailable-model-hours, 24 h by default) and the other
 * key answers.
 */
class ExcludesModelOnZeroQuotaLimitTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    private static final String PRO = "/v1beta/models/gemini-2.5-pro:generateContent";
    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final long DAY = Duration.ofHours(24).toMillis();

    private static void firstAttemptAnswers(String body) {
        AtomicInteger n = new AtomicInteger();
        gateway.stub().answer(r -> n.getAndIncrement() == 0
                ? new StubGemini.Json(429, body)
                : new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
    }

    @Test
    void excludesThePairForADayWhenTheMessageSaysLimitZero() throws Exception {
        firstAttemptAnswers(GoogleBodies.quotaLimitZero());

        long before = System.currentTimeMillis();
        HttpResponse<String> res = gateway.post(PRO, Gateway.prompt("hello"));
        long after = System.currentTimeMillis();

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("from " + keys.get(1)));
        ApiKey excluded = gateway.key(keys.get(0));
        ApiKey.Cooldown c = excluded.cooldowns().get("gemini-2.5-pro");
        assertThat(c).isNotNull();
        assertThat(c.kind()).isEqualTo(Verdict.Kind.MODEL_UNAVAILABLE);
        // not the 40 s of RetryInfo: the model will not become available by waiting a minute
        assertThat(c.untilMillis()).isBetween(before + DAY, after + DAY);
        assertThat(excluded.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(excluded.strikes()).isZero();
    }

    @Test
    void excludesThePairWhenTheQuotaValueIsZero() throws Exception {
        firstAttemptAnswers(GoogleBodies.quotaPerMinute("27s")
                .replace("\"quotaValue\": \"10\"", "\"quotaValue\": \"0\"")
                .replace("limit: 10", "limit: 0"));

        long before = System.currentTimeMillis();
        HttpResponse<String> res = gateway.post(PRO, Gateway.prompt("hello"));

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(res.statusCode()).isEqualTo(200);
        ApiKey.Cooldown c = gateway.key(keys.get(0)).cooldowns().get("gemini-2.5-pro");
        assertThat(c.kind()).isEqualTo(Verdict.Kind.MODEL_UNAVAILABLE);
        assertThat(c.untilMillis()).isGreaterThanOrEqualTo(before + DAY);
    }

    @Test
    void keepsUsingTheKeyForOtherModels() throws Exception {
        firstAttemptAnswers(GoogleBodies.quotaLimitZero());
        assertThat(gateway.post(PRO, Gateway.prompt("first")).statusCode()).isEqualTo(200);
        String excluded = gateway.stub().keysSeen().get(0);
        gateway.stub().reset();

        for (int i = 0; i < 3; i++) {
            assertThat(gateway.post(PRO, Gateway.prompt("pro " + i)).statusCode()).isEqualTo(200);
        }
        assertThat(gateway.stub().keysSeen()).hasSize(3).doesNotContain(excluded);
        gateway.stub().reset();

        for (int i = 0; i < 2; i++) {
            assertThat(gateway.post(FLASH, Gateway.prompt("flash " + i)).statusCode()).isEqualTo(200);
        }
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-a", "key-b");
    }
}
