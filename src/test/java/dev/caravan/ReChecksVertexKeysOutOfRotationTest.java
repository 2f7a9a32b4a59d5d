package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.Evidence;
import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.apache.camel.model.ModelCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, the Vertex AI Express pool out of rotation: every CHECK_INTERVAL_HOURS its invalid, suspended and
 * disabled keys (not those an operator disabled) are asked to count the tokens of a one-word prompt for TEST_MODEL at
 * VERTEX_EXPRESS_BASE_URL (express mode has no model look-up; countTokens generates nothing), with the key in
 * x-goog-api-key only. A key that answers 200 goes back into rotation; the others keep their state. Health is DOWN
 * while a Vertex pool with keys has none usable, as it is for the Gemini pool, and UP again once one is back.
 */
class ReChecksVertexKeysOutOfRotationTest {

    private static final String HEALED = "AQ.vertex-recheck-healed";
    private static final String DEAD = "AQ.vertex-recheck-dead";
    private static final String MANUAL = "AQ.vertex-recheck-manual";
    private static final String GEMINI = "gemini-recheck-pool-key";
    private static final String VERTEX = "/vertex-express/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String CHECK_PATH = "/v1beta1/publishers/google/models/gemini-2.0-flash:countTokens";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(GEMINI)
            .set("caravan.test-model", "gemini-2.0-flash")
            .set("caravan.vertex-api-keys", HEALED + "," + DEAD + "," + MANUAL)
            .setFromStub("caravan.vertex-express-base-url",
                    s -> s.baseUrl().replaceFirst("/v1beta$", "/v1beta1/publishers/google"));

    @Test
    void putsBackTheVertexKeysThatAnswerAndLeavesTheOthersOut() throws Exception {
        StubGemini stub = gateway.stub();
        stub.answerFor(HEALED, r -> new StubGemini.Json(403, GoogleBodies.forbidden("CONSUMER_SUSPENDED")));
        stub.answerFor(DEAD, r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        for (int i = 0; i < 3; i++) {
            gateway.post(VERTEX, Gateway.prompt("q" + i));
        }
        gateway.vertexPool().disable(vertexKey(MANUAL), new Evidence(0, "OPERATOR", null, System.currentTimeMillis()));
        assertThat(vertexKey(HEALED).state()).isEqualTo(KeyState.SUSPENDED);
        assertThat(vertexKey(DEAD).state()).isEqualTo(KeyState.INVALID);
        stub.reset();
        // Google lifted the suspension; the dead key is still dead
        stub.answerFor(DEAD, r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        stub.answer(r -> new StubGemini.Json(200, "{\"totalTokens\":1}"));

        recheckVertexKeys();

        assertThat(vertexKey(HEALED).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(vertexKey(DEAD).state()).isEqualTo(KeyState.INVALID);
        assertThat(vertexKey(DEAD).evidence().reason()).isEqualTo("API_KEY_INVALID");
        assertThat(vertexKey(MANUAL).state()).isEqualTo(KeyState.DISABLED);
        assertThat(vertexKey(MANUAL).manuallyDisabled()).isTrue();
        // one countTokens per Vertex key out of rotation: the key alone in its header, never in the URL or the body
        List<StubGemini.Received> calls = stub.received();
        assertThat(calls).extracting(StubGemini.Received::key).containsExactlyInAnyOrder(HEALED, DEAD);
        assertThat(calls).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo(CHECK_PATH);
            assertThat(r.query()).isNullOrEmpty();
            assertThat(r.header("content-type")).startsWith("application/json");
            assertThat(r.headers()).doesNotContainKeys("authorization", "x-goog-api-client");
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.at("/contents/0/parts/0/text").asText()).isNotEmpty();
            assertThat(r.bodyText()).doesNotContain(HEALED, DEAD, MANUAL);
        });
        // the Gemini pool's key is never used for it
        assertThat(stub.keysSeen()).doesNotContain(GEMINI);

        // back in rotation for real Vertex requests
        stub.reset();
        for (int i = 0; i < 3; i++) {
            assertThat(gateway.post(VERTEX, Gateway.prompt("after " + i)).statusCode()).isEqualTo(200);
        }
        assertThat(stub.keysSeen()).containsOnly(HEALED);
    }

    @Test
    void healthIsDownWhileNoVertexKeyIsUsableAndUpOnceOneIsBack() throws Exception {
        gateway.vertexPool().disable(vertexKey(MANUAL), new Evidence(0, "OPERATOR", null, System.currentTimeMillis()));
        assertThat(management("/observe/health").statusCode()).isEqualTo(200);
        gateway.stub().answer(r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        for (int i = 0; i < 2; i++) {
            gateway.post(VERTEX, Gateway.prompt("q" + i));
        }
        assertThat(gateway.vertexPool().usable()).isZero();
        // the Gemini pool is still fine: the Vertex pool alone is what is wrong
        assertThat(gateway.pool().usable()).isEqualTo(1);

        HttpResponse<String> down = management("/observe/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("no usable Vertex key").doesNotContain("no usable API key")
                .doesNotContain(HEALED, DEAD, MANUAL);
        assertThat(gateway.get("/health").statusCode()).isEqualTo(503);

        gateway.stub().reset();
        gateway.stub().answer(r -> new StubGemini.Json(200, "{\"totalTokens\":1}"));
        recheckVertexKeys();

        assertThat(management("/observe/health").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/health").body()).isEqualTo("{\"status\":\"UP\"}");
        // the operator's disable stands, so only the two others were asked
        assertThat(gateway.stub().keysSeen()).containsOnly(HEALED, DEAD);
    }

    @Test
    void theScheduledReCheckCoversTheVertexPoolToo() {
        String timer = gateway.caravan().context().getCamelContextExtension().getContextPlugin(ModelCamelContext.class)
                .getRouteDefinition("maintenance-recheck-keys-timer").toString();

        assertThat(timer).contains("direct:maintenance-recheck-keys").contains("direct:maintenance-recheck-vertex-keys");
    }

    private static void recheckVertexKeys() {
        gateway.caravan().context().createProducerTemplate().sendBody("direct:maintenance-recheck-vertex-keys", null);
    }

    private static HttpResponse<String> management(String path) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.managementUrl(path))).GET());
    }

    private static ApiKey vertexKey(String secret) {
        return gateway.vertexPool().keys().stream().filter(k -> k.secret().equals(secret)).findFirst().orElseThrow();
    }
}
