package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DESIGN §3, 400 with ErrorInfo.reason API_KEY_INVALID: the key is INVALID at once and another key answers. */
class RetiresInvalidKeyTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-bad", "key-good").set("caravan.max-failures", "5");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void marksKeyInvalidAtOnceAndAnswersWithTheOtherKeysReply() throws Exception {
        gateway.stub().answerFor("key-bad", r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        gateway.stub().answerFor("key-good", r -> new StubGemini.Json(200, GoogleBodies.generateContent("good")));
        String prompt = Gateway.prompt("hello");

        // two requests: whichever key round robin starts with, key-bad is tried by one of them
        HttpResponse<String> first = gateway.post(FLASH, prompt);
        HttpResponse<String> second = gateway.post(FLASH, prompt);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo(GoogleBodies.generateContent("good"));
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(GoogleBodies.generateContent("good"));
        // key-bad was tried exactly once, then never again; each of its failures was retried on key-good
        assertThat(gateway.stub().keysSeen()).containsOnlyOnce("key-bad");
        assertThat(gateway.stub().keysSeen()).containsSubsequence("key-bad", "key-good");
        assertThat(gateway.stub().received()).allSatisfy(r -> assertThat(r.bodyText()).isEqualTo(prompt));
        assertThat(gateway.key("key-bad").state()).isEqualTo(KeyState.INVALID);
        assertThat(gateway.key("key-bad").evidence().status()).isEqualTo(400);
        assertThat(gateway.key("key-bad").evidence().reason()).isEqualTo("API_KEY_INVALID");
        assertThat(gateway.key("key-good").state()).isEqualTo(KeyState.ACTIVE);
    }

    @Test
    void neverUsesTheInvalidKeyAgainForAnyModel() throws Exception {
        gateway.stub().answerFor("key-bad", r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        gateway.post(FLASH, Gateway.prompt("a"));
        gateway.post(FLASH, Gateway.prompt("b"));
        assertThat(gateway.key("key-bad").state()).isEqualTo(KeyState.INVALID);
        gateway.stub().reset();

        for (int i = 0; i < 4; i++) {
            HttpResponse<String> res = gateway.post("/v1beta/models/gemini-2.5-pro:generateContent", Gateway.prompt("pro " + i));
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("hello"));
        }

        assertThat(gateway.stub().keysSeen()).hasSize(4).containsOnly("key-good");
    }

    @Test
    void hidesGooglesWordsAboutTheGatewaysKeyWhenEveryKeyIsInvalid() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));

        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-bad", "key-good");
        // the client cannot fix the gateway's keys: not Google's 400 INVALID_ARGUMENT, but an honest 503
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.body()).startsWith("{\"error\":{\"code\":503,").contains("\"status\":\"UNAVAILABLE\"")
                .doesNotContain("API key not valid");
        assertThat(gateway.key("key-bad").state()).isEqualTo(KeyState.INVALID);
        assertThat(gateway.key("key-good").state()).isEqualTo(KeyState.INVALID);
    }
}
