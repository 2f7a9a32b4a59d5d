package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyState;
import dev.caravan.keys.Verdict;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DESIGN §3, 429 with a PerMinute quotaId: the other key answers; the (key, model) pair cools for RetryInfo's delay. */
class RetriesNextKeyOnPerMinuteQuotaTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String PRO = "/v1beta/models/gemini-2.5-pro:generateContent";

    /** Whichever key the pool tries first hits its per-minute quota; every later request succeeds. */
    private static void firstAttemptHitsPerMinuteQuota(String retryDelay) {
        AtomicInteger n = new AtomicInteger();
        gateway.stub().answer(r -> n.getAndIncrement() == 0
                ? new StubGemini.Json(429, GoogleBodies.quotaPerMinute(retryDelay))
                : new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
    }

    private static String other(String key) {
        return key.equals("key-a") ? "key-b" : "key-a";
    }

    @Test
    void retriesOnTheOtherKeyAndAnswersWithItsReply() throws Exception {
        firstAttemptHitsPerMinuteQuota("1.5s");
        String prompt = Gateway.prompt("hello");

        HttpResponse<String> res = gateway.post(FLASH, prompt);

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates().containsExactlyInAnyOrder("key-a", "key-b");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("from " + keys.get(1)));
        assertThat(res.headers().firstValue("retry-after")).isEmpty();
        assertThat(gateway.stub().received()).allSatisfy(r -> {
            assertThat(r.bodyText()).isEqualTo(prompt);
            assertThat(r.path()).isEqualTo(FLASH);
        });
        ApiKey cooled = gateway.key(keys.get(0));
        assertThat(cooled.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(cooled.strikes()).isZero();
    }

    @Test
    void coolsThatKeyForThatModelForTheFractionalRetryDelay() throws Exception {
        firstAttemptHitsPerMinuteQuota("1.5s");

        long before = System.currentTimeMillis();
        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));
        long after = System.currentTimeMillis();

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().keysSeen()).hasSize(2).doesNotHaveDuplicates();
        String cooled = gateway.stub().keysSeen().get(0);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("from " + other(cooled)));
        ApiKey.Cooldown c = gateway.key(cooled).cooldowns().get("gemini-2.5-flash");
        assertThat(c).isNotNull();
        assertThat(c.kind()).isEqualTo(Verdict.Kind.QUOTA_COOLDOWN);
        // 1.5 s exactly, not rounded to 1 or 2 s
        assertThat(c.untilMillis()).isBetween(before + 1500, after + 1500);
        assertThat(c.evidence().status()).isEqualTo(429);
        assertThat(c.evidence().quotaId()).isEqualTo("GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
        assertThat(gateway.key(cooled).cooldowns()).containsOnlyKeys("gemini-2.5-flash");
        assertThat(gateway.key(other(cooled)).cooldowns()).isEmpty();
    }

    @Test
    void sameModelAvoidsTheCoolingKeyWhileAnotherModelStillUsesIt() throws Exception {
        firstAttemptHitsPerMinuteQuota("1.5s");
        assertThat(gateway.post(FLASH, Gateway.prompt("first")).statusCode()).isEqualTo(200);
        String cooled = gateway.stub().keysSeen().get(0);
        gateway.stub().reset();

        for (int i = 0; i < 4; i++) {
            HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("same model " + i));
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("hello"));
        }
        assertThat(gateway.stub().keysSeen()).hasSize(4).containsOnly(other(cooled));
        gateway.stub().reset();

        for (int i = 0; i < 2; i++) {
            HttpResponse<String> res = gateway.post(PRO, Gateway.prompt("other model " + i));
            assertThat(res.statusCode()).isEqualTo(200);
        }
        // round robin over both keys: two requests for another model reach both, the cooling one included
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-a", "key-b");
        assertThat(gateway.stub().received()).allSatisfy(r -> assertThat(r.path()).isEqualTo(PRO));
    }

    @Test
    void keyReturnsForThatModelOnceTheCooldownIsOver() throws Exception {
        firstAttemptHitsPerMinuteQuota("1.5s");
        long start = System.currentTimeMillis();
        assertThat(gateway.post(FLASH, Gateway.prompt("first")).statusCode()).isEqualTo(200);
        String cooled = gateway.stub().keysSeen().get(0);
        long until = gateway.key(cooled).cooldowns().get("gemini-2.5-flash").untilMillis();
        gateway.stub().reset();

        Set<String> seenWhileCooling = new HashSet<>();
        AtomicInteger polls = new AtomicInteger();
        AtomicLong returnedAt = new AtomicLong();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
            HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("again"));
            polls.incrementAndGet();
            List<String> keys = gateway.stub().keysSeen();
            String last = keys.get(keys.size() - 1);
            if (!last.equals(cooled)) {
                seenWhileCooling.add(last);
                return false;
            }
            returnedAt.set(System.currentTimeMillis());
            return res.statusCode() == 200;
        });

        // the cooled key was picked only after its deadline, about 1.5 s after the 429
        assertThat(returnedAt.get()).isGreaterThanOrEqualTo(until);
        assertThat(returnedAt.get() - start).isGreaterThanOrEqualTo(1500);
        // every request before the return went to the other key, each in a single attempt
        assertThat(seenWhileCooling).containsOnly(other(cooled));
        assertThat(gateway.stub().received()).hasSize(polls.get());
        assertThat(gateway.stub().received()).allSatisfy(r -> assertThat(r.path()).isEqualTo(FLASH));
    }

    @Test
    void listingModelsAlsoAvoidsTheKeyThatHitItsQuota() throws Exception {
        AtomicInteger n = new AtomicInteger();
        gateway.stub().answer(r -> n.getAndIncrement() == 0
                ? new StubGemini.Json(429, GoogleBodies.quotaPerMinute("30s"))
                : new StubGemini.Json(200, GoogleBodies.models()));

        HttpResponse<String> first = gateway.get("/v1beta/models");

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(first.statusCode()).isEqualTo(200);
        // Google's list, with the derived ids (-search, -non-thinking) Caravan adds after it
        assertThat(first.body()).contains("\"models/gemini-2.5-flash\"", "\"models/text-embedding-004\"",
                "\"nextPageToken\":\"page-2\"", "\"models/gemini-2.5-flash-search\"");
        String cooled = keys.get(0);
        gateway.stub().reset();
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.models()));

        for (int i = 0; i < 4; i++) {
            assertThat(gateway.get("/v1beta/models").statusCode()).isEqualTo(200);
        }

        assertThat(gateway.stub().keysSeen()).hasSize(4).containsOnly(other(cooled));
    }
}
