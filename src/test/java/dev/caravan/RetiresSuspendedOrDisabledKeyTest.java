package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN §3, 403: CONSUMER_SUSPENDED makes the key SUSPENDED, SERVICE_DISABLED (or any other 403) makes it
 * DISABLED; either way the request is retried on another key.
 */
class RetiresSuspendedOrDisabledKeyTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-banned", "key-good");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    private static void banned(String body) throws Exception {
        gateway.stub().answerFor("key-banned", r -> new StubGemini.Json(403, body));
        gateway.stub().answerFor("key-good", r -> new StubGemini.Json(200, GoogleBodies.generateContent("good")));
        String prompt = Gateway.prompt("hello");

        // two requests: whichever key round robin starts with, key-banned is tried by one of them
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> res = gateway.post(FLASH, prompt);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("good"));
        }
        assertThat(gateway.stub().keysSeen()).containsOnlyOnce("key-banned").containsSubsequence("key-banned", "key-good");
        assertThat(gateway.stub().received()).allSatisfy(r -> assertThat(r.bodyText()).isEqualTo(prompt));
        assertThat(gateway.key("key-good").state()).isEqualTo(KeyState.ACTIVE);
    }

    @Test
    void suspendsTheKeyOnConsumerSuspendedAndRetries() throws Exception {
        banned(GoogleBodies.forbidden("CONSUMER_SUSPENDED"));

        assertThat(gateway.key("key-banned").state()).isEqualTo(KeyState.SUSPENDED);
        assertThat(gateway.key("key-banned").evidence().status()).isEqualTo(403);
        assertThat(gateway.key("key-banned").evidence().reason()).isEqualTo("CONSUMER_SUSPENDED");
    }

    @Test
    void disablesTheKeyOnServiceDisabledAndRetries() throws Exception {
        banned(GoogleBodies.forbidden("SERVICE_DISABLED"));

        assertThat(gateway.key("key-banned").state()).isEqualTo(KeyState.DISABLED);
        assertThat(gateway.key("key-banned").evidence().reason()).isEqualTo("SERVICE_DISABLED");
    }

    @Test
    void disablesTheKeyOnAnyOther403AndRetries() throws Exception {
        banned("{\"error\":{\"code\":403,\"message\":\"Requests from referer <empty> are blocked.\",\"status\":\"PERMISSION_DENIED\","
                + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_HTTP_REFERRER_BLOCKED\"}]}}");

        assertThat(gateway.key("key-banned").state()).isEqualTo(KeyState.DISABLED);
    }

    @Test
    void neverUsesTheSuspendedKeyAgain() throws Exception {
        banned(GoogleBodies.forbidden("CONSUMER_SUSPENDED"));
        gateway.stub().reset();

        for (int i = 0; i < 3; i++) {
            assertThat(gateway.post(FLASH, Gateway.prompt("again " + i)).statusCode()).isEqualTo(200);
        }

        assertThat(gateway.stub().keysSeen()).hasSize(3).containsOnly("key-good");
    }
}
