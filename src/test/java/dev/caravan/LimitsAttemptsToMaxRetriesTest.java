package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DESIGN §3, MAX_RETRIES: the total number of attempts per request, each on a different key. */
class LimitsAttemptsToMaxRetriesTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b", "key-c").set("caravan.max-retries", "2")
            .set("caravan.max-failures", "100");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void makesExactlyMaxRetriesAttemptsOnDistinctKeys() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(503, GoogleBodies.unavailable()));
        String prompt = Gateway.prompt("hello");

        HttpResponse<String> res = gateway.post(FLASH, prompt);

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(gateway.stub().received()).allSatisfy(r -> assertThat(r.bodyText()).isEqualTo(prompt));
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.body()).isEqualTo(GoogleBodies.unavailable());
        assertThat(gateway.key(keys.get(0)).strikes()).isEqualTo(1);
        assertThat(gateway.key(keys.get(1)).strikes()).isEqualTo(1);
    }

    @Test
    void neverReusesAKeyWithinOneRequest() throws Exception {
        for (int i = 0; i < 6; i++) {
            gateway.stub().reset();
            gateway.stub().answer(r -> new StubGemini.Json(503, GoogleBodies.unavailable()));
            assertThat(gateway.post(FLASH, Gateway.prompt("hello " + i)).statusCode()).isEqualTo(503);
            assertThat(gateway.stub().keysSeen()).hasSize(2).doesNotHaveDuplicates();
        }
    }

    @Test
    void stopsAtTheBudgetEvenWhenTheThirdKeyWouldAnswer() throws Exception {
        // the first two attempts fail whatever key they use; a third one would succeed, but the budget is 2
        AtomicInteger n = new AtomicInteger();
        gateway.stub().answer(r -> n.getAndIncrement() < 2
                ? new StubGemini.Json(500, GoogleBodies.internal())
                : new StubGemini.Json(200, GoogleBodies.generateContent("third")));

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));

        assertThat(gateway.stub().keysSeen()).hasSize(2).doesNotHaveDuplicates();
        // Google's 500 on the last attempt is the upstream failing: a 502 in Google's envelope that names it
        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(res.body()).contains("\"code\":502", "HTTP 500 INTERNAL", "(2 attempts)");
    }

    @Test
    void quotaRefusalsSpendNoAttemptSoTheThirdKeyAnswers() throws Exception {
        // issue 14: a key refused at once for its quota does not spend the client's attempts (MAX_REJECTED_KEYS)
        AtomicInteger n = new AtomicInteger();
        gateway.stub().answer(r -> n.getAndIncrement() < 2
                ? new StubGemini.Json(429, GoogleBodies.quotaPerMinute("30s"))
                : new StubGemini.Json(200, GoogleBodies.generateContent("third")));

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));

        assertThat(gateway.stub().keysSeen()).hasSize(3).doesNotHaveDuplicates();
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("third"));
    }
}
