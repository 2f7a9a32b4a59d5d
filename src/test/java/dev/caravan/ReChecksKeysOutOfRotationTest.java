package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.caravan.keys.Evidence;
import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.LogCapture;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 5, re-check (routes/maintenance.camel.yaml): every CHECK_INTERVAL_HOURS the keys out of rotation are asked
 * about TEST_MODEL (GET /models/{TEST_MODEL}, which spends no generation quota); those that answer 200 go back into
 * rotation, the others keep their state with fresh evidence. An operator's disable is never undone by it.
 */
class ReChecksKeysOutOfRotationTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-healed", "key-dead", "key-manual", "key-good")
            .set("caravan.test-model", "gemini-2.0-flash");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void putsBackTheKeysThatAnswerAndLeavesTheOthersOut() throws Exception {
        StubGemini stub = gateway.stub();
        stub.answerFor("key-healed", r -> new StubGemini.Json(403, GoogleBodies.forbidden("CONSUMER_SUSPENDED")));
        stub.answerFor("key-dead", r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        for (int i = 0; i < 4; i++) {
            gateway.post(FLASH, Gateway.prompt("q" + i));
        }
        gateway.pool().disable(gateway.key("key-manual"), new Evidence(0, "OPERATOR", null, System.currentTimeMillis()));
        assertThat(gateway.key("key-healed").state()).isEqualTo(KeyState.SUSPENDED);
        assertThat(gateway.key("key-dead").state()).isEqualTo(KeyState.INVALID);
        stub.reset();
        // Google lifted the suspension; the dead key is still dead
        stub.answerFor("key-dead", r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        stub.answer(r -> new StubGemini.Json(200, "{\"name\":\"models/gemini-2.0-flash\"}"));

        gateway.caravan().context().createProducerTemplate().sendBody("direct:maintenance-recheck-keys", null);

        assertThat(gateway.key("key-healed").state()).isEqualTo(KeyState.ACTIVE);
        assertThat(gateway.key("key-dead").state()).isEqualTo(KeyState.INVALID);
        assertThat(gateway.key("key-dead").evidence().reason()).isEqualTo("API_KEY_INVALID");
        assertThat(gateway.key("key-manual").state()).isEqualTo(KeyState.DISABLED);
        // one cheap call per key out of rotation, the key alone in its header, no generation
        List<StubGemini.Received> calls = stub.received();
        assertThat(calls).extracting(StubGemini.Received::key).containsExactlyInAnyOrder("key-healed", "key-dead");
        assertThat(calls).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.path()).as("TEST_MODEL's entry").isEqualTo("/v1beta/models/gemini-2.0-flash");
            assertThat(r.query()).isNullOrEmpty();
            assertThat(r.headers()).doesNotContainKeys("authorization", "x-goog-api-client");
        });

        // back in rotation for real requests
        stub.reset();
        for (int i = 0; i < 4; i++) {
            assertThat(gateway.post(FLASH, Gateway.prompt("after " + i)).statusCode()).isEqualTo(200);
        }
        assertThat(stub.keysSeen()).containsOnly("key-healed", "key-good");
    }

    @Test
    void leavesAKeyOutWhenGoogleCannotBeReachedForIt() throws Exception {
        gateway.stub().answerFor("key-dead", r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        for (int i = 0; i < 4; i++) {
            gateway.post(FLASH, Gateway.prompt("q" + i));
        }
        gateway.stub().reset();
        gateway.stub().answer(r -> new StubGemini.Close());

        gateway.caravan().context().createProducerTemplate().sendBody("direct:maintenance-recheck-keys", null);

        assertThat(gateway.key("key-dead").state()).isEqualTo(KeyState.INVALID);
        // (the HTTP client may retry a GET once on a dropped connection)
        assertThat(gateway.stub().keysSeen()).isNotEmpty().containsOnly("key-dead");
    }

    @Test
    void aTestModelGoogleShutDownStillProvesTheKeyAndSaysSo() throws Exception {
        StubGemini stub = gateway.stub();
        stub.answerFor("key-healed", r -> new StubGemini.Json(403, GoogleBodies.forbidden("CONSUMER_SUSPENDED")));
        stub.answerFor("key-dead", r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        for (int i = 0; i < 4; i++) {
            gateway.post(FLASH, Gateway.prompt("q" + i));
        }
        assertThat(gateway.key("key-healed").state()).isEqualTo(KeyState.SUSPENDED);
        stub.reset();
        // TEST_MODEL is gone at Google: it takes the key and finds no such model; a dead key is still refused first
        stub.answerFor("key-dead", r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        stub.answer(r -> new StubGemini.Json(404, GoogleBodies.notFound()));

        try (LogCapture logs = LogCapture.warningsAndErrors()) {
            gateway.caravan().context().createProducerTemplate().sendBody("direct:maintenance-recheck-keys", null);

            assertThat(gateway.key("key-healed").state()).isEqualTo(KeyState.ACTIVE);
            assertThat(gateway.key("key-dead").state()).isEqualTo(KeyState.INVALID);
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("TEST_MODEL").contains("HTTP 404"));
            assertThat(logs.lines()).noneSatisfy(l -> assertThat(l).contains("key-healed"));
        }
    }
}
