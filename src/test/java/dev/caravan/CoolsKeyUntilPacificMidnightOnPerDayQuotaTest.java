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
import dev.caravan.support.PacificMidnight;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DESIGN §3, 429 with a PerDay quotaId: the (key, model) pair cools until the next midnight in America/Los_Angeles. */
class CoolsKeyUntilPacificMidnightOnPerDayQuotaTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    private static void firstAttemptAnswers(String body) {
        AtomicInteger n = new AtomicInteger();
        gateway.stub().answer(r -> n.getAndIncrement() == 0
                ? new StubGemini.Json(429, body)
                : new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
    }

    private static long nextPacificMidnight() {
        return PacificMidnight.after(System.currentTimeMillis());
    }

    @Test
    void coolsUntilNextPacificMidnightIgnoringRetryDelay() throws Exception {
        firstAttemptAnswers(GoogleBodies.quotaPerDay());
        long midnightBefore = nextPacificMidnight();

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));
        // a run that straddles Pacific midnight may see either midnight
        long midnightAfter = nextPacificMidnight();

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("from " + keys.get(1)));
        ApiKey cooled = gateway.key(keys.get(0));
        ApiKey.Cooldown c = cooled.cooldowns().get("gemini-2.5-flash");
        assertThat(c).isNotNull();
        assertThat(c.kind()).isEqualTo(Verdict.Kind.QUOTA_COOLDOWN);
        // the body's RetryInfo says 13s; a daily quota does not come back before Google resets it
        assertThat(c.untilMillis()).isIn(midnightBefore, midnightAfter);
        assertThat(c.evidence().quotaId()).isEqualTo("GenerateRequestsPerDayPerProjectPerModel-FreeTier");
        assertThat(cooled.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(cooled.strikes()).isZero();
    }

    @Test
    void understandsTheOneElementArrayEnvelope() throws Exception {
        firstAttemptAnswers(GoogleBodies.arrayEnvelope(GoogleBodies.quotaPerDay()));
        long midnightBefore = nextPacificMidnight();

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));
        long midnightAfter = nextPacificMidnight();

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gateway.key(keys.get(0)).cooldowns().get("gemini-2.5-flash").untilMillis())
                .isIn(midnightBefore, midnightAfter);
    }

    @Test
    void laterRequestsForThatModelUseOnlyTheOtherKey() throws Exception {
        firstAttemptAnswers(GoogleBodies.quotaPerDay());
        assertThat(gateway.post(FLASH, Gateway.prompt("first")).statusCode()).isEqualTo(200);
        String cooled = gateway.stub().keysSeen().get(0);
        gateway.stub().reset();

        for (int i = 0; i < 3; i++) {
            assertThat(gateway.post(FLASH, Gateway.prompt("again " + i)).statusCode()).isEqualTo(200);
        }

        assertThat(gateway.stub().keysSeen()).hasSize(3).doesNotContain(cooled);
    }
}
