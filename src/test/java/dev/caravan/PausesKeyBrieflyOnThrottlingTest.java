package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
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
 * DESIGN §3, 429 without details (shared-capacity throttling): a short cool-down of at most 10 s for the
 * (key, model) pair, never a strike, and the other key answers.
 */
class PausesKeyBrieflyOnThrottlingTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b").set("caravan.max-failures", "1")
            // Google's answer goes to the client at once, rather than waiting the pause out (issue 14's QUOTA_WAIT_SECONDS)
            .set("caravan.quota-wait-seconds", "0");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void coolsThePairForAFewSecondsWithoutAStrike() throws Exception {
        AtomicInteger n = new AtomicInteger();
        gateway.stub().answer(r -> n.getAndIncrement() == 0
                ? new StubGemini.Json(429, GoogleBodies.throttled())
                : new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));

        long before = System.currentTimeMillis();
        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));
        long after = System.currentTimeMillis();

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("from " + keys.get(1)));
        ApiKey throttled = gateway.key(keys.get(0));
        ApiKey.Cooldown c = throttled.cooldowns().get("gemini-2.5-flash");
        assertThat(c).isNotNull();
        assertThat(c.kind()).isEqualTo(Verdict.Kind.THROTTLED);
        assertThat(c.untilMillis()).isGreaterThan(after).isLessThanOrEqualTo(before + 10_000);
        // with MAX_FAILURES 1, a single strike would have disabled the key
        assertThat(throttled.strikes()).isZero();
        assertThat(throttled.state()).isEqualTo(KeyState.ACTIVE);
    }

    @Test
    void passesGooglesThrottlingToTheClientWhenEveryKeyIsThrottled() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(429, GoogleBodies.throttled()));

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));

        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-a", "key-b");
        assertThat(res.statusCode()).isEqualTo(429);
        assertThat(res.body()).isEqualTo(GoogleBodies.throttled());
        assertThat(res.headers().firstValue("retry-after")).hasValueSatisfying(v ->
                assertThat(Integer.parseInt(v)).isBetween(1, 10));
        assertThat(gateway.key("key-a").strikes()).isZero();
        assertThat(gateway.key("key-b").strikes()).isZero();
        assertThat(gateway.key("key-a").state()).isEqualTo(KeyState.ACTIVE);
    }
}
