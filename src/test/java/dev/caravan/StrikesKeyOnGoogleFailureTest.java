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
 * DESIGN §3, 500/503: a strike against the key and a retry on another; MAX_FAILURES strikes take the key out of
 * rotation, and a success clears its strikes.
 */
class StrikesKeyOnGoogleFailureTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-flaky", "key-good").set("caravan.max-failures", "3");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void strikesThe503KeyAndRetriesOnTheOther() throws Exception {
        AtomicInteger n = new AtomicInteger();
        gateway.stub().answer(r -> n.getAndIncrement() == 0
                ? new StubGemini.Json(503, GoogleBodies.unavailable())
                : new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
        String prompt = Gateway.prompt("hello");

        HttpResponse<String> res = gateway.post(FLASH, prompt);

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("from " + keys.get(1)));
        assertThat(gateway.stub().received()).allSatisfy(r -> assertThat(r.bodyText()).isEqualTo(prompt));
        assertThat(gateway.key(keys.get(0)).strikes()).isEqualTo(1);
        assertThat(gateway.key(keys.get(0)).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(gateway.key(keys.get(1)).strikes()).isZero();
    }

    @Test
    void strikesThe500KeyAndRetriesOnTheOther() throws Exception {
        AtomicInteger n = new AtomicInteger();
        gateway.stub().answer(r -> n.getAndIncrement() == 0
                ? new StubGemini.Json(500, GoogleBodies.internal())
                : new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("from " + keys.get(1)));
        assertThat(gateway.key(keys.get(0)).strikes()).isEqualTo(1);
    }

    @Test
    void disablesTheKeyAtMaxFailuresStrikes() throws Exception {
        gateway.stub().answerFor("key-flaky", r -> new StubGemini.Json(503, GoogleBodies.unavailable()));
        gateway.stub().answerFor("key-good", r -> new StubGemini.Json(200, GoogleBodies.generateContent("good")));

        // once key-flaky fails, round robin offers it first to the next request: 4 requests hit it 3 times at least
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello " + i));
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("good"));
        }

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys.stream().filter("key-flaky"::equals)).hasSize(3);
        assertThat(keys.stream().filter("key-good"::equals)).hasSize(4);
        assertThat(gateway.key("key-flaky").state()).isEqualTo(KeyState.DISABLED);
        assertThat(gateway.key("key-flaky").strikes()).isEqualTo(3);
        assertThat(gateway.key("key-flaky").evidence().status()).isEqualTo(503);
        assertThat(gateway.key("key-good").state()).isEqualTo(KeyState.ACTIVE);
        gateway.stub().reset();

        for (int i = 0; i < 3; i++) {
            assertThat(gateway.post(FLASH, Gateway.prompt("after " + i)).statusCode()).isEqualTo(200);
        }
        assertThat(gateway.stub().keysSeen()).hasSize(3).containsOnly("key-good");
    }

    @Test
    void successClearsTheKeysStrikes() throws Exception {
        // key-flaky fails twice (one short of MAX_FAILURES), then recovers
        AtomicInteger flaky = new AtomicInteger();
        gateway.stub().answerFor("key-flaky", r -> flaky.getAndIncrement() < 2
                ? new StubGemini.Json(503, GoogleBodies.unavailable())
                : new StubGemini.Json(200, GoogleBodies.generateContent("flaky is back")));
        gateway.stub().answerFor("key-good", r -> new StubGemini.Json(200, GoogleBodies.generateContent("good")));

        // each failure is retried on key-good, so the client never notices
        while (flaky.get() < 2) {
            assertThat(gateway.post(FLASH, Gateway.prompt("fail")).statusCode()).isEqualTo(200);
        }
        assertThat(gateway.key("key-flaky").strikes()).isEqualTo(2);

        // the next request goes to key-flaky first (it followed key-good in the last retry) and succeeds there
        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("recover"));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("flaky is back"));
        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys.get(keys.size() - 1)).isEqualTo("key-flaky");
        assertThat(gateway.key("key-flaky").strikes()).isZero();
        assertThat(gateway.key("key-flaky").state()).isEqualTo(KeyState.ACTIVE);
        gateway.stub().reset();

        // with strikes cleared, two more failures still leave it in rotation (3 would disable it)
        AtomicInteger again = new AtomicInteger();
        gateway.stub().answerFor("key-flaky", r -> again.getAndIncrement() < 2
                ? new StubGemini.Json(503, GoogleBodies.unavailable())
                : new StubGemini.Json(200, GoogleBodies.generateContent("flaky is back")));
        while (again.get() < 2) {
            assertThat(gateway.post(FLASH, Gateway.prompt("again")).statusCode()).isEqualTo(200);
        }
        assertThat(gateway.key("key-flaky").strikes()).isEqualTo(2);
        assertThat(gateway.key("key-flaky").state()).isEqualTo(KeyState.ACTIVE);
    }

    @Test
    void passesGooglesLast5xxToTheClientWhenEveryKeyFails() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(503, GoogleBodies.unavailable()));

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));

        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-flaky", "key-good");
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.body()).isEqualTo(GoogleBodies.unavailable());
        assertThat(gateway.key("key-flaky").strikes()).isEqualTo(1);
        assertThat(gateway.key("key-good").strikes()).isEqualTo(1);
    }
}
